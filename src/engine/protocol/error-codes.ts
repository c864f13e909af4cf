// Kafka protocol error codes (generated from shared/kafka-protocol/error-codes.tsv) and a
// helper to name them in messages.
import { ERROR_NAMES } from './generated/error-codes.js';
export { ErrorCode, ERROR_NAMES, type ErrorCodeName } from './generated/error-codes.js';

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `UNKNOWN_ERROR_CODE_${code}`;
}
