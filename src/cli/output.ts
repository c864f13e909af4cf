// Output helpers for commands: the table primitives (which live in the engine so engine-side
// formatters can share them) and the one JSON convention every `--json` follows.
//
// The JSON convention (also in the README, "JSON output"):
// - Offsets, lag and other Kafka int64 figures are decimal strings ("12345"), because int64
//   exceeds what a JSON number holds exactly. Engine data carries them as bigint;
//   `toJsonValue` turns every bigint into its decimal string.
// - A missing value is `null`: never "-", "", "N/A" or an absent key.
// - One name per concept: `group`, `topic`, `partition`, `broker` (a broker id, also inside
//   `coordinator` and `brokers[]`), `topology`; offsets are `offset`, `currentOffset`,
//   `logEndOffset`, `logStartOffset`; `lag` and `totalLag`. Never `groupId`, `topicName`,
//   `partitionIndex`, `brokerId` or `nodeId`.
// - Measured figures (records/s, MB/s, latencies in ms, counts) are JSON numbers; times of
//   day are ISO-8601 strings; record timestamps are epoch milliseconds as decimal strings (int64).
// - Text is UTF-8 strings; a whole result is one JSON document, except the streaming commands
//   (`consume --json`, `lag --watch --json`), which print one object per line.
// - An error is `{"error": {"code", "message", "kafkaErrorCode"}}` (the base command).
export { padRight, renderTable } from '../engine/common/text-table.js';

/** Key names the convention replaces, with the name to use (checked by the --json walk test). */
export const JSON_KEY_SYNONYMS: Readonly<Record<string, string>> = {
  groupId: 'group',
  groupName: 'group',
  topicName: 'topic',
  partitionId: 'partition',
  partitionIndex: 'partition',
  brokerId: 'broker',
  nodeId: 'broker',
  topologyName: 'topology',
};

/**
 * Makes a result follow the JSON convention: bigint → decimal string, undefined → null,
 * Map → object, Buffer → UTF-8 text, Date → ISO string; everything else as is.
 */
export function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v)]));
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

/** One JSON line for the streaming commands (`consume --json`, `lag --watch --json`). */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(toJsonValue(value))}\n`;
}
