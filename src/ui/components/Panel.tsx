// Props-only frame of one dashboard panel: a titled border (highlighted when focused) and
// the error its source reported (if any) above whatever content the source still delivered.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';

export interface PanelProps {
  /** 1-4: the key that focuses this panel. */
  index: number;
  title: string;
  focused: boolean;
  /** The source's error, shown above the content. */
  error?: string | null;
  /** Shown before the first snapshot arrives. */
  loading?: boolean;
  children?: ReactNode;
}

export function Panel({ index, title, focused, error, loading, children }: PanelProps) {
  return (
    <Box flexDirection="column" borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'cyan' : 'gray'} paddingX={1}>
      <Text bold color={focused ? 'cyan' : undefined}>{`[${index}] ${title}`}</Text>
      {error ? <Text color="red">{`error: ${error}`}</Text> : null}
      {loading ? <Text dimColor>loading…</Text> : children}
    </Box>
  );
}
