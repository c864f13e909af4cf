// Connection options shared by every Kafka-side facade (admin, console producer/consumer,
// perf tools), and the translation of @platformatic/kafka errors into StreamctlError with
// Kafka's own wording. Pure functions; no I/O.
import { StreamctlError, isStreamctlError } from '../common/errors.js';

export interface KafkaConnectOptions {
  /** `host:port` strings; at least one. */
  bootstrapServers: string[];
  clientId?: string;
  /** Per-request timeout (platformatic `timeout`), ms. */
  requestTimeoutMs?: number;
  /** Retries for retriable errors; the CLI keeps this low so bad input fails fast. */
  retries?: number;
}

/** Parses `host:port[,host:port]`; throws a USAGE error naming the bad entry. */
export function parseBootstrapServers(value: string): string[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0) throw new StreamctlError('USAGE', '--bootstrap-server must be specified');
  for (const server of servers) {
    const match = /^(.+):(\d{1,5})$/.exec(server);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
      throw new StreamctlError('USAGE', `Invalid bootstrap server '${server}': expected host:port (port 1-65535)`);
    }
  }
  return servers;
}

/** Options object for any @platformatic/kafka client (Admin, Producer, Consumer). */
export function baseClientOptions(options: KafkaConnectOptions, defaultClientId: string) {
  return {
    clientId: options.clientId ?? defaultClientId,
    bootstrapBrokers: options.bootstrapServers,
    timeout: options.requestTimeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    retryDelay: 200,
    autocreateTopics: false,
  };
}

interface PlatformaticErrorLike {
  code?: string;
  message: string;
  apiId?: string;
  apiCode?: number;
  serverErrorMessage?: string | null;
  errors?: unknown[];
  cause?: unknown;
}

/** The first Kafka protocol error inside a (possibly aggregated) platformatic error. */
export function findKafkaError(error: unknown): { id: string; code: number; message: string } | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): { id: string; code: number; message: string } | undefined => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const err = e as PlatformaticErrorLike;
    if (typeof err.apiId === 'string' && typeof err.apiCode === 'number') {
      return { id: err.apiId, code: err.apiCode, message: err.serverErrorMessage || err.message };
    }
    for (const inner of err.errors ?? []) {
      const found = visit(inner);
      if (found) return found;
    }
    return visit(err.cause);
  };
  return visit(error);
}

/** Kafka errors a client retries after refreshing its metadata (a leader moved or is being elected). */
export const RETRIABLE_KAFKA_ERRORS: ReadonlySet<string> = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_LEADER_EPOCH',
  'FENCED_LEADER_EPOCH',
  'NOT_ENOUGH_REPLICAS',
  'REQUEST_TIMED_OUT',
  'KAFKA_STORAGE_ERROR',
  'OFFSET_NOT_AVAILABLE',
]);

/**
 * Whether a client error is worth retrying after a metadata refresh, as Kafka's clients do
 * within default.api.timeout.ms: a retriable Kafka error, or a connection that failed (a broker
 * that was killed while the metadata still names it as a leader).
 */
export function isRetriableClientError(error: unknown): boolean {
  const kafka = findKafkaError(error);
  if (kafka) return RETRIABLE_KAFKA_ERRORS.has(kafka.id);
  const seen = new Set<unknown>();
  const network = (e: unknown): boolean => {
    if (!e || typeof e !== 'object' || seen.has(e)) return false;
    seen.add(e);
    const err = e as PlatformaticErrorLike;
    if (err.code === 'PLT_KFK_NETWORK' || err.code === 'PLT_KFK_TIMEOUT') return true;
    return (err.errors ?? []).some(network) || network(err.cause);
  };
  return network(error);
}

/** Flattens a platformatic error into one readable message (Kafka's wording when possible). */
export function describeKafkaError(error: unknown): string {
  const kafka = findKafkaError(error);
  if (kafka) return kafka.message;
  if (error instanceof Error) {
    const err = error as PlatformaticErrorLike;
    if (Array.isArray(err.errors) && err.errors.length > 0) {
      const inner = err.errors.map((e) => (e instanceof Error ? e.message : String(e)));
      return [...new Set(inner)].join('; ');
    }
    if (err.code === 'PLT_KFK_NETWORK' && err.cause instanceof Error) return `${err.message}: ${err.cause.message}`;
    return err.message;
  }
  return String(error);
}

/** Wraps anything thrown by the client library into a StreamctlError (KAFKA, TIMEOUT or NOT_RUNNING). */
export function toStreamctlError(error: unknown, context?: string): StreamctlError {
  if (isStreamctlError(error)) return error;
  const kafka = findKafkaError(error);
  const prefix = context ? `${context}: ` : '';
  if (kafka) {
    return new StreamctlError('KAFKA', `${prefix}${kafka.message}`, { cause: error, kafkaErrorCode: kafka.code });
  }
  const code = (error as PlatformaticErrorLike | undefined)?.code;
  if (code === 'PLT_KFK_NETWORK' || code === 'PLT_KFK_TIMEOUT') {
    return new StreamctlError('NOT_RUNNING', `${prefix}${describeKafkaError(error)}`, {
      cause: error,
      hint: 'Is the cluster running? Start one with `streamctl cluster start` or pass --bootstrap-server host:port.',
    });
  }
  if (code === 'PLT_KFK_USER') return new StreamctlError('INVALID_INPUT', `${prefix}${describeKafkaError(error)}`, { cause: error });
  return new StreamctlError('KAFKA', `${prefix}${describeKafkaError(error)}`, { cause: error });
}
