// Refuses to start a new, empty metadata store over broker data it does not know: with the
// controller's database deleted (or moved away because it was damaged) a fresh store would
// start an empty cluster that ignores, and later deletes, every partition on the brokers'
// disks. A store is new when it has no cluster id yet (the controller records it on its
// first start). `force` (cluster start --force) accepts the loss knowingly. Synchronous.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StreamctlError } from '../common/errors.js';

const PARTITION_DIR = /^(.+)-(\d+)$/;

/** `<topic>-<n>` folders (not `-delete`/`-future` leftovers) under each of `dataDirs`. */
export function partitionDirsIn(dataDirs: readonly string[]): string[] {
  const found: string[] = [];
  for (const dir of dataDirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!PARTITION_DIR.test(name)) continue;
      try {
        if (statSync(join(dir, name)).isDirectory()) found.push(join(dir, name));
      } catch {
        // vanished meanwhile
      }
    }
  }
  return found;
}

export function checkNoUnknownData(options: { storeIsNew: boolean; storePath: string; brokerDataDirs: readonly string[]; force: boolean }): void {
  if (!options.storeIsNew || options.force) return;
  const dirs = partitionDirsIn(options.brokerDataDirs);
  if (dirs.length === 0) return;
  throw new StreamctlError(
    'STORAGE',
    `The controller's metadata (${options.storePath}) is new and empty, but the brokers hold ${dirs.length} partition folder(s) it does not know (e.g. ${dirs.slice(0, 3).join(', ')}); starting would ignore and later delete that data.`,
    { hint: 'Restore the controller database from a backup, or start with `streamctl cluster start --force` to accept losing that data.' },
  );
}
