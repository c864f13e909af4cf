// Where the entry scripts of the local cluster's processes are. Child processes always run
// compiled code: the single-file bundles of dist/bundle/ (scripts/bundle-mains.mjs; one
// module to load instead of ~150) when the build made them, else dist/engine/...
// STREAMCTL_NO_BUNDLE=1 forces the unbundled files (benchmarks compare the two).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamctlError } from '../common/errors.js';

/** Absolute paths of the process entry scripts. */
export interface ProcessMains {
  controller: string;
  broker: string;
  nimbus: string;
  supervisor: string;
}

/** Root of the streamctl package (the folder with package.json), from this file's location. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new StreamctlError('INTERNAL', 'Cannot find the streamctl package root.');
    dir = up;
  }
}

const UNBUNDLED: Record<keyof ProcessMains | 'daemon', string> = {
  controller: join('controller', 'controller-main.js'),
  broker: join('broker', 'broker-main.js'),
  nimbus: join('runtime', 'nimbus-main.js'),
  supervisor: join('runtime', 'supervisor-main.js'),
  daemon: join('cluster', 'daemon-main.js'),
};

function useBundles(root: string): boolean {
  return process.env.STREAMCTL_NO_BUNDLE !== '1' && existsSync(join(root, 'dist', 'bundle', 'broker-main.js'));
}

function entry(kind: keyof typeof UNBUNDLED): string {
  const root = packageRoot();
  const file = UNBUNDLED[kind];
  return useBundles(root) ? join(root, 'dist', 'bundle', file.split('/').pop()!) : join(root, 'dist', 'engine', file);
}

export function defaultMains(): ProcessMains {
  return { controller: entry('controller'), broker: entry('broker'), nimbus: entry('nimbus'), supervisor: entry('supervisor') };
}

/** The detached cluster daemon's entry script. */
export function daemonMain(): string {
  return entry('daemon');
}
