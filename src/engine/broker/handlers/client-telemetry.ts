// KIP-714 client telemetry: GetTelemetrySubscriptions (api 71) hands a client its instance
// id (when it sent the zero uuid) and one subscription to every metric (requestedMetrics
// [""]) pushed every TELEMETRY_PUSH_INTERVAL_MS, uncompressed or with any codec the broker
// knows; PushTelemetry (api 72) accepts the OpenTelemetry MetricsData payload without
// decoding it and counts pushes and bytes per client instance in BrokerStats (shown as
// metrics and at /telemetry on the metrics endpoint). Kafka's refusals: zero instance id →
// INVALID_REQUEST, another subscription id → UNKNOWN_SUBSCRIPTION_ID, a payload above
// telemetryMaxBytes → TELEMETRY_TOO_LARGE, an unknown codec → UNSUPPORTED_COMPRESSION_TYPE.
import { randomBytes } from 'node:crypto';
import { ApiKey } from '../../protocol/api-keys.js';
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { defineHandler, type ApiHandler } from '../api-handler.js';
import type { BrokerContext } from './broker-context.js';

export const TELEMETRY_PUSH_INTERVAL_MS = 30_000;
export const TELEMETRY_MAX_BYTES = 1_048_576;
/** none, gzip, snappy, lz4, zstd. */
const ACCEPTED_COMPRESSION_TYPES = [0, 1, 2, 3, 4];
/** One subscription for every client: all metrics, cumulative, every 30 s. */
const SUBSCRIPTION_ID = 0x4b_37_31_34; // "K714"

function newInstanceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (id !== ZERO_UUID) return id;
  }
}

export function createClientTelemetryHandlers(ctx: BrokerContext): ApiHandler[] {
  return [
    defineHandler({
      apiKey: ApiKey.GetTelemetrySubscriptions,
      versions: [0, 0],
      handle(request) {
        const given = request.body.clientInstanceId;
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          clientInstanceId: given === ZERO_UUID ? newInstanceId() : given,
          subscriptionId: SUBSCRIPTION_ID,
          acceptedCompressionTypes: ACCEPTED_COMPRESSION_TYPES,
          pushIntervalMs: TELEMETRY_PUSH_INTERVAL_MS,
          telemetryMaxBytes: TELEMETRY_MAX_BYTES,
          deltaTemporality: false,
          requestedMetrics: [''],
        };
      },
    }),
    defineHandler({
      apiKey: ApiKey.PushTelemetry,
      versions: [0, 0],
      handle(request) {
        const b = request.body;
        const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode });
        if (b.clientInstanceId === ZERO_UUID) return answer(ErrorCode.INVALID_REQUEST);
        if (b.subscriptionId !== SUBSCRIPTION_ID) return answer(ErrorCode.UNKNOWN_SUBSCRIPTION_ID);
        if (!ACCEPTED_COMPRESSION_TYPES.includes(b.compressionType)) return answer(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
        const bytes = b.metrics?.length ?? 0;
        if (bytes > TELEMETRY_MAX_BYTES) return answer(ErrorCode.TELEMETRY_TOO_LARGE);
        ctx.stats.telemetryPush({
          clientInstanceId: b.clientInstanceId,
          clientId: request.header.clientId ?? '',
          bytes,
          compressionType: b.compressionType,
          terminating: b.terminating,
          nowMs: ctx.clock.now(),
        });
        return answer(ErrorCode.NONE);
      },
    }),
  ];
}
