// Maps api key → handler, gates versions (the same table builds the ApiVersions answer via
// KafkaServer's supportedVersions), and turns an unexpected handler failure into an
// UNKNOWN_SERVER_ERROR response shaped for that API by the handler's own errorResponse (per
// topic/partition when the API has them) instead of a crash or a dropped connection. Single-threaded; handlers are invoked
// synchronously in arrival order (ordering-sensitive work must happen before their first await).
import type { Logger } from '../common/logger.js';
import { apiName, type Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { KafkaRequest } from '../network/server.js';
import type { ApiHandler } from './api-handler.js';
import type { BrokerStats } from './broker-stats.js';

export class RequestRouter {
  readonly #handlers = new Map<number, ApiHandler>();
  readonly #logger: Logger;
  readonly #stats: BrokerStats | undefined;

  constructor(options: { handlers: readonly ApiHandler[]; logger: Logger; stats?: BrokerStats }) {
    this.#logger = options.logger;
    this.#stats = options.stats;
    for (const h of options.handlers) {
      if (this.#handlers.has(h.apiKey)) throw new Error(`two handlers for api key ${h.apiKey}`);
      this.#handlers.set(h.apiKey, h);
    }
  }

  /** API key → [min, max] served, for KafkaServer (ApiVersions). */
  supportedVersions(): Map<number, readonly [number, number]> {
    const m = new Map<number, readonly [number, number]>();
    for (const [key, h] of this.#handlers) m.set(key, h.versions);
    return m;
  }

  /** The server's RequestHandler. */
  readonly handle = (request: KafkaRequest): Message | null | Promise<Message | null> => {
    const { apiKey, apiVersion } = request.header;
    const h = this.#handlers.get(apiKey);
    if (!h || apiVersion < h.versions[0] || apiVersion > h.versions[1]) {
      // The server already refuses versions outside the table; this guards direct callers.
      return this.#errorAnswer(request, ErrorCode.UNSUPPORTED_VERSION, null);
    }
    const stats = this.#stats;
    const startMs = stats ? stats.now() : 0;
    let result: Message | null | Promise<Message | null>;
    try {
      result = h.handle(request);
    } catch (error) {
      result = this.#failed(request, error);
    }
    if (result instanceof Promise) {
      const answered = result.catch((error) => this.#failed(request, error));
      if (!stats) return answered;
      return answered.then((body) => {
        stats.requestDone(apiKey, apiVersion, startMs);
        return body;
      });
    }
    stats?.requestDone(apiKey, apiVersion, startMs);
    return result;
  };

  #failed(request: KafkaRequest, error: unknown): Message {
    const { apiKey, apiVersion, correlationId } = request.header;
    this.#logger.error('request handler failed', { api: apiName(apiKey), apiVersion, correlationId, error });
    const message = error instanceof Error ? error.message : String(error);
    return this.#errorAnswer(request, ErrorCode.UNKNOWN_SERVER_ERROR, message);
  }

  /** The handler's own error answer; `{ errorCode, errorMessage }` for APIs with a top-level error. */
  #errorAnswer(request: KafkaRequest, errorCode: number, errorMessage: string | null): Message {
    const h = this.#handlers.get(request.header.apiKey);
    if (h?.errorResponse) return h.errorResponse(request, errorCode, errorMessage);
    return { throttleTimeMs: 0, errorCode, errorMessage };
  }
}
