// The shape of one API's handler in a broker: the request router builds the ApiVersions
// table and dispatch map from a list of these. Handlers return the response body (or null
// for no response); Kafka errors go inside the body as error codes. A handler throws only
// for request-level faults; the router answers those with UNKNOWN_SERVER_ERROR and logs.
import type { Message } from '../protocol/codec.js';
import type { KafkaRequest } from '../network/server.js';

export interface ApiHandler {
  readonly apiKey: number;
  /** [min, max] versions served. */
  readonly versions: readonly [number, number];
  handle(request: KafkaRequest): Message | null | Promise<Message | null>;
}
