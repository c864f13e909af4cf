// Kafka-style `key=value` property lists (`--property parse.key=true`, `--producer-props
// acks=all`), parsed into a plain map by the one key=value parser (common/key-value). Pure.
import { StreamctlError } from '../common/errors.js';
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

/**
 * Reads a Java-style properties file (`--producer.config`, `--consumer.config`,
 * `--reader-config`, `--formatter-config`): `key=value` or `key: value` lines, `#`/`!`
 * comments, blank lines skipped. An unreadable file is a USAGE error naming the flag.
 */
export function readPropertiesFile(path: string, flagName: string, read: (path: string) => string): Properties {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new StreamctlError('USAGE', `Cannot read the ${flagName} file '${path}': ${(error as Error).message}`);
  }
  const props: Properties = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m) {
      props[line] = '';
      continue;
    }
    props[m[1]!] = m[2]!;
  }
  return props;
}
