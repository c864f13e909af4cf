// Entry of an exported topology's wrapper script (`node streamctl-topology.mjs <component id>`,
// started by Storm's ShellSpout/ShellBolt): keeps stdout for the multilang protocol (console
// output goes to stderr), runs the component named by argv[2] and exits when Storm closes
// the pipe, or with status 1 and the error on stderr when the component fails.
import { runMultilangComponent } from './multilang-component.js';
import type { TopologyLike } from '../topology.js';

export function multilangMain(exported: unknown): void {
  console.log = console.error;
  console.info = console.error;
  const componentId = process.argv[2];
  const start = async () => {
    const value = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
    if (!componentId) throw new Error('usage: node streamctl-topology.mjs <component id>');
    await runMultilangComponent(value as TopologyLike, componentId, { input: process.stdin, output: process.stdout, pid: process.pid });
  };
  start().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
