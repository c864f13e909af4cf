// Bundles a topology file (.ts/.js/.mts/.mjs) and its imports into one ESM file with
// esbuild (Storm's fat jar), then loads it in the calling process to read and validate its
// spec before it is uploaded. Imports of 'streamctl' (and 'streamctl/<sub>') are not
// bundled: they are rewritten to absolute file URLs of this installation's dist/, so a
// topology in this repo (templates) and one in a scaffolded project with no node_modules
// both resolve to the same streamctl that runs the workers, and its dependencies
// (@platformatic/kafka, ...) come from this installation. Stateless; safe to call
// concurrently.
import { build, type Message, type Plugin } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStreamctlError, StreamctlError } from '../common/errors.js';
import { loadTopology } from '../topology/load-topology.js';
import type { TopologySpec } from '../topology/topology-spec.js';

/** Root of this streamctl installation (the folder holding package.json and dist/). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface BundleResult {
  /** The bundle (ESM). */
  code: Buffer;
  warnings: string[];
}

function formatMessage(m: Message): string {
  const loc = m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ` : '';
  const line = m.location?.lineText ? `\n    ${m.location.lineText}` : '';
  return `${loc}${m.text}${line}`;
}

/** esbuild plugin: 'streamctl' → file URL of dist/index.js of this installation (external). */
function streamctlPlugin(distDir: string): Plugin {
  return {
    name: 'streamctl-self',
    setup(b) {
      b.onResolve({ filter: /^streamctl(\/.*)?$/ }, (args) => {
        const sub = args.path === 'streamctl' ? 'index' : args.path.slice('streamctl/'.length).replace(/\.js$/, '');
        const target = join(distDir, `${sub}.js`);
        if (!existsSync(target)) {
          return { errors: [{ text: `Cannot resolve '${args.path}': ${target} does not exist (is streamctl built? run npm run build)` }] };
        }
        return { path: pathToFileURL(target).href, external: true };
      });
    },
  };
}

/** Bundles `file` into one ESM module. A file that does not compile → USAGE error with esbuild's messages. */
export async function bundleTopology(file: string, options: { distDir?: string; entryContents?: string } = {}): Promise<BundleResult> {
  const entry = resolve(file);
  if (!existsSync(entry)) throw new StreamctlError('NOT_FOUND', `Topology file ${file} does not exist`);
  try {
    const result = await build({
      // A generated entry (Flux files) resolves its imports beside `file`.
      ...(options.entryContents !== undefined
        ? { stdin: { contents: options.entryContents, resolveDir: dirname(entry), sourcefile: `${entry}.entry.mjs`, loader: 'js' as const } }
        : { entryPoints: [entry] }),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
      absWorkingDir: dirname(entry),
      plugins: [streamctlPlugin(options.distDir ?? join(PACKAGE_ROOT, 'dist'))],
      // CommonJS dependencies bundled into ESM may call require() for node builtins.
      banner: { js: "import { createRequire as __streamctlCreateRequire } from 'node:module'; const require = __streamctlCreateRequire(import.meta.url);" },
    });
    const out = result.outputFiles?.[0];
    if (!out) throw new StreamctlError('INTERNAL', `esbuild produced no output for ${file}`);
    return { code: Buffer.from(out.contents), warnings: result.warnings.map(formatMessage) };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      throw new StreamctlError('INVALID_INPUT', `Topology file ${file} does not compile:\n  ${errors.map(formatMessage).join('\n  ')}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Imports a bundle in this process (from a temp file) and returns the topology's spec,
 * validated by the topology API (createTopology validates the graph; loadTopology checks
 * the default export).
 */
export async function readBundleSpec(code: Buffer): Promise<TopologySpec> {
  const dir = mkdtempSync(join(tmpdir(), 'streamctl-bundle-'));
  const path = join(dir, 'topology.mjs');
  try {
    writeFileSync(path, code);
    const topology = await loadTopology(path).catch((error: unknown) => {
      // The topology file's content is wrong: a runtime failure of submit, not a bad command line.
      throw isStreamctlError(error, 'USAGE') ? new StreamctlError('INVALID_INPUT', error.message, { cause: error }) : error;
    });
    // A JSON round trip: what nimbus stores is exactly what we checked.
    return JSON.parse(JSON.stringify(topology.spec)) as TopologySpec;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
