// Stable hashing of tuple values for fields and partial-key grouping: the same values give
// the same hash in every worker process and Node version (no object identity, no random
// seeds). Pure functions.

/** murmur3 finalizer: spreads the bits of a 32-bit hash. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Java's String.hashCode over UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Hash of one value (strings, numbers, booleans, null, bigint, bytes, arrays, plain objects via JSON). */
export function hashValue(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return hashString(v);
    case 'number':
      return Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff ? v | 0 : hashString(String(v));
    case 'boolean':
      return v ? 1231 : 1237;
    case 'bigint':
      return hashString(v.toString());
    case 'undefined':
      return 0;
    case 'object': {
      if (v === null) return 0;
      if (Array.isArray(v)) return hashValues(v);
      if (v instanceof Uint8Array) {
        let h = 1;
        for (let i = 0; i < v.length; i++) h = (Math.imul(h, 31) + v[i]!) | 0;
        return h;
      }
      return hashString(JSON.stringify(v) ?? '');
    }
    default:
      return hashString(String(v));
  }
}

/** Arrays.deepHashCode-like combination, then mixed. */
export function hashValues(values: readonly unknown[]): number {
  let h = 1;
  for (let i = 0; i < values.length; i++) h = (Math.imul(h, 31) + hashValue(values[i])) | 0;
  return mix32(h);
}

/** Non-negative remainder (Java's Math.floorMod). */
export function floorMod(h: number, n: number): number {
  const r = h % n;
  return r < 0 ? r + n : r;
}
