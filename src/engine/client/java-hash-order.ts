// The iteration order of a java.util.HashMap/HashSet, for Kafka tools that print a map as
// they iterate it (kafka-delete-records' partitions, kafka-log-dirs' JSON keys and
// partitions): Java's String and TopicPartition hash codes, HashMap's hash spreading and
// table growth. Entries in one bucket keep insertion order (as Java's bucket lists do). Pure.

/** java.lang.String#hashCode. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** org.apache.kafka.common.TopicPartition#hashCode. */
export function topicPartitionHash(topic: string, partition: number): number {
  return (Math.imul(31, (31 + partition) | 0) + javaStringHash(topic)) | 0;
}

/**
 * The table size a HashMap ends with after `size` puts: `initialCapacity` as
 * `new HashMap<>(n)` rounds it (tableSizeFor), default 16, doubled while size > 0.75 × table.
 */
export function javaHashMapCapacity(size: number, initialCapacity?: number): number {
  let cap = 1;
  if (initialCapacity === undefined) cap = 16;
  else while (cap < initialCapacity) cap *= 2;
  while (size > Math.floor(cap * 0.75)) cap *= 2;
  return cap;
}

/** `items` in the order a HashMap holding them (inserted in the given order) iterates. */
export function javaHashMapOrder<T>(items: readonly T[], hash: (item: T) => number, initialCapacity?: number): T[] {
  const cap = javaHashMapCapacity(items.length, initialCapacity);
  const bucket = (h: number) => (h ^ (h >>> 16)) & (cap - 1);
  return items
    .map((item, index) => ({ item, index, b: bucket(hash(item)) }))
    .sort((a, b) => a.b - b.b || a.index - b.index)
    .map((e) => e.item);
}
