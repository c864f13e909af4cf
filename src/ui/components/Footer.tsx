// Props-only footer: the keys (live mode only) and an error from the poll itself.
import { Box, Text } from 'ink';

export interface FooterProps {
  /** Keys are active (interactive terminal). */
  live: boolean;
  error: string | null;
}

export function Footer({ live, error }: FooterProps) {
  return (
    <Box flexDirection="column">
      {error ? <Text color="red">{`refresh failed: ${error}`}</Text> : null}
      {live ? <Text dimColor>q quit · tab / 1-4 focus panel · r refresh now</Text> : null}
    </Box>
  );
}
