// `topology export NAME.ts --out DIR`: turns a streamctl topology into what Apache Storm
// runs with Flux: DIR/topology.yaml (flux-export.ts), DIR/resources/ holding one esbuild
// bundle of the topology and its streamctl runtime (self-contained, plain Node) that runs
// any of its components over Storm's multilang protocol (`node <wrapper> <component id>`),
// plus the files of the topology's own resources/ folder (for its shell components), and a
// README with the storm command. Kafka spouts and bolts with plain options map to
// storm-kafka-client; one with a custom translator or topic function stays a node component.
// Stateless; file I/O.
import { build, type Plugin } from 'esbuild';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamctlError } from '../common/errors.js';
import { exportFluxYaml, type ComponentExport } from '../flux/flux-export.js';
import { loadTopology } from '../topology/load-topology.js';
import type { TopologyLike } from '../topology/topology.js';
import { bundleTopology, PACKAGE_ROOT } from './bundler.js';

export const WRAPPER_SCRIPT = 'streamctl-topology.mjs';

export interface ExportOptions {
  out: string;
  /** Topology name in the YAML (default: from the file name). */
  name: string;
  /** Bootstrap servers for Kafka components that do not name their own. */
  bootstrapServers: string;
  /** streamctl's dist/ (default: this installation's). */
  distDir?: string;
}

export interface ExportResult {
  dir: string;
  files: string[];
  components: Array<{ id: string; kind: 'spout' | 'bolt'; exportedAs: string }>;
  warnings: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function classNames(obj: object): string[] {
  const out: string[] = [];
  for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) out.push(String(p.constructor?.name ?? ''));
  return out;
}

/** How a component instance is exported (duck-typed: the bundle carries its own classes). */
export function classifyComponent(instance: object, componentId: string, topologyName: string, conf: Record<string, unknown>, bootstrap: string): ComponentExport {
  const names = classNames(instance);
  const o = (instance as { options?: unknown }).options;
  const servers = (v: unknown) => (typeof v === 'string' && v ? v : typeof conf['kafka.bootstrap.servers'] === 'string' ? String(conf['kafka.bootstrap.servers']) : bootstrap);
  if (names.some((n) => /^KafkaSpout\d*$/.test(n)) && isRecord(o) && o.translator === undefined && o.outputFields === undefined) {
    const topics = Array.isArray(o.topic) ? o.topic.map(String) : [String(o.topic)];
    const num = (k: string) => (typeof o[k] === 'number' ? { [k]: o[k] } : {});
    return {
      as: 'kafka-spout',
      kafka: {
        topics,
        bootstrapServers: servers(o.bootstrapServers),
        groupId: typeof o.groupId === 'string' ? o.groupId : `streamctl-${topologyName}-${componentId}`,
        firstPollOffsetStrategy: typeof o.firstPollOffsetStrategy === 'string' ? o.firstPollOffsetStrategy : 'UNCOMMITTED_EARLIEST',
        ...num('commitIntervalMs'),
        ...num('maxUncommittedOffsets'),
        ...num('sessionTimeoutMs'),
        ...num('heartbeatIntervalMs'),
      },
    };
  }
  if (names.some((n) => /^KafkaBolt\d*$/.test(n)) && isRecord(o) && typeof o.topic === 'string') {
    const acks = o.acks === 0 || o.acks === 1 ? o.acks : -1;
    return {
      as: 'kafka-bolt',
      kafka: { topic: o.topic, bootstrapServers: servers(o.bootstrapServers), keyField: o.keyField === undefined ? 'key' : String(o.keyField), valueField: typeof o.valueField === 'string' ? o.valueField : 'message', acks },
    };
  }
  const command = (instance as { command?: unknown }).command;
  if (names.some((n) => /^Shell(Bolt|Spout)\d*$/.test(n)) && Array.isArray(command) && command.length > 0) return { as: 'shell', command: command.map(String) };
  return { as: 'node' };
}

async function loadForExport(file: string): Promise<TopologyLike> {
  const bundle = await bundleTopology(file);
  const tmp = mkdtempSync(join(tmpdir(), 'streamctl-export-'));
  try {
    writeFileSync(join(tmp, 'topology.mjs'), bundle.code);
    return await loadTopology(join(tmp, 'topology.mjs'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Dependencies that read a .wasm file beside their module (@platformatic/wasm-utils) get it
// inlined, so the wrapper is one self-contained file in resources/.
const WASM_READ = /readFileSync\(new URL\((['"])([^'"]+\.wasm)\1, import\.meta\.url\)\)/g;
const inlineWasm: Plugin = {
  name: 'inline-wasm',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('.wasm')) return undefined;
      const contents = text.replace(WASM_READ, (_all, _q: string, rel: string) => {
        const wasm = readFileSync(new URL(rel, pathToFileURL(args.path)));
        return `Buffer.from(${JSON.stringify(wasm.toString('base64'))}, 'base64')`;
      });
      return { contents, loader: 'js' };
    });
  },
};

/** Bundles `file` with streamctl itself into one Node script running a component over multilang. */
async function bundleWrapper(file: string, target: string, distDir: string): Promise<void> {
  const runner = join(distDir, 'engine', 'topology', 'multilang', 'multilang-main.js');
  if (!existsSync(runner)) throw new StreamctlError('NOT_FOUND', `${runner} does not exist (is streamctl built? run npm run build)`);
  const entry = [
    `import * as mod from ${JSON.stringify(resolve(file))};`,
    `import { multilangMain } from ${JSON.stringify(runner)};`,
    'multilangMain(mod.default);',
  ].join('\n');
  await build({
    stdin: { contents: entry, resolveDir: dirname(resolve(file)), sourcefile: 'streamctl-export-entry.mjs', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: target,
    logLevel: 'silent',
    alias: { streamctl: join(distDir, 'index.js') },
    // Native addons cannot travel in a script; streamctl loads each on first use only (the
    // Kafka components run as storm-kafka-client's classes on Storm, not in this script).
    external: ['zstd-napi', 'snappy', 'lz4-napi', 'better-sqlite3'],
    plugins: [inlineWasm],
    banner: { js: "import { createRequire as __streamctlCreateRequire } from 'node:module'; const require = __streamctlCreateRequire(import.meta.url);" },
  });
}

export async function exportTopology(file: string, options: ExportOptions): Promise<ExportResult> {
  if (!existsSync(file)) throw new StreamctlError('NOT_FOUND', `Topology file ${file} does not exist`);
  const dir = resolve(options.out);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new StreamctlError('ALREADY_EXISTS', `Directory ${options.out} exists and is not empty`);
  const topology = await loadForExport(file);
  const how = new Map<string, ComponentExport>();
  for (const c of topology.spec.components) {
    how.set(c.id, classifyComponent(topology.createComponent(c.id), c.id, options.name, topology.spec.config, options.bootstrapServers));
  }
  const { yaml, warnings } = exportFluxYaml(options.name, topology.spec, how, WRAPPER_SCRIPT);
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  const own = join(dirname(resolve(file)), 'resources');
  if (existsSync(own)) cpSync(own, resources, { recursive: true, filter: (src) => !/node_modules|__pycache__/.test(src) });
  if ([...how.values()].some((h) => h.as === 'node')) await bundleWrapper(file, join(resources, WRAPPER_SCRIPT), options.distDir ?? join(PACKAGE_ROOT, 'dist'));
  writeFileSync(join(dir, 'topology.yaml'), yaml);
  writeFileSync(join(dir, 'README.md'), readme(options.name, basename(file)));
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.push(join(d, e.name).slice(dir.length + 1));
    }
  };
  walk(dir);
  const label = (h: ComponentExport) => (h.as === 'node' ? `FluxShell (node ${WRAPPER_SCRIPT})` : h.as === 'shell' ? 'FluxShell (own command)' : h.as === 'kafka-spout' ? 'storm-kafka-client KafkaSpout' : 'storm-kafka-client KafkaBolt');
  return { dir, files: files.sort(), components: topology.spec.components.map((c) => ({ id: c.id, kind: c.kind, exportedAs: label(how.get(c.id)!) })), warnings };
}

function readme(name: string, source: string): string {
  return `# ${name} for Apache Storm

Exported by \`streamctl topology export ${source}\`. \`topology.yaml\` is a Flux definition;
\`resources/\` holds \`${WRAPPER_SCRIPT}\`, the topology bundled with streamctl's runtime, which
runs each TypeScript spout and bolt as a multilang component (\`node ${WRAPPER_SCRIPT} <id>\`).

Package \`resources/\` into your topology jar (with flux-core, flux-wrappers and
storm-kafka-client), make \`node\` (20+) available on the supervisors, then:

    storm jar flux-core.jar org.apache.storm.flux.Flux --remote topology.yaml

Check the Kafka bootstrap servers in topology.yaml first. On streamctl:
\`streamctl topology submit topology.yaml\`.
`;
}

