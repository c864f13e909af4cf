// Kafka-style `key=value` property lists (`--property parse.key=true`, `--producer-props
// acks=all`), parsed into a plain map by the one key=value parser (common/key-value). Pure.
import { parseKeyValues } from '../common/key-value.js';

export type Properties = Record<string, string>;

/** Parses `k=v` entries (later entries win); a missing '=' is a USAGE error naming the entry. */
export function parseProperties(entries: readonly string[] | undefined, flagName = '--property'): Properties {
  return parseKeyValues(entries, flagName);
}

/** Java's Boolean.parseBoolean: only a case-insensitive "true" is true. */
export function booleanProperty(props: Properties, key: string, fallback: boolean): boolean {
  const value = props[key];
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
}

/** Kafka tools unescape `\t`, `\n`, `\r` and `\\` typed on the command line. */
export function unescapeSeparator(value: string): string {
  return value.replace(/\\([tnr\\])/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c);
}
