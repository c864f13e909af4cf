// How a failed append to `__consumer_offsets` is answered (Kafka's GroupMetadataManager
// storeOffsets/storeGroup error mappings): the partition moved or cannot take writes →
// NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE; commit- and group-specific cases after. Pure.
import { ErrorCode } from '../protocol/error-codes.js';

/** The part of Kafka's append-error mappings both stores share: the partition moved or cannot take writes. */
function coordinatorAppendError(code: number): number | undefined {
  switch (code) {
    case ErrorCode.NONE:
      return ErrorCode.NONE;
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    default:
      return undefined;
  }
}

/** Kafka's mapping of append errors for offset commits (GroupMetadataManager.storeOffsets). */
export function commitAppendError(code: number): number {
  const shared = coordinatorAppendError(code);
  if (shared !== undefined) return shared;
  switch (code) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return code;
  }
}

/** Kafka's mapping of append errors for group metadata (GroupMetadataManager.storeGroup). */
export function groupAppendError(code: number): number {
  const shared = coordinatorAppendError(code);
  if (shared !== undefined) return shared;
  switch (code) {
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return code;
    default:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}
