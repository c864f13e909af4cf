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

// `cluster start --ephemeral` is what test suites and CI jobs wait on: with plain flags it runs
// without loading oclif (about 0.2 s); anything else, --help and bad input included, goes on
// to oclif below.
const argv = process.argv.slice(2);
if (argv[0] === 'cluster' && argv[1] === 'start' && argv.includes('--ephemeral') && !process.env.STREAMCTL_NO_FAST_PATH) {
  // One bundled module when the build made it (scripts/bundle-mains.mjs), else dist/cli.
  const fast = await import('../dist/bundle/ephemeral-cli.js').catch(() => import('../dist/cli/ephemeral-run.js'));
  const { runFastEphemeral } = fast;
  if (await runFastEphemeral(argv.slice(2))) process.exit(0);
}

await execute({ dir: import.meta.url });
