// Turns stdin lines into records exactly as kafka-console-producer's LineMessageReader does:
// optional headers, optional key, value; `null.marker` for null key/value/header values;
// Kafka's error texts (`No key separator found on line number 3: 'foo'`). Pure and
// synchronous: one instance per input stream (it counts line numbers).
import { StreamctlError } from '../common/errors.js';
import { booleanProperty, type Properties, unescapeSeparator } from './properties.js';

export interface LineRecord {
  key: Buffer | null;
  value: Buffer | null;
  /** In input order; duplicates kept. */
  headers: Array<[string, Buffer | null]>;
}

export interface LineMessageReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  ignoreError: boolean;
  nullMarker: string | undefined;
}

/** Reader properties with Kafka's defaults, validated as LineMessageReader.configure does. */
export function lineMessageReaderConfig(props: Properties): LineMessageReaderConfig {
  const config: LineMessageReaderConfig = {
    parseKey: booleanProperty(props, 'parse.key', false),
    keySeparator: unescapeSeparator(props['key.separator'] ?? '\t'),
    parseHeaders: booleanProperty(props, 'parse.headers', false),
    headersDelimiter: unescapeSeparator(props['headers.delimiter'] ?? '\t'),
    headersSeparator: unescapeSeparator(props['headers.separator'] ?? ','),
    headersKeySeparator: unescapeSeparator(props['headers.key.separator'] ?? ':'),
    ignoreError: booleanProperty(props, 'ignore.error', false),
    nullMarker: props['null.marker'] === undefined ? undefined : unescapeSeparator(props['null.marker']),
  };
  const fail = (message: string) => {
    throw new StreamctlError('USAGE', message);
  };
  if (config.parseHeaders) {
    if (config.headersDelimiter === config.headersSeparator) fail('headers.delimiter and headers.separator may not be equal');
    if (config.headersDelimiter === config.headersKeySeparator) fail('headers.delimiter and headers.key.separator may not be equal');
    if (config.headersSeparator === config.headersKeySeparator) fail('headers.separator and headers.key.separator may not be equal');
  }
  if (config.nullMarker !== undefined) {
    if (config.parseKey && config.nullMarker === config.keySeparator) fail('null.marker and key.separator may not be equal');
    if (config.parseHeaders && config.nullMarker === config.headersSeparator) fail('null.marker and headers.separator may not be equal');
    if (config.parseHeaders && config.nullMarker === config.headersDelimiter) fail('null.marker and headers.delimiter may not be equal');
    if (config.parseHeaders && config.nullMarker === config.headersKeySeparator) fail('null.marker and headers.key.separator may not be equal');
  }
  return config;
}

export class LineMessageReader {
  readonly #config: LineMessageReaderConfig;
  #lineNumber = 0;

  constructor(config: LineMessageReaderConfig) {
    this.#config = config;
  }

  static fromProperties(props: Properties): LineMessageReader {
    return new LineMessageReader(lineMessageReaderConfig(props));
  }

  get lineNumber(): number {
    return this.#lineNumber;
  }

  /** Parses the next line (without its line terminator). Throws USAGE with Kafka's message on bad input. */
  read(line: string): LineRecord {
    this.#lineNumber += 1;
    const c = this.#config;
    const headers = this.#parse(c.parseHeaders, line, 0, c.headersDelimiter, 'headers delimiter');
    const headerOffset = headers === null ? 0 : headers.length + c.headersDelimiter.length;
    const key = this.#parse(c.parseKey, line, headerOffset, c.keySeparator, 'key separator');
    const keyOffset = key === null ? 0 : key.length + c.keySeparator.length;
    const value = line.slice(headerOffset + keyOffset);
    return {
      key: key !== null && key !== c.nullMarker ? Buffer.from(key, 'utf8') : null,
      value: value !== c.nullMarker ? Buffer.from(value, 'utf8') : null,
      headers: headers !== null && headers !== c.nullMarker ? this.#splitHeaders(headers) : [],
    };
  }

  #parse(enabled: boolean, line: string, start: number, demarcation: string, name: string): string | null {
    if (!enabled) return null;
    const index = line.indexOf(demarcation, start);
    if (index === -1) {
      if (this.#config.ignoreError) return null;
      throw new StreamctlError('INVALID_INPUT', `No ${name} found on line number ${this.#lineNumber}: '${line}'`);
    }
    return line.slice(start, index);
  }

  #splitHeaders(headers: string): Array<[string, Buffer | null]> {
    const c = this.#config;
    const pairs = headers.split(c.headersSeparator);
    // Java's String.split drops trailing empty strings.
    while (pairs.length > 0 && pairs[pairs.length - 1] === '') pairs.pop();
    return pairs.map((pair): [string, Buffer | null] => {
      const i = pair.indexOf(c.headersKeySeparator);
      if (i === -1) {
        if (c.ignoreError) return [pair, null];
        throw new StreamctlError('INVALID_INPUT', `No header key separator found in pair '${pair}' on line number ${this.#lineNumber}`);
      }
      const headerKey = pair.slice(0, i);
      if (c.nullMarker !== undefined && headerKey === c.nullMarker) {
        throw new StreamctlError('INVALID_INPUT', `Header keys should not be equal to the null marker '${c.nullMarker}' as they can't be null`);
      }
      const value = pair.slice(i + c.headersKeySeparator.length);
      return [headerKey, value === c.nullMarker ? null : Buffer.from(value, 'utf8')];
    });
  }
}
