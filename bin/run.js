#!/usr/bin/env node
// streamctl entry point: runs the compiled oclif commands from dist/.
import { execute } from '@oclif/core';

// Ctrl-C or SIGTERM before a command has started anything that needs winding down: exit 0
// at once. Streaming commands add their own handler (src/cli/interrupt.ts), which then
// decides; this one steps aside whenever another is installed.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(0);
  });
}

await execute({ dir: import.meta.url });
