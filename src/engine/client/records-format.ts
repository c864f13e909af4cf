// kafka-delete-records.sh's input and output as pure functions: the offset JSON file
// ({"partitions": [{"topic", "partition", "offset"}], "version": 1}) with Kafka's checks and
// messages, and the lines it prints (partitions in the order Java's HashMap of the results
// iterates). No I/O.
import { StreamctlError } from '../common/errors.js';
import { javaHashMapOrder, topicPartitionHash } from './java-hash-order.js';

export interface RecordsToDelete {
  topic: string;
  partition: number;
  /** Delete records before this offset; -1 = up to the high watermark. */
  offset: bigint;
}

export interface DeletedRecordsResult {
  topic: string;
  partition: number;
  /** The partition's new low watermark; null when it failed. */
  lowWatermark: bigint | null;
  /** Java's `ExecutionException#getMessage()` for a failed partition; null when it worked. */
  error: string | null;
}

const fail = (message: string) => new StreamctlError('INVALID_INPUT', message);

function field(entry: Record<string, unknown>, name: string): unknown {
  if (!(name in entry)) throw fail(`No such field exists: \`${name}\``);
  return entry[name];
}

/** Parses the offset JSON file, rejecting duplicates as kafka-delete-records does. */
export function parseOffsetJson(text: string): RecordsToDelete[] {
  let js: unknown;
  try {
    // Integers become bigint (offsets are Java longs); precision past 2^53 is refused below.
    js = JSON.parse(text, (_key, value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value));
  } catch {
    throw fail('The input string is not a valid JSON');
  }
  if (js === null || typeof js !== 'object' || Array.isArray(js)) throw fail('The input string is not a valid JSON');
  const root = js as Record<string, unknown>;
  const version = root.version === undefined ? 1n : root.version;
  if (version !== 1n) throw fail(`Not supported version field value ${String(version)}`);
  if (!('partitions' in root)) throw fail('Missing partitions field');
  if (!Array.isArray(root.partitions)) throw fail('Expected `partitions` to be a JSON array');
  const seen = new Map<string, number>();
  const out: RecordsToDelete[] = [];
  for (const raw of root.partitions as unknown[]) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fail('Expected every entry of `partitions` to be a JSON object');
    const entry = raw as Record<string, unknown>;
    const topic = field(entry, 'topic');
    const partition = field(entry, 'partition');
    const offset = field(entry, 'offset');
    if (typeof topic !== 'string') throw fail(`Expected \`topic\` to be a string, got ${JSON.stringify(String(topic))}`);
    if (typeof partition !== 'bigint' || partition < 0n || partition > 2147483647n) throw fail(`Expected \`partition\` to be an int, got ${String(partition)}`);
    if (typeof offset !== 'bigint' || offset < -1n) throw fail(`Expected \`offset\` to be a long (-1 for the high watermark), got ${String(offset)}`);
    const key = `${topic}-${partition}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    out.push({ topic, partition: Number(partition), offset });
  }
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
  if (duplicates.length > 0) throw new StreamctlError('INVALID_INPUT', `Offset json file contains duplicate topic partitions: ${duplicates.join(',')}`);
  return out;
}

/** What kafka-delete-records prints after the call (the first line comes before it). */
export function formatDeleteRecords(results: readonly DeletedRecordsResult[]): string {
  const ordered = javaHashMapOrder(results, (r) => topicPartitionHash(r.topic, r.partition), results.length);
  const lines = ['Records delete operation completed:'];
  for (const r of ordered) {
    lines.push(r.error === null ? `partition: ${r.topic}-${r.partition}\tlow_watermark: ${r.lowWatermark}` : `partition: ${r.topic}-${r.partition}\terror: ${r.error}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

export const DELETE_RECORDS_STARTED = 'Executing records delete operation\n';
