// Maps api key → handler, gates versions (the same table builds the ApiVersions answer via
// KafkaServer's supportedVersions), and turns an unexpected handler failure into an
// UNKNOWN_SERVER_ERROR response shaped for that API (per topic/partition when the API has
// them) instead of a crash or a dropped connection. Single-threaded; handlers are invoked
// synchronously in arrival order (ordering-sensitive work must happen before their first await).
import type { Logger } from '../common/logger.js';
import { apiName, type Message } from '../protocol/codec.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { KafkaRequest } from '../network/server.js';
import type { ApiHandler } from './api-handler.js';

export class RequestRouter {
  readonly #handlers = new Map<number, ApiHandler>();
  readonly #logger: Logger;

  constructor(options: { handlers: readonly ApiHandler[]; logger: Logger }) {
    this.#logger = options.logger;
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
      return errorResponse(apiKey, apiVersion, request.body, ErrorCode.UNSUPPORTED_VERSION);
    }
    let result: Message | null | Promise<Message | null>;
    try {
      result = h.handle(request);
    } catch (error) {
      return this.#failed(request, error);
    }
    if (result instanceof Promise) return result.catch((error) => this.#failed(request, error));
    return result;
  };

  #failed(request: KafkaRequest, error: unknown): Message {
    const { apiKey, apiVersion, correlationId } = request.header;
    this.#logger.error('request handler failed', { api: apiName(apiKey), apiVersion, correlationId, error });
    const message = error instanceof Error ? error.message : String(error);
    const h = this.#handlers.get(apiKey);
    if (h?.errorResponse) return h.errorResponse(request, ErrorCode.UNKNOWN_SERVER_ERROR, message);
    return errorResponse(apiKey, apiVersion, request.body, ErrorCode.UNKNOWN_SERVER_ERROR, message);
  }
}

/**
 * A response for `request` where every topic/partition (or the whole request) carries
 * `errorCode`, for handlers without an errorResponse of their own (Produce and Fetch have
 * theirs); others get a top-level errorCode.
 */
export function errorResponse(apiKey: number, apiVersion: number, body: Message, errorCode: number, errorMessage: string | null = null): Message {
  const topics = (body.topics ?? []) as Message[];
  switch (apiKey) {
    case ApiKey.CreateTopics:
      return { throttleTimeMs: 0, topics: topics.map((t) => ({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null })) };
    case ApiKey.DeleteTopics:
      return {
        throttleTimeMs: 0,
        responses: [
          ...((body.topicNames ?? []) as string[]).map((name) => ({ name, errorCode, errorMessage })),
          ...topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage })),
        ],
      };
    case ApiKey.CreatePartitions:
      return { throttleTimeMs: 0, results: topics.map((t) => ({ name: t.name, errorCode, errorMessage })) };
    case ApiKey.DescribeConfigs:
    case ApiKey.AlterConfigs:
    case ApiKey.IncrementalAlterConfigs: {
      const entries = ((body.resources ?? []) as Message[]).map((r) => ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }));
      return apiKey === ApiKey.DescribeConfigs ? { throttleTimeMs: 0, results: entries } : { throttleTimeMs: 0, responses: entries };
    }
    default:
      return { throttleTimeMs: 0, errorCode, errorMessage };
  }
}
