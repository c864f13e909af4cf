// What a Kafka producer does before its first send to a topic, for the console and perf
// producers: fetch the topic's metadata allowing auto-creation (the broker creates it when
// the cluster has auto.create.topics.enable=true, answering LEADER_NOT_AVAILABLE until it
// exists, so this waits, as the Java producer waits up to max.block.ms), and check a
// partition given explicitly exists, with the Java producer's error text.
import type { Producer } from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { findKafkaError, toStreamctlError } from './client-options.js';

/** Kafka's KafkaProducer#partition() error for a partition outside the topic. */
export function invalidPartitionMessage(partition: number, partitionCount: number): string {
  return `Invalid partition given with record: ${partition} is not in the range [0...${partitionCount}].`;
}

/** Throws Kafka's error when `partition` is outside [0, partitionCount). */
export function checkPartition(partition: number | undefined, partitionCount: number): void {
  if (partition !== undefined && (partition < 0 || partition >= partitionCount)) {
    throw new StreamctlError('KAFKA', invalidPartitionMessage(partition, partitionCount));
  }
}

/**
 * The topic's partition count, auto-creating the topic when the cluster allows. While it is
 * being created (LEADER_NOT_AVAILABLE) this retries until `maxBlockMs`; an unknown topic the
 * broker will not create fails at once with the Java producer's words (which it prints
 * after max.block.ms).
 */
export async function awaitTopicPartitions(producer: Producer, topic: string, maxBlockMs: number): Promise<number> {
  const deadline = Date.now() + maxBlockMs;
  let delayMs = 50;
  for (;;) {
    try {
      const metadata = await producer.metadata({ topics: [topic], autocreateTopics: true, forceUpdate: true });
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      if (count > 0) return count;
      throw new StreamctlError('KAFKA', `Topic ${topic} not present in metadata`);
    } catch (error) {
      // Partitions without a leader fail the library's metadata call; the topic still exists.
      const known = partitionsInResponse(error, topic);
      if (known > 0) return known;
      const kafka = findKafkaError(error);
      if (kafka?.id === 'UNKNOWN_TOPIC_OR_PARTITION') throw new StreamctlError('KAFKA', `Topic ${topic} not present in metadata`, { cause: error, kafkaErrorCode: kafka.code });
      if (kafka?.id !== 'LEADER_NOT_AVAILABLE' || Date.now() + delayMs > deadline) throw toStreamctlError(error, 'producing');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 500);
    }
  }
}

/** The topic's partition count from the answer a metadata error carries, when the topic itself had no error. */
function partitionsInResponse(error: unknown, topic: string): number {
  const seen = new Set<unknown>();
  const visit = (e: unknown): number => {
    if (!e || typeof e !== 'object' || seen.has(e)) return 0;
    seen.add(e);
    const { response, errors, cause } = e as { response?: { topics?: Array<{ name?: string | null; errorCode?: number; partitions?: unknown[] }> }; errors?: unknown[]; cause?: unknown };
    const t = response?.topics?.find((x) => x.name === topic);
    if (t && t.errorCode === 0 && t.partitions) return t.partitions.length;
    for (const inner of errors ?? []) {
      const n = visit(inner);
      if (n > 0) return n;
    }
    return visit(cause);
  };
  return visit(error);
}
