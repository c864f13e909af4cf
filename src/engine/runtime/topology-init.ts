// `streamctl topology init`: scaffolds a topology project from the templates shipped with
// streamctl (templates/<name>), wired to this installation so it submits without npm install.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { StreamctlError } from '../common/errors.js';
import { PACKAGE_ROOT } from './bundler.js';

/**
 * `topology init`: copies templates/<template> into `dir` (which must be empty or absent)
 * and points package.json's streamctl dependency at this installation (`file:`), so
 * `streamctl topology submit <dir>/topology.ts` works right away without npm install
 * (the bundler resolves 'streamctl' to this installation).
 */
export function initProject(options: { dir: string; template?: string }): { dir: string; files: string[] } {
  const template = options.template ?? 'word-count';
  const source = join(PACKAGE_ROOT, 'templates', template);
  if (!existsSync(source)) {
    const available = existsSync(join(PACKAGE_ROOT, 'templates')) ? readdirSync(join(PACKAGE_ROOT, 'templates')).join(', ') : 'none';
    throw new StreamctlError('USAGE', `Unknown template '${template}' (available: ${available})`);
  }
  const dir = resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new StreamctlError('ALREADY_EXISTS', `Directory ${options.dir} exists and is not empty`);
  cpSync(source, dir, { recursive: true, filter: (src) => !/node_modules/.test(src) });
  const pkgPath = join(dir, 'package.json');
  if (existsSync(pkgPath)) {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: string; dependencies?: Record<string, string> };
    pkg.name = dir.split(/[\\/]/).pop()!.toLowerCase().replace(/[^a-z0-9-_.]/g, '-');
    pkg.dependencies = { ...(pkg.dependencies ?? {}), streamctl: `file:${PACKAGE_ROOT}` };
    writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
  }
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return { dir, files: files.sort() };
}
