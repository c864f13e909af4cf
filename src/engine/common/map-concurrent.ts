// Maps items through an async function with at most `limit` calls in flight, keeping the
// input order in the result (like Promise.all, but bounded, for fan-out to a cluster:
// per-group lag, per-partition timestamp reads). The first rejection rejects the result
// (calls already started run to completion). Single event loop; no shared state between calls.

export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
