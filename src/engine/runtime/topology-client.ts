// What the `streamctl topology ...` commands call: finds nimbus (--nimbus-url, else the
// cluster dir's cluster.json, else the default port), talks to its REST API, and holds the
// client-side flows that loop or touch files (submit = bundle + validate + upload + wait
// for workers; storm monitor; worker log tailing; project scaffolding). Each method is one
// user action; the only state is the nimbus URL and its bearer token (read from the cluster
// dir's nimbus.token). Time and output are injected for tests.
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { StreamctlError, type ErrorCode, ERROR_CODES } from '../common/errors.js';
import { nimbusAuthHeaders, nimbusTokenPath, readNimbusToken } from '../common/nimbus-token.js';
import { parseKeyValues } from '../common/key-value.js';
import { bundleTopology, PACKAGE_ROOT, readBundleSpec } from './bundler.js';
import { collectResources } from './resources.js';
import type { TopologyStatus } from './contracts.js';

export const DEFAULT_NIMBUS_URL = 'http://127.0.0.1:9292';

/** The cluster dir used when --dir is not given (the cluster daemon uses the same). */
export function defaultClusterDir(): string {
  return join(homedir(), '.streamctl', 'cluster');
}

/**
 * Nimbus URL: the explicit one, else `<dir>/cluster.json`'s `nimbus.{host,port}`, else
 * DEFAULT_NIMBUS_URL.
 */
export function resolveNimbusUrl(options: { dir?: string | undefined; nimbusUrl?: string | undefined }): string {
  if (options.nimbusUrl) return options.nimbusUrl.replace(/\/+$/, '');
  const file = join(options.dir ?? defaultClusterDir(), 'cluster.json');
  if (existsSync(file)) {
    try {
      const cluster = JSON.parse(readFileSync(file, 'utf8')) as { nimbus?: { host?: string; port?: number } | null };
      if (cluster.nimbus?.port) return `http://${cluster.nimbus.host ?? '127.0.0.1'}:${cluster.nimbus.port}`;
    } catch {
      // fall through to the default
    }
  }
  return DEFAULT_NIMBUS_URL;
}

function isLoopbackUrl(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Bootstrap servers of the local cluster from cluster.json (for templates), if known. */
export function clusterBootstrapServers(dir?: string): string | undefined {
  const file = join(dir ?? defaultClusterDir(), 'cluster.json');
  if (!existsSync(file)) return undefined;
  try {
    const cluster = JSON.parse(readFileSync(file, 'utf8')) as { brokers?: Array<{ host: string; port: number }> };
    const list = (cluster.brokers ?? []).map((b) => `${b.host}:${b.port}`);
    return list.length ? list.join(',') : undefined;
  } catch {
    return undefined;
  }
}

/** `-c key=value` flags → config; values parse as JSON when they can (numbers, booleans, null), else strings. */
export function parseConfOverrides(pairs: readonly string[] = []): Record<string, unknown> {
  const conf: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(parseKeyValues(pairs, '-c'))) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    conf[key] = value;
  }
  return conf;
}

/** `-e component=parallelism` flags → executors map. */
export function parseExecutorOverrides(pairs: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const n = Number(pair.slice(at + 1));
    if (at <= 0 || !Number.isInteger(n)) throw new StreamctlError('USAGE', `-e expects component=parallelism, got '${pair}'`);
    if (n < 1) throw new StreamctlError('USAGE', 'Number of executors must be greater than 0');
    out[pair.slice(0, at)] = n;
  }
  return out;
}

export interface TopologySummaryRow {
  id: string;
  name: string;
  status: TopologyStatus;
  owner: string;
  uptime: string;
  uptimeSeconds: number;
  tasksTotal: number;
  workersTotal: number;
  executorsTotal: number;
  assignmentVersion: number;
}

export interface WorkerSummary {
  workerId: string;
  supervisorId: string;
  host: string;
  port: number;
  executorsTotal: number;
  componentNumTasks: Record<string, number>;
  executors: Array<{ component: string; startTask: number; endTask: number }>;
  uptimeSeconds: number;
  pid: number | null;
  logFile: string | null;
  assignmentVersion: number | null;
  alive: boolean;
}

export interface ComponentSummary {
  spoutId?: string;
  boltId?: string;
  executors: number;
  tasks: number;
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  executed?: number;
  completeLatency?: string;
  executeLatency?: string;
  processLatency?: string;
  capacity?: string;
  lastError: string;
  [key: string]: unknown;
}

export interface TopologyDetail extends TopologySummaryRow {
  msgTimeout: number;
  topologyStats: Array<{ window: string; windowPretty: string; emitted: number; transferred: number; completeLatency: string; acked: number; failed: number }>;
  spouts: ComponentSummary[];
  bolts: ComponentSummary[];
  workers: WorkerSummary[];
  taskToComponent: Record<string, string>;
  configuration: Record<string, unknown>;
}

export interface SubmitOptions {
  name?: string;
  workers?: number;
  inactive?: boolean;
  conf?: Record<string, unknown>;
  /** How long to wait for the workers' first heartbeats; 0 = do not wait. */
  waitTimeoutMs?: number;
  /** Config used only where neither the topology nor `conf` sets the key (e.g. the local cluster's kafka.bootstrap.servers). */
  defaultConf?: Record<string, unknown>;
}

export interface SubmitResult {
  topologyId: string;
  name: string;
  status: TopologyStatus;
  workers: number;
  tasks: number;
  bundleBytes: number;
  /** Files uploaded from the resources/ folder beside the topology file. */
  resourceFiles: number;
  warnings: string[];
}

export interface ListResult {
  topologies: TopologySummaryRow[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class TopologyClient {
  readonly nimbusUrl: string;
  readonly #token: string | undefined;
  /** Where the token came from, for error hints. */
  readonly #tokenFile: string | undefined;

  constructor(options: { nimbusUrl: string; token?: string | undefined; tokenFile?: string | undefined }) {
    this.nimbusUrl = options.nimbusUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#tokenFile = options.tokenFile;
  }

  /**
   * Nimbus of the cluster in `dir` (default dir when absent), with the token from
   * <dir>/nimbus.token. The token is sent only to a loopback nimbus: a --nimbus-url naming
   * another host (a real Storm cluster) never receives the local cluster's secret.
   */
  static fromCluster(options: { dir?: string | undefined; nimbusUrl?: string | undefined }): TopologyClient {
    const nimbusUrl = resolveNimbusUrl(options);
    const tokenFile = nimbusTokenPath(options.dir ?? defaultClusterDir());
    const token = isLoopbackUrl(nimbusUrl) ? readNimbusToken(tokenFile) : undefined;
    return new TopologyClient({ nimbusUrl, token, tokenFile });
  }

  async #request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.nimbusUrl}${path}`, {
        method,
        // Nimbus refuses a POST whose Content-Type is not application/json, even without a body.
        headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...nimbusAuthHeaders(this.#token) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (cause) {
      throw new StreamctlError('NOT_RUNNING', `Cannot reach nimbus at ${this.nimbusUrl}`, {
        cause,
        retriable: true,
        hint: 'Start the local cluster with `streamctl cluster start`, or pass --nimbus-url / --dir.',
      });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch (cause) {
      throw new StreamctlError('PROTOCOL', `nimbus answered ${res.status} with a body that is not JSON`, { cause });
    }
    if (!res.ok) {
      const e = json as { errorMessage?: string; code?: string; hint?: string };
      const known = (ERROR_CODES as readonly string[]).includes(e.code ?? '') ? (e.code as ErrorCode) : 'INTERNAL';
      // Nimbus refusing a request is a runtime failure for the CLI, never a usage error (exit 1).
      const code = known === 'USAGE' ? 'INVALID_INPUT' : known;
      const hint = res.status === 401 ? this.#authHint() : e.hint;
      throw new StreamctlError(code, e.errorMessage ?? `nimbus answered ${res.status}`, hint ? { hint } : {});
    }
    return json as T;
  }

  #authHint(): string {
    if (this.#token) return `The token${this.#tokenFile ? ` in ${this.#tokenFile}` : ''} is not this nimbus's: pass --dir of the cluster that runs it.`;
    return `No token found${this.#tokenFile ? ` at ${this.#tokenFile}` : ''}: pass --dir of the cluster that runs this nimbus (its nimbus.token is read from there).`;
  }

  clusterSummary(): Promise<Record<string, unknown>> {
    return this.#request('GET', '/api/v1/cluster/summary');
  }

  supervisorSummary(): Promise<{ supervisors: Array<Record<string, unknown>> }> {
    return this.#request('GET', '/api/v1/supervisor/summary');
  }

  async list(): Promise<ListResult> {
    const summary = await this.#request<{ topologies: TopologySummaryRow[] }>('GET', '/api/v1/topology/summary');
    return { topologies: summary.topologies };
  }

  /** Topology id for a name (or an id). */
  async resolveId(nameOrId: string): Promise<string> {
    const { topologies } = await this.list();
    const t = topologies.find((x) => x.name === nameOrId) ?? topologies.find((x) => x.id === nameOrId);
    if (!t) throw new StreamctlError('NOT_FOUND', `Topology '${nameOrId}' not found`, { hint: 'See `streamctl topology list`.' });
    return t.id;
  }

  async describe(name: string, window: '600' | ':all-time' = ':all-time'): Promise<TopologyDetail> {
    const id = await this.resolveId(name);
    return this.#request('GET', `/api/v1/topology/${encodeURIComponent(id)}?window=${encodeURIComponent(window)}`);
  }

  async component(name: string, component: string): Promise<Record<string, unknown>> {
    const id = await this.resolveId(name);
    return this.#request('GET', `/api/v1/topology/${encodeURIComponent(id)}/component/${encodeURIComponent(component)}`);
  }

  async #action(name: string, path: string, body?: unknown): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const id = await this.resolveId(name);
    const res = await this.#request<{ topologyOperation: string; topologyId: string; status: string }>('POST', `/api/v1/topology/${encodeURIComponent(id)}/${path}`, body);
    return { ...res, name };
  }

  activate(name: string) {
    return this.#action(name, 'activate');
  }

  deactivate(name: string) {
    return this.#action(name, 'deactivate');
  }

  /** Storm's kill: without waitSecs nimbus waits the topology's message timeout. */
  kill(name: string, waitSecs?: number) {
    return this.#action(name, waitSecs === undefined ? 'kill' : `kill/${waitSecs}`);
  }

  rebalance(name: string, options: { waitSecs?: number; numWorkers?: number; executors?: Record<string, number> } = {}) {
    const rebalanceOptions: Record<string, unknown> = {};
    if (options.numWorkers !== undefined) rebalanceOptions.numWorkers = options.numWorkers;
    if (options.executors && Object.keys(options.executors).length > 0) rebalanceOptions.executors = options.executors;
    return this.#action(name, options.waitSecs === undefined ? 'rebalance' : `rebalance/${options.waitSecs}`, { rebalanceOptions });
  }

  /** Bundle `file`, validate it locally, upload it and wait until its workers heartbeat. */
  async submit(file: string, options: SubmitOptions = {}): Promise<SubmitResult> {
    const bundle = await bundleTopology(file);
    const spec = await readBundleSpec(bundle.code);
    const resources = collectResources(file);
    const conf: Record<string, unknown> = { ...(options.conf ?? {}) };
    for (const [k, v] of Object.entries(options.defaultConf ?? {})) {
      if (v !== undefined && !(k in spec.config) && !(k in conf)) conf[k] = v;
    }
    if (options.workers !== undefined) conf['topology.workers'] = options.workers;
    const name = options.name ?? defaultTopologyName(file);
    const res = await this.#request<{ topologyId: string; topologyStatus: TopologyStatus }>('POST', '/internal/v1/submit', {
      name,
      spec,
      conf,
      inactive: options.inactive === true,
      owner: safeUser(),
      bundleBase64: bundle.code.toString('base64'),
      resources,
    });
    const detail = await this.waitForWorkers(res.topologyId, options.waitTimeoutMs ?? 60_000);
    return {
      topologyId: res.topologyId,
      name,
      status: detail.status,
      workers: detail.workersTotal,
      tasks: detail.tasksTotal,
      bundleBytes: bundle.code.length,
      resourceFiles: resources.length,
      warnings: bundle.warnings,
    };
  }

  /** Polls until every assigned worker of the topology heartbeats with the current assignment. */
  async waitForWorkers(topologyId: string, timeoutMs: number): Promise<TopologyDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const detail = await this.#request<TopologyDetail>('GET', `/api/v1/topology/${encodeURIComponent(topologyId)}`);
      const ready = detail.workers.length > 0 && detail.workers.every((w) => w.alive && w.assignmentVersion === detail.assignmentVersion);
      if (ready || timeoutMs <= 0) return detail;
      if (Date.now() >= deadline) {
        const cluster = await this.clusterSummary().catch(() => ({}) as Record<string, unknown>);
        const why =
          detail.workers.length === 0
            ? `no worker slot was assigned (supervisors: ${String(cluster.supervisors ?? '?')}, free slots: ${String(cluster.slotsFree ?? '?')})`
            : `${detail.workers.filter((w) => w.alive).length} of ${detail.workers.length} workers are heartbeating`;
        throw new StreamctlError('TIMEOUT', `Topology ${topologyId} was submitted but its workers did not start within ${Math.round(timeoutMs / 1000)} s: ${why}`, {
          hint: `See \`streamctl topology logs ${detail.name}\` and the supervisor logs in the cluster dir.`,
        });
      }
      await sleep(200);
    }
  }

  /**
   * `storm monitor`: prints the header, then one line per interval with the delta of the
   * component's emitted/transferred count on `stream`. Without a component it prints the
   * component list and asks for -m. Runs until `signal` aborts or `maxPolls` lines printed.
   */
  async monitor(options: {
    name: string;
    component?: string | undefined;
    intervalSecs?: number;
    stream?: string;
    watch?: 'emitted' | 'transferred';
    write: (line: string) => void;
    signal?: AbortSignal;
    maxPolls?: number;
  }): Promise<void> {
    const intervalSecs = options.intervalSecs ?? 4;
    const stream = options.stream ?? 'default';
    const watch = options.watch ?? 'emitted';
    if (!(intervalSecs > 0)) throw new StreamctlError('USAGE', 'poll interval must be positive');
    if (watch !== 'emitted' && watch !== 'transferred') throw new StreamctlError('USAGE', 'watch item must either be transferred or emitted');
    const detail = await this.describe(options.name);
    const components = [...detail.spouts.map((s) => s.spoutId!), ...detail.bolts.map((b) => b.boltId!)];
    const printComponents = () => {
      options.write(`Available components for ${options.name} :`);
      options.write('------------------');
      for (const c of components) options.write(c);
      options.write('------------------');
    };
    if (!options.component) {
      printComponents();
      options.write('Please use -m to specify one component');
      return;
    }
    if (!components.includes(options.component)) {
      printComponents();
      throw new StreamctlError('USAGE', `component: ${options.component} not found`);
    }
    options.write(`topology\tcomponent\tparallelism\tstream\ttime-diff ms\t${watch}\tthroughput (Kt/s)`);
    const start = Date.now();
    const pollMs = intervalSecs * 1000;
    let lastTime = start;
    let lastCount = 0;
    let now = start;
    for (let polls = 0; ; polls++) {
      if (options.signal?.aborted || (options.maxPolls !== undefined && polls >= options.maxPolls)) return;
      const c = (await this.component(options.name, options.component)) as {
        executors: number;
        outputStats: Array<{ stream: string; emitted: number; transferred: number }>;
      };
      const s = c.outputStats.find((o) => o.stream === stream);
      if (!s && c.executors > 0 && polls > 0) throw new StreamctlError('USAGE', `stream: ${stream} not found`);
      const count = s ? s[watch] : 0;
      const timeDiff = now - lastTime;
      const delta = count - lastCount;
      lastTime = now;
      lastCount = count;
      const throughput = delta === 0 || timeDiff === 0 ? 0 : delta / timeDiff;
      options.write(`${options.name}\t${options.component}\t${c.executors}\t${stream}\t${timeDiff}\t${delta}\t${javaDouble(throughput)}`);
      if (options.maxPolls !== undefined && polls + 1 >= options.maxPolls) return;
      const wake = start + pollMs * (Math.floor((Date.now() - start) / pollMs) + 1);
      await sleepUnless(wake - Date.now(), options.signal);
      now = Date.now();
    }
  }

  /** Log files of a topology's workers (from nimbus's worker heartbeats), optionally only those running `component`. */
  async workerLogFiles(name: string, component?: string): Promise<Array<{ workerId: string; port: number; logFile: string; components: string[] }>> {
    const detail = await this.describe(name);
    if (component !== undefined && ![...detail.spouts.map((s) => s.spoutId), ...detail.bolts.map((b) => b.boltId), '__acker'].includes(component)) {
      throw new StreamctlError('USAGE', `Component '${component}' not found in topology ${name}`);
    }
    return detail.workers
      .filter((w) => w.logFile && (component === undefined || w.executors.some((e) => e.component === component)))
      .map((w) => ({ workerId: w.workerId, port: w.port, logFile: w.logFile!, components: [...new Set(w.executors.map((e) => e.component))].sort() }));
  }

  /**
   * Prints the worker log files of a topology (each line prefixed with `[port]` when there
   * are several); with `follow`, keeps printing new lines until `signal` aborts.
   */
  async logs(options: { name: string; component?: string | undefined; follow?: boolean; write: (line: string) => void; signal?: AbortSignal }): Promise<number> {
    const files = await this.workerLogFiles(options.name, options.component);
    if (files.length === 0) throw new StreamctlError('NOT_FOUND', `No worker of topology ${options.name} has reported a log file yet`);
    const offsets = new Map<string, number>(files.map((f) => [f.logFile, 0]));
    const partial = new Map<string, string>();
    let lines = 0;
    const drain = () => {
      for (const f of files) {
        if (!existsSync(f.logFile)) continue;
        const size = statSync(f.logFile).size;
        let at = offsets.get(f.logFile)!;
        if (size < at) at = 0;
        if (size === at) continue;
        const fd = openSync(f.logFile, 'r');
        const buf = Buffer.alloc(size - at);
        readSync(fd, buf, 0, buf.length, at);
        closeSync(fd);
        offsets.set(f.logFile, size);
        const text = (partial.get(f.logFile) ?? '') + buf.toString('utf8');
        const parts = text.split('\n');
        partial.set(f.logFile, parts.pop() ?? '');
        for (const line of parts) {
          options.write(files.length > 1 ? `[${f.port}] ${line}` : line);
          lines++;
        }
      }
    };
    drain();
    while (options.follow && !options.signal?.aborted) {
      await sleepUnless(500, options.signal);
      drain();
    }
    return lines;
  }
}

function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolveSleep) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Java's Double.toString for the values monitor prints (0 → "0.0", 2 → "2.0"). */
function javaDouble(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Default topology name: the file name without extension (or its folder for topology.ts). */
export function defaultTopologyName(file: string): string {
  const abs = resolve(file);
  const base = abs.split(/[\\/]/).pop()!.replace(/\.(m?[jt]s|cjs|cts)$/, '');
  const name = base === 'topology' || base === 'index' ? abs.split(/[\\/]/).slice(-2, -1)[0]! : base;
  return name.replace(/[/.:\\]/g, '-');
}

/** `storm list`'s exact text (Java format "%-20s %-10s %-10s %-12s %-12s %-20s %-20s"). */
export function formatStormList(rows: TopologySummaryRow[]): string {
  if (rows.length === 0) return 'No topologies running.';
  const pad = (v: string | number, w: number) => String(v).padEnd(w);
  const line = (c: Array<string | number>) =>
    `${pad(c[0]!, 20)} ${pad(c[1]!, 10)} ${pad(c[2]!, 10)} ${pad(c[3]!, 12)} ${pad(c[4]!, 12)} ${pad(c[5]!, 20)} ${pad(c[6]!, 20)}`;
  return [
    line(['Topology_name', 'Status', 'Num_tasks', 'Num_workers', 'Uptime_secs', 'Topology_Id', 'Owner']),
    '-'.repeat(88),
    ...rows.map((t) => line([t.name, t.status, t.tasksTotal, t.workersTotal, t.uptimeSeconds, t.id, t.owner])),
  ].join('\n');
}

/** `topology describe` as text: topology line, components, workers. */
export function formatDescribe(d: TopologyDetail): string {
  const out: string[] = [];
  out.push(`Topology: ${d.name} (${d.id})`);
  out.push(`Status: ${d.status}   Uptime: ${d.uptime}   Workers: ${d.workersTotal}   Executors: ${d.executorsTotal}   Tasks: ${d.tasksTotal}   Message timeout: ${d.msgTimeout}s`);
  const all = d.topologyStats.find((s) => s.window === ':all-time');
  if (all) out.push(`All time: emitted ${all.emitted}, transferred ${all.transferred}, acked ${all.acked}, failed ${all.failed}, complete latency ${all.completeLatency} ms`);
  out.push('');
  const header = ['Spout', 'Executors', 'Tasks', 'Emitted', 'Transferred', 'Acked', 'Failed', 'Complete_latency_ms', 'p99_ms', 'Last_error'];
  const rows = d.spouts.map((s) => [s.spoutId!, s.executors, s.tasks, s.emitted, s.transferred, s.acked, s.failed, s.completeLatency ?? '', String(s.completeLatencyP99 ?? ''), s.lastError]);
  out.push(table(header, rows));
  out.push('');
  const bHeader = ['Bolt', 'Executors', 'Tasks', 'Emitted', 'Transferred', 'Executed', 'Acked', 'Failed', 'Execute_latency_ms', 'Process_latency_ms', 'p99_ms', 'Capacity', 'Last_error'];
  const bRows = d.bolts.map((b) => [
    b.boltId!,
    b.executors,
    b.tasks,
    b.emitted,
    b.transferred,
    b.executed ?? 0,
    b.acked,
    b.failed,
    b.executeLatency ?? '',
    b.processLatency ?? '',
    String(b.processLatencyP99 ?? ''),
    b.capacity ?? '',
    b.lastError,
  ]);
  out.push(table(bHeader, bRows));
  out.push('');
  const wHeader = ['Worker', 'Supervisor', 'Host:Port', 'Alive', 'Uptime_secs', 'Executors (tasks)'];
  const wRows = d.workers.map((w) => [
    w.workerId,
    w.supervisorId,
    `${w.host}:${w.port}`,
    w.alive ? 'yes' : 'no',
    w.uptimeSeconds,
    w.executors.map((e) => `${e.component}[${e.startTask}-${e.endTask}]`).join(' '),
  ]);
  out.push(table(wHeader, wRows));
  return out.join('\n');
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 2))).join('').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

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
