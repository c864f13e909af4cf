// The one parser of `key=value` entries typed on a command line or read from a config:
// `--set`, `--config`, `--property`, `--producer-props`, topology `-c`. The first '='
// splits key from value (values may contain '='); the key is trimmed and must not be empty.
// A bad entry is a USAGE error naming the flag and the entry. Pure.
import { StreamctlError } from './errors.js';

export interface KeyValueOptions {
  /** Trim the value too (default: kept as typed, so separators like ' ' survive). */
  trimValue?: boolean;
}

/** `[key, value]` of one entry, or undefined when it has no '=' or an empty key. */
export function splitKeyValue(entry: string, options: KeyValueOptions = {}): [string, string] | undefined {
  const eq = entry.indexOf('=');
  if (eq < 0) return undefined;
  const key = entry.slice(0, eq).trim();
  if (key === '') return undefined;
  const value = entry.slice(eq + 1);
  return [key, options.trimValue ? value.trim() : value];
}

/** Entries to a map (later entries win); throws USAGE `Invalid <flag> '<entry>': expected key=value`. */
export function parseKeyValues(entries: readonly string[] | undefined, flagName: string, options: KeyValueOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const kv = splitKeyValue(entry, options);
    if (!kv) throw new StreamctlError('USAGE', `Invalid ${flagName} '${entry}': expected key=value`);
    out[kv[0]] = kv[1];
  }
  return out;
}
