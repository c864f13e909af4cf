// Nimbus's HTTP server (node:http on 127.0.0.1): Storm UI REST API shapes under /api/v1
// and internal endpoints for submit and heartbeats under /internal/v1. Every request first
// passes request-guard (Host, Origin, Content-Type, bearer token) before any body is read.
// Errors come back as Storm's `{"error": "...", "errorMessage": "..."}` plus our `code`,
// with 400/401/403/404/409/415/500.
// Requests are handled one at a time on the event loop; Nimbus calls are synchronous.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isStreamctlError, StreamctlError, type ErrorCode } from '../../common/errors.js';
import { parseLogLevelSetting } from './log-config.js';
import type { Logger } from '../../common/logger.js';
import { silentLogger } from '../../common/logger.js';
import type { WorkerHeartbeat } from '../contracts.js';
import type { Nimbus } from '../nimbus.js';
import type { RebalanceBody, SubmitBody, SupervisorHeartbeatRequest, TopologyActionResponse, SubmitResponse } from './api-types.js';
import type { StatsWindow } from './metrics-aggregator.js';
import { checkRequest } from './request-guard.js';

const MAX_BODY_BYTES = 256 * 1024 * 1024;

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  INVALID_CONFIG: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  INVALID_INPUT: 400,
  INVALID_STATE: 409,
};

const HTTP_REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  500: 'Server Error',
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new StreamctlError('USAGE', `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson<T>(req: IncomingMessage): Promise<T | undefined> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (cause) {
    throw new StreamctlError('USAGE', 'request body is not valid JSON', { cause });
  }
}

function parseWindow(value: string | null): StatsWindow {
  if (value === null || value === ':all-time' || value === 'all-time') return 'all-time';
  if (value === '600') return '600';
  throw new StreamctlError('USAGE', `window must be 600 or :all-time, got ${value}`);
}

function decodePathPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new StreamctlError('USAGE', `malformed percent-encoding in path: ${raw}`);
  }
}

function parseWait(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new StreamctlError('USAGE', `wait time must be a non-negative number of seconds, got ${raw}`);
  return n;
}

export class NimbusHttpApi {
  #server: Server;
  #nimbus: Nimbus;
  #log: Logger;
  #token: string;
  #uiOpen: boolean;

  private constructor(server: Server, nimbus: Nimbus, log: Logger, token: string, uiOpen: boolean) {
    this.#server = server;
    this.#nimbus = nimbus;
    this.#log = log;
    this.#token = token;
    this.#uiOpen = uiOpen;
  }

  /**
   * Starts listening on host:port (port 0 = any free port). Every request needs
   * `Authorization: Bearer <token>`, except read-only GET /api/v1/... when `uiOpen`.
   */
  static async open(options: { nimbus: Nimbus; host: string; port: number; token: string; uiOpen?: boolean; logger?: Logger }): Promise<NimbusHttpApi> {
    const log = options.logger ?? silentLogger;
    if (!options.token) throw new StreamctlError('INVALID_CONFIG', 'nimbus needs a non-empty API token');
    let api: NimbusHttpApi | undefined;
    const server = createServer((req, res) => void api!.#handle(req, res));
    api = new NimbusHttpApi(server, options.nimbus, log, options.token, options.uiOpen === true);
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new StreamctlError('PORT_IN_USE', `nimbus port ${options.port} on ${options.host} is already in use`, { cause: error })
            : error,
        );
      };
      server.once('error', onError);
      server.listen(options.port, options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    return api;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rejection = checkRequest(req, { port: this.port, token: this.#token, uiOpen: this.#uiOpen });
    if (rejection) {
      this.#log.warn('request refused', { method: req.method, url: req.url, status: rejection.status, reason: rejection.message });
      // The body (if any) is never read: close the connection instead of draining it.
      res.setHeader('connection', 'close');
      this.#send(res, rejection.status, {
        error: `${rejection.status} ${HTTP_REASON[rejection.status]}`,
        errorMessage: rejection.message,
        code: rejection.status === 415 ? 'USAGE' : 'ACCESS_DENIED',
      });
      return;
    }
    try {
      const result = await this.#route(req);
      this.#send(res, 200, result);
    } catch (error) {
      const code = isStreamctlError(error) ? error.code : 'INTERNAL';
      const status = STATUS_BY_CODE[code] ?? 500;
      if (status === 500) this.#log.error('request failed', { method: req.method, url: req.url, error });
      try {
        this.#send(res, status, {
          error: `${status} ${HTTP_REASON[status] ?? 'Error'}`,
          errorMessage: error instanceof Error ? error.message : String(error),
          code,
          ...(isStreamctlError(error) && error.hint ? { hint: error.hint } : {}),
        });
      } catch (sendError) {
        // The answer itself failed (headers already out, socket gone): drop this request only.
        this.#log.warn('could not answer request', { method: req.method, url: req.url, error: sendError });
        res.destroy();
      }
    }
  }

  #send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async #route(req: IncomingMessage): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://nimbus');
    } catch {
      throw new StreamctlError('USAGE', `malformed request target: ${req.url}`);
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodePathPart);
    const method = req.method ?? 'GET';
    const nimbus = this.#nimbus;
    const window = () => parseWindow(url.searchParams.get('window'));

    if (parts[0] === 'internal' && parts[1] === 'v1' && method === 'POST') {
      switch (parts[2]) {
        case 'submit': {
          const body = await readJson<SubmitBody>(req);
          if (!body || typeof body.bundleBase64 !== 'string') throw new StreamctlError('USAGE', 'submit needs name, spec and bundleBase64');
          const t = nimbus.submit({
            name: body.name,
            spec: body.spec,
            conf: body.conf ?? {},
            bundle: Buffer.from(body.bundleBase64, 'base64'),
            resources: Array.isArray(body.resources) ? body.resources : [],
            inactive: body.inactive === true,
            owner: body.owner ?? 'unknown',
          });
          const answer: SubmitResponse = { topologyOperation: 'submit', topologyId: t.id, topologyName: t.name, status: 'success', topologyStatus: t.status };
          return answer;
        }
        case 'supervisor-heartbeat':
          return nimbus.supervisorHeartbeat((await readJson<SupervisorHeartbeatRequest>(req))!);
        case 'worker-heartbeat':
          return nimbus.workerHeartbeat((await readJson<WorkerHeartbeat>(req))!);
      }
    }

    if (parts[0] !== 'api' || parts[1] !== 'v1') throw new StreamctlError('NOT_FOUND', `no such endpoint: ${method} ${url.pathname}`);
    const rest = parts.slice(2);

    if (method === 'GET') {
      if (rest[0] === 'cluster' && rest[1] === 'summary' && rest.length === 2) return nimbus.views.clusterSummary();
      if (rest[0] === 'supervisor' && rest[1] === 'summary' && rest.length === 2) return nimbus.views.supervisorSummary();
      if (rest[0] === 'topology' && rest[1] === 'summary' && rest.length === 2) return nimbus.views.topologySummary();
      if (rest[0] === 'topology-workers' && rest.length === 2) return { hostPortList: nimbus.views.topologyWorkers(rest[1]!) };
      if (rest[0] === 'topology' && rest.length === 2) return nimbus.views.topologyDetail(rest[1]!, window());
      if (rest[0] === 'topology' && rest[2] === 'visualization' && rest.length === 3) return nimbus.views.topologyVisualization(rest[1]!);
      if (rest[0] === 'topology' && rest[2] === 'component' && rest.length === 4) return nimbus.views.componentDetail(rest[1]!, rest[3]!, window());
      if (rest[0] === 'topology' && rest[2] === 'logconfig' && rest.length === 3) {
        const t = nimbus.getTopology(rest[1]!);
        return { namedLoggerLevels: nimbus.logConfigs.active(t.id, Date.now()) };
      }
    }

    if (method === 'POST' && rest[0] === 'topology' && rest[2] === 'logconfig' && rest.length === 3) {
      // Storm UI's body: {"namedLoggerLevels": {"ROOT": {"target_level": "DEBUG", "timeout": 30}}}.
      const t = nimbus.getTopology(rest[1]!);
      const body = await readJson<{ namedLoggerLevels?: Record<string, { target_level?: unknown; timeout?: unknown }> }>(req);
      for (const [logger, l] of Object.entries(body?.namedLoggerLevels ?? {})) {
        const timeout = l?.timeout === undefined ? '' : `:${String(l.timeout)}`;
        nimbus.logConfigs.set(t.id, parseLogLevelSetting(`${logger}=${String(l?.target_level ?? '')}${timeout}`), Date.now());
      }
      return { namedLoggerLevels: nimbus.logConfigs.active(t.id, Date.now()) };
    }

    if (method === 'POST' && rest[0] === 'topology' && rest.length >= 3) {
      const id = rest[1]!;
      const action = rest[2]!;
      let topologyId: string;
      if (action === 'activate' && rest.length === 3) topologyId = nimbus.activate(id).id;
      else if (action === 'deactivate' && rest.length === 3) topologyId = nimbus.deactivate(id).id;
      else if (action === 'kill' && rest.length <= 4) topologyId = nimbus.kill(id, rest[3] === undefined ? undefined : parseWait(rest[3])).id;
      else if (action === 'rebalance' && rest.length <= 4) {
        const body = await readJson<RebalanceBody>(req);
        const options = body?.rebalanceOptions ?? {};
        topologyId = nimbus.rebalance(id, rest[3] === undefined ? undefined : parseWait(rest[3]), {
          ...(options.numWorkers !== undefined ? { numWorkers: options.numWorkers } : {}),
          ...(options.executors !== undefined ? { executors: options.executors } : {}),
        }).id;
      } else throw new StreamctlError('NOT_FOUND', `no such endpoint: ${method} ${url.pathname}`);
      const answer: TopologyActionResponse = { topologyOperation: action, topologyId, status: 'success' };
      return answer;
    }
    throw new StreamctlError('NOT_FOUND', `no such endpoint: ${method} ${url.pathname}`);
  }
}
