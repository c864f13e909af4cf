// The shape of one API's handler in a broker: the request router builds the ApiVersions
// table and dispatch map from a list of these. Handlers return the response body (or null
// for no response); Kafka errors go inside the body as error codes. A handler throws only
// for request-level faults; the router answers those with the handler's own errorResponse
// (every topic/partition carrying UNKNOWN_SERVER_ERROR) and logs.
//
// Typed by api key: `defineHandler({ apiKey: ApiKey.JoinGroup, ... })` gives handle() the
// generated JoinGroupRequest type and checks its answer against JoinGroupResponse.
import type { ApiKeyNumber, Encodable, Message, RequestOf, ResponseOf } from '../protocol/codec.js';
import type { KafkaRequest } from '../network/server.js';

/** A request whose body the server decoded with this API's schema. */
export interface ApiRequest<K extends ApiKeyNumber> extends KafkaRequest {
  body: RequestOf<K>;
}

/** What a handler answers: the response with any field left out encoding as its default. */
export type ApiResponse<K extends ApiKeyNumber> = Encodable<ResponseOf<K>>;

/** A handler written for one API: handle() gets its generated request type. */
export interface TypedApiHandler<K extends ApiKeyNumber> {
  readonly apiKey: K;
  /** [min, max] versions served. */
  readonly versions: readonly [number, number];
  handle(request: ApiRequest<K>): ApiResponse<K> | null | Promise<ApiResponse<K> | null>;
  /**
   * This API's answer when the whole request failed: the error on every topic/partition the
   * request named, or at the top level. Without one, the router answers
   * `{ errorCode, errorMessage }` (right for APIs with a top-level error code).
   */
  errorResponse?(request: ApiRequest<K>, errorCode: number, errorMessage: string | null): ApiResponse<K>;
}

/** A handler as the router holds it, whatever its API. */
export interface ApiHandler {
  readonly apiKey: number;
  readonly versions: readonly [number, number];
  handle(request: KafkaRequest): Message | null | Promise<Message | null>;
  errorResponse?(request: KafkaRequest, errorCode: number, errorMessage: string | null): Message;
}

/**
 * Types a handler written as an object literal by its api key. The router only calls a
 * handler with a request the server decoded with that key's schema, so erasing the key here
 * is sound.
 */
export function defineHandler<K extends ApiKeyNumber>(handler: TypedApiHandler<K>): ApiHandler {
  return handler as unknown as ApiHandler;
}
