// How the Java admin client names a Kafka error code when a tool prints a failed future
// (`ExecutionException#getMessage()`: the exception class, then Kafka's default message for
// the code, from Errors.java). Pure.
import { ErrorCode, errorName } from '../protocol/error-codes.js';

const EXCEPTIONS: Record<number, [string, string]> = {
  [ErrorCode.OFFSET_OUT_OF_RANGE]: ['OffsetOutOfRangeException', 'The requested offset is not within the range of offsets maintained by the server.'],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]: ['UnknownTopicOrPartitionException', 'This server does not host this topic-partition.'],
  [ErrorCode.LEADER_NOT_AVAILABLE]: ['LeaderNotAvailableException', 'There is no leader for this topic-partition as we are in the middle of a leadership election.'],
  [ErrorCode.NOT_LEADER_OR_FOLLOWER]: [
    'NotLeaderOrFollowerException',
    'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.',
  ],
  [ErrorCode.REQUEST_TIMED_OUT]: ['TimeoutException', 'The request timed out.'],
  [ErrorCode.POLICY_VIOLATION]: ['PolicyViolationException', 'Request parameters do not satisfy the configured policy.'],
  [ErrorCode.KAFKA_STORAGE_ERROR]: ['KafkaStorageException', 'Disk error when trying to access log file on the disk.'],
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED]: ['TopicAuthorizationException', 'Topic authorization failed.'],
};

/** The Java exception class name (fully qualified) for an error code. */
export function javaExceptionClass(code: number): string {
  const known = EXCEPTIONS[code];
  return `org.apache.kafka.common.errors.${known ? known[0] : 'UnknownServerException'}`;
}

/** `org.apache.kafka.common.errors.X: message`, as ExecutionException#getMessage prints it. */
export function javaExceptionMessage(code: number): string {
  const known = EXCEPTIONS[code];
  return `${javaExceptionClass(code)}: ${known ? known[1] : `The server experienced an unexpected error when processing the request (${errorName(code)}).`}`;
}
