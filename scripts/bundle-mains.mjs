// Bundles each process entry of the local cluster (controller, broker, nimbus, supervisor,
// worker, daemon) and the CLI's `cluster start --ephemeral` fast path into one file under dist/bundle/ after `tsc`: a process then loads one
// module instead of ~150, which shortens its start-up and trims its resident memory. npm
// packages stay external (native addons, and one copy on disk). The cluster spawns these
// files when they exist (cluster/process-mains.ts; STREAMCTL_NO_BUNDLE=1 uses dist/engine).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const engine = join(root, 'dist', 'engine');
const out = join(root, 'dist', 'bundle');
const entries = {
  'controller-main': join(engine, 'controller', 'controller-main.js'),
  'broker-main': join(engine, 'broker', 'broker-main.js'),
  'nimbus-main': join(engine, 'runtime', 'nimbus-main.js'),
  'supervisor-main': join(engine, 'runtime', 'supervisor-main.js'),
  // The supervisor finds the worker entry next to its own file (runtime/supervisor.ts).
  'worker-main': join(engine, 'runtime', 'worker-main.js'),
  'daemon-main': join(engine, 'cluster', 'daemon-main.js'),
};
// bin/run.js's fast path for `cluster start --ephemeral` (src/cli/ephemeral-run.ts). Its
// dynamic imports (the Kafka conveniences and topology submission of the embedded API, which
// pull in @platformatic/kafka and esbuild) stay lazy: they load from dist/ when first used,
// since a bundle would hoist their npm imports to the top and cost ~0.5 s at start-up.
const cliEntries = { 'ephemeral-cli': join(root, 'dist', 'cli', 'ephemeral-run.js') };
const keepDynamicImportsLazy = {
  name: 'keep-dynamic-imports-lazy',
  setup(b) {
    b.onResolve({ filter: /^\./, namespace: 'file' }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const target = resolve(args.resolveDir, args.path);
      return { path: `./${relative(out, target).split(sep).join('/')}`, external: true };
    });
  },
};

rmSync(out, { recursive: true, force: true });
const started = Date.now();
const result = await build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  splitting: false,
  logLevel: 'warning',
  metafile: true,
});
const cli = await build({
  entryPoints: cliEntries,
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  splitting: false,
  logLevel: 'warning',
  metafile: true,
  plugins: [keepDynamicImportsLazy],
});
Object.assign(result.metafile.outputs, cli.metafile.outputs);
const sizes = Object.entries(result.metafile.outputs).map(([file, o]) => `${file.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KB`);
console.log(`bundled ${Object.keys(entries).length + Object.keys(cliEntries).length} process entries in ${Date.now() - started} ms: ${sizes.join(', ')}`);
