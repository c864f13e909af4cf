// The typed nimbus REST client the `streamctl topology ...` commands call: finds nimbus
// (nimbus-locator.ts), talks to its
// REST API with the request/response types of nimbus/api-types.ts, and holds the
// client-side flows that loop or touch files (submit = bundle + validate + upload + wait
// for workers; storm monitor; worker log tailing). Text output is topology-formatters.ts;
// project scaffolding is topology-init.ts. Each method is one
// user action; the only state is the nimbus URL and its bearer token (read from the cluster
// dir's nimbus.token). Time and output are injected for tests.
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { StreamctlError, type ErrorCode, ERROR_CODES } from '../common/errors.js';
import type { LogLevelSetting, NamedLoggerLevel } from './nimbus/log-config.js';
import { nimbusAuthHeaders, nimbusTokenPath, readNimbusToken } from '../common/nimbus-token.js';
import { prepareTopology, type FluxSourceOptions } from './topology-source.js';
import { collectResources } from './resources.js';
import { LogTail } from './log-tail.js';
import { ACKER_COMPONENT_ID } from './acker.js';
import type { TopologyStatus } from './contracts.js';
import type {
  ClusterSummary,
  ComponentDetail,
  TopologyVisualization,
  RebalanceBody,
  SubmitBody,
  SubmitResponse,
  SupervisorSummary,
  TopologyActionResponse,
  TopologyDetail,
  TopologySummary,
  TopologySummaryRow,
} from './nimbus/api-types.js';
import { javaDouble } from './topology-formatters.js';
import { defaultClusterDir } from '../cluster/cluster-dir.js';
import { isLoopbackUrl, resolveNimbusUrl } from './nimbus-locator.js';


export interface SubmitOptions {
  name?: string;
  workers?: number;
  inactive?: boolean;
  conf?: Record<string, unknown>;
  /** How long to wait for the workers' first heartbeats; 0 = do not wait. */
  waitTimeoutMs?: number;
  /** Config used only where neither the topology nor `conf` sets the key (e.g. the local cluster's kafka.bootstrap.servers). */
  defaultConf?: Record<string, unknown>;
  /** Flux files: substitutions and what the listing shows. */
  flux?: FluxSourceOptions;
  /** Build and validate only (Flux's --dry-run): nothing is uploaded. */
  dryRun?: boolean;
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
  /** Flux files: what Storm's Flux prints (splash, Parsing file, topology details). */
  fluxInfo?: string[];
  /** True when nothing was submitted (--dry-run). */
  dryRun?: boolean;
}

export type { TopologyDetail, TopologySummaryRow } from './nimbus/api-types.js';

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

  clusterSummary(): Promise<ClusterSummary> {
    return this.#request('GET', '/api/v1/cluster/summary');
  }

  supervisorSummary(): Promise<SupervisorSummary> {
    return this.#request('GET', '/api/v1/supervisor/summary');
  }

  async list(): Promise<ListResult> {
    const summary = await this.#request<TopologySummary>('GET', '/api/v1/topology/summary');
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

  /** storm set_log_level: a named logger's level in every worker of the topology, reverting after the timeout. */
  async setLogLevel(name: string, setting: LogLevelSetting): Promise<{ topology: string; namedLoggerLevels: Record<string, NamedLoggerLevel> }> {
    const id = await this.resolveId(name);
    const body = { namedLoggerLevels: { [setting.logger]: { target_level: setting.level, timeout: setting.timeoutSecs } } };
    const res = await this.#request<{ namedLoggerLevels: Record<string, NamedLoggerLevel> }>('POST', `/api/v1/topology/${encodeURIComponent(id)}/logconfig`, body);
    return { topology: name, namedLoggerLevels: res.namedLoggerLevels };
  }

  /** The component graph with its groupings (Storm's visualization data). */
  async visualization(name: string): Promise<TopologyVisualization> {
    const id = await this.resolveId(name);
    return this.#request('GET', `/api/v1/topology/${encodeURIComponent(id)}/visualization`);
  }

  async component(name: string, component: string): Promise<ComponentDetail> {
    const id = await this.resolveId(name);
    return this.#request('GET', `/api/v1/topology/${encodeURIComponent(id)}/component/${encodeURIComponent(component)}`);
  }

  async #action(name: string, path: string, body?: RebalanceBody): Promise<TopologyActionResponse & { name: string }> {
    const id = await this.resolveId(name);
    const res = await this.#request<TopologyActionResponse>('POST', `/api/v1/topology/${encodeURIComponent(id)}/${path}`, body);
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
    const rebalanceOptions: NonNullable<RebalanceBody['rebalanceOptions']> = {};
    if (options.numWorkers !== undefined) rebalanceOptions.numWorkers = options.numWorkers;
    if (options.executors && Object.keys(options.executors).length > 0) rebalanceOptions.executors = options.executors;
    return this.#action(name, options.waitSecs === undefined ? 'rebalance' : `rebalance/${options.waitSecs}`, { rebalanceOptions });
  }

  /** Flux's --dry-run: bundle and validate `file` (and print Flux's listing) without any nimbus. */
  static async dryRun(file: string, options: SubmitOptions = {}): Promise<SubmitResult> {
    const bundle = await prepareTopology(file, options.flux);
    const tasks = bundle.spec.components.reduce((n, c) => n + c.numTasks, 0);
    const name = options.name ?? bundle.fluxName ?? defaultTopologyName(file);
    const resourceFiles = collectResources(file).length;
    return { topologyId: '', name, status: 'INACTIVE', workers: 0, tasks, bundleBytes: bundle.code.length, resourceFiles, warnings: bundle.warnings, ...(bundle.fluxInfo ? { fluxInfo: bundle.fluxInfo } : {}), dryRun: true };
  }

  /** Bundle `file`, validate it locally, upload it and wait until its workers heartbeat. */
  async submit(file: string, options: SubmitOptions = {}): Promise<SubmitResult> {
    if (options.dryRun) return TopologyClient.dryRun(file, options);
    const bundle = await prepareTopology(file, options.flux);
    const spec = bundle.spec;
    const resources = collectResources(file);
    const name = options.name ?? bundle.fluxName ?? defaultTopologyName(file);
    const fluxInfo = bundle.fluxInfo ? { fluxInfo: bundle.fluxInfo } : {};
    const conf: Record<string, unknown> = { ...(options.conf ?? {}) };
    for (const [k, v] of Object.entries(options.defaultConf ?? {})) {
      if (v !== undefined && !(k in spec.config) && !(k in conf)) conf[k] = v;
    }
    if (options.workers !== undefined) conf['topology.workers'] = options.workers;
    const body: SubmitBody = {
      name,
      spec,
      conf,
      inactive: options.inactive === true,
      owner: safeUser(),
      bundleBase64: bundle.code.toString('base64'),
      resources,
    };
    const res = await this.#request<SubmitResponse>('POST', '/internal/v1/submit', body);
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
      ...fluxInfo,
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
        const cluster: Partial<ClusterSummary> = await this.clusterSummary().catch(() => ({}));
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
    const components = [...detail.spouts.map((s) => s.spoutId), ...detail.bolts.map((b) => b.boltId)];
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
      const c = await this.component(options.name, options.component);
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
    if (component !== undefined && ![...detail.spouts.map((s) => s.spoutId), ...detail.bolts.map((b) => b.boltId), ACKER_COMPONENT_ID].includes(component)) {
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
    const tail = new LogTail(files.map((f) => f.logFile));
    let lines = 0;
    const drain = () => {
      for (const { index, line } of tail.read()) {
        options.write(files.length > 1 ? `[${files[index]!.port}] ${line}` : line);
        lines++;
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
