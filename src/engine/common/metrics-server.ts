// The /metrics HTTP endpoint every cluster process serves for Prometheus: a prom-client
// Registry (with the process's own metrics and Node's default process metrics) on
// 127.0.0.1:<port>. GET /metrics answers the text exposition format (plus any extra text routes); anything else is 404.
// Collection runs only when scraped (collect callbacks read the process's plain counters),
// so the request paths never touch prom-client. A busy port is logged, not fatal: metrics
// must never take a broker or worker down. Single-threaded.
import http from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from './logger.js';

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
  /** Further plain-text GET routes (e.g. /telemetry on brokers). */
  routes?: Record<string, () => string>;
}

/** A registry with Node's process metrics (CPU, memory, event loop lag) under `process_`/`nodejs_`. */
export function newProcessRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return registry;
}

export class MetricsServer {
  readonly #server: http.Server;

  private constructor(server: http.Server) {
    this.#server = server;
  }

  /** Listens on host:port; resolves null (and logs) when the port cannot be bound. */
  static async listen(options: MetricsServerOptions): Promise<MetricsServer | null> {
    const { registry, logger } = options;
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const route = options.routes?.[path];
      if (req.method === 'GET' && route) {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(route());
        return;
      }
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try GET /metrics\n');
        return;
      }
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => {
          logger.error('metrics collection failed', { error });
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
        },
      );
    });
    server.keepAliveTimeout = 5_000;
    return new Promise((resolve) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        logger.warn('metrics endpoint not started', { port: options.port, error: error.message });
        resolve(null);
      });
      server.listen(options.port, options.host, () => {
        server.on('error', (error) => logger.warn('metrics server error', { error }));
        server.unref();
        logger.info('metrics endpoint listening', { url: `http://${options.host}:${options.port}/metrics` });
        resolve(new MetricsServer(server));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}
