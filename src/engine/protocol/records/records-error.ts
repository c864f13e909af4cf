// Typed errors for record-batch validation and log operations. Each carries the Kafka
// error code a broker puts in the per-partition response (Produce, Fetch, ListOffsets...).
// Pure data; no concurrency concerns.
import { StreamctlError } from '../../common/errors.js';

/** The Kafka error codes the records and storage layers produce. */
export const RecordsErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  TRANSACTION_COORDINATOR_FENCED: 52,
  KAFKA_STORAGE_ERROR: 56,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_RECORD: 87,
} as const;

export type RecordsErrorCodeValue = (typeof RecordsErrorCode)[keyof typeof RecordsErrorCode];

/** One rejected record, as Produce v8+ reports it: its index in the partition's records and why. */
export interface RecordError {
  batchIndex: number;
  message: string | null;
}

/**
 * A Kafka-level failure of a records or log operation. `kafkaErrorCode` is always set;
 * `code` is 'KAFKA' so generic StreamctlError handling keeps working. `recordErrors` names
 * the records a validation failure is about (Kafka's RecordValidationException).
 */
export class RecordsError extends StreamctlError {
  declare readonly kafkaErrorCode: number;
  readonly recordErrors: readonly RecordError[];

  constructor(kafkaErrorCode: number, message: string, options: { cause?: unknown; retriable?: boolean; recordErrors?: readonly RecordError[] } = {}) {
    const { recordErrors, ...rest } = options;
    super('KAFKA', message, { ...rest, kafkaErrorCode });
    this.name = 'RecordsError';
    this.recordErrors = recordErrors ?? [];
  }
}

export function isRecordsError(error: unknown, kafkaErrorCode?: number): error is RecordsError {
  return error instanceof RecordsError && (kafkaErrorCode === undefined || error.kafkaErrorCode === kafkaErrorCode);
}
