// Leases of port ranges for clusters started side by side (parallel test files, several
// ephemeral clusters): a free base port from findFreeBasePort, claimed by creating
// <tmp>/streamctl-ports/<base>/ (mkdir is atomic) with the owner's pid inside. A lease whose
// owner is gone is stale and taken over. Released explicitly, or by the ephemeral cluster's
// reaper when the owner dies without releasing it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamctlError } from '../common/errors.js';
import { isRunning } from '../common/lifeline.js';
import { findFreeBasePort, type PortPlanOptions } from './ports.js';

export const PORT_LOCK_DIR = join(tmpdir(), 'streamctl-ports');

export interface PortLease {
  basePort: number;
  /** The lock directory (removed by release()). */
  lockPath: string;
  release(): void;
}

/** Claims `base` for this process; false when a live process holds it. */
export function tryLockBasePort(base: number, lockDir = PORT_LOCK_DIR): boolean {
  mkdirSync(lockDir, { recursive: true });
  const path = join(lockDir, String(base));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      return true;
    } catch {
      // Held: by a live process, or stale (its owner died)? A lock without a pid file yet
      // is being created right now by someone else.
      let owner: number;
      try {
        owner = Number(readFileSync(join(path, 'pid'), 'utf8'));
      } catch {
        return false;
      }
      if (owner > 0 && isRunning(owner)) return false;
      rmSync(path, { recursive: true, force: true });
    }
  }
  return false;
}

/** Finds and claims a free port range for a cluster of this shape. */
export async function leaseBasePort(shape: Omit<PortPlanOptions, 'basePort'>, host = '127.0.0.1', lockDir = PORT_LOCK_DIR): Promise<PortLease> {
  for (let i = 0; i < 40; i++) {
    const base = await findFreeBasePort(shape, host);
    if (!tryLockBasePort(base, lockDir)) continue;
    const lockPath = join(lockDir, String(base));
    return { basePort: base, lockPath, release: () => rmSync(lockPath, { recursive: true, force: true }) };
  }
  throw new StreamctlError('PORT_IN_USE', 'Could not find a free range of ports for the cluster (every candidate range is in use).');
}
