// kafka-log-dirs.sh's output as pure functions: the "Querying brokers" and "Received log
// directory information" lines and the one-line JSON (keys in the order Jackson writes
// Java's HashMaps, partitions in HashMap order, longs as bare numbers). No I/O.
import { javaHashMapOrder, topicPartitionHash } from './java-hash-order.js';

export interface LogDirPartition {
  topic: string;
  partition: number;
  size: bigint;
  offsetLag: bigint;
  isFuture: boolean;
}

export interface LogDirDescription {
  logDir: string;
  /** The Java exception class of the dir's error; null when healthy. */
  error: string | null;
  partitions: LogDirPartition[];
}

export interface BrokerLogDirs {
  broker: number;
  logDirs: LogDirDescription[];
}

export const QUERYING_BROKERS = 'Querying brokers for log directories information\n';

/** Kafka's error when --broker-list names brokers that are not in the cluster. */
export function nonExistingBrokersMessage(missing: number[], existing: number[]): string {
  return `ERROR: The given brokers do not exist from --broker-list: ${intSetText(missing)}. Current existent brokers: ${intSetText(existing)}`;
}

/** A Set<Integer> as Java's HashSet iterates it, joined by commas. */
export function intSetText(ids: readonly number[]): string {
  return javaHashMapOrder([...new Set(ids)].sort((a, b) => a - b), (id) => id).join(',');
}

/** The lines printed after the answers came: which brokers answered, then the JSON. */
export function formatLogDirs(brokers: readonly BrokerLogDirs[], queried: readonly number[], topics: readonly string[]): string {
  const topicSet = new Set(topics);
  const brokerJson = javaHashMapOrder([...brokers].sort((a, b) => a.broker - b.broker), (b) => b.broker).map((b) => {
    const dirs = b.logDirs.map((d) => {
      const parts = javaHashMapOrder(
        d.partitions.filter((p) => topicSet.size === 0 || topicSet.has(p.topic)),
        (p) => topicPartitionHash(p.topic, p.partition),
      ).map((p) => `{"partition":${JSON.stringify(`${p.topic}-${p.partition}`)},"size":${p.size},"offsetLag":${p.offsetLag},"isFuture":${p.isFuture}}`);
      return `{"partitions":[${parts.join(',')}],"error":${d.error === null ? 'null' : JSON.stringify(d.error)},"logDir":${JSON.stringify(d.logDir)}}`;
    });
    return `{"broker":${b.broker},"logDirs":[${dirs.join(',')}]}`;
  });
  return `Received log directory information from brokers ${intSetText(queried)}\n{"brokers":[${brokerJson.join(',')}],"version":1}\n`;
}
