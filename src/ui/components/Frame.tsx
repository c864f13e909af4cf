// Props-only renderer of a frame: one ink Text per line, never wrapped (frameLines already cut
// each line to the width), so the output is exactly `height` lines and ink redraws in place.
import { Box, Text } from 'ink';
import { frameLines, type FrameInput } from '../views/frame.js';

export function Frame(props: FrameInput) {
  const lines = frameLines(props);
  return (
    <Box flexDirection="column" width={props.width}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" color={l.color} bold={l.bold} inverse={l.inverse}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
