// The one error family of streamctl. Every error that crosses a module boundary is a
// StreamctlError with a code from the closed list below; only the CLI base command maps
// codes to exit codes (usage → 2, everything else → 1). Kafka errors on the wire travel as
// error codes inside responses, not as thrown errors (see protocol/error-codes).

export const ERROR_CODES = [
  'USAGE', // bad flag, bad argument, bad file given by the user
  'INVALID_CONFIG', // a config key or value is not allowed
  'NOT_FOUND', // topic, group, topology, cluster... does not exist
  'ALREADY_EXISTS', // name taken, cluster already running
  'PORT_IN_USE', // a port the cluster needs is taken
  'NOT_RUNNING', // the local cluster (or one of its processes) is not running
  'TIMEOUT', // a deadline passed
  'PROTOCOL', // malformed bytes on the wire
  'KAFKA', // a Kafka error code came back from a broker
  'STORAGE', // disk layout or data problem
  'UNSUPPORTED', // feature or version we do not serve
  'ACCESS_DENIED', // missing or wrong credentials, or a request from a foreign host/origin
  'INVALID_STATE', // the operation is not allowed in the current state (e.g. activating a killed topology)
  'INVALID_INPUT', // a file, record or request the user supplied is invalid (found at run time, not on the command line)
  'INTERNAL', // a bug: should not happen
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface StreamctlErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** Kafka error code, when code === 'KAFKA' or the error maps to one. */
  kafkaErrorCode?: number;
  /** A hint printed after the message in the CLI. */
  hint?: string;
}

export class StreamctlError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly kafkaErrorCode: number | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: StreamctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamctlError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.kafkaErrorCode = options.kafkaErrorCode;
    this.hint = options.hint;
  }
}

export function isStreamctlError(error: unknown, code?: ErrorCode): error is StreamctlError {
  return error instanceof StreamctlError && (code === undefined || error.code === code);
}

/**
 * Exit code for an error, as the CLI reports it: 2 for usage errors (the command line itself
 * is wrong: found before anything was contacted or changed), 1 for every runtime failure.
 */
export function exitCodeFor(error: unknown): number {
  return isStreamctlError(error, 'USAGE') ? 2 : 1;
}
