// A topology's resources/ folder (Storm's jar resources/, the code dir of multilang
// components): collected beside the topology file on submit, uploaded with the bundle and
// written into nimbus's bundle store next to topology.mjs, where workers run shell
// components. Synchronous file I/O; stateless.
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { StreamctlError } from '../common/errors.js';

/** One file of a topology's resources/ folder as uploaded on submit. */
export interface ResourceFile {
  /** Path relative to resources/, with '/' separators. */
  path: string;
  /** File mode bits (keeps scripts executable). */
  mode: number;
  base64: string;
}

/** Upload limit for a resources/ folder (Storm ships it inside the topology jar). */
export const MAX_RESOURCES_BYTES = 64 * 1024 * 1024;

/**
 * The files of the `resources/` folder beside a topology file (Storm's jar resources/, the
 * code dir of multilang components); [] when there is none. Symlinks are followed; dot
 * files and folders are skipped, as are `node_modules` and `__pycache__`.
 */
export function collectResources(topologyFile: string): ResourceFile[] {
  const root = join(dirname(resolve(topologyFile)), 'resources');
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  const out: ResourceFile[] = [];
  let total = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules' || name === '__pycache__') continue;
      const full = join(dir, name);
      const st = statSync(full);
      if (st.isDirectory()) {
        walk(full);
        continue;
      }
      if (!st.isFile()) continue;
      total += st.size;
      if (total > MAX_RESOURCES_BYTES) {
        throw new StreamctlError('USAGE', `${root} holds more than ${MAX_RESOURCES_BYTES / (1024 * 1024)} MiB; ship only what the shell components need`);
      }
      out.push({ path: relative(root, full).split(sep).join('/'), mode: st.mode & 0o777, base64: readFileSync(full).toString('base64') });
    }
  };
  walk(root);
  return out;
}

/** Writes uploaded resources under `dir` (created even when there are none); rejects paths leaving it. */
export function writeResources(dir: string, files: readonly ResourceFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    if (typeof f?.path !== 'string' || typeof f.base64 !== 'string') throw new StreamctlError('USAGE', 'each resource needs path and base64');
    const rel = normalize(f.path);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) throw new StreamctlError('USAGE', `resource path '${f.path}' leaves the resources folder`);
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target) && lstatSync(target).isDirectory()) throw new StreamctlError('USAGE', `resource path '${f.path}' is a folder`);
    writeFileSync(target, Buffer.from(f.base64, 'base64'));
    // Owner bits only: the cluster directory is private (DESIGN.md, Trust model).
    if (typeof f.mode === 'number') chmodSync(target, f.mode & 0o700);
  }
}
