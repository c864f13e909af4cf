// Records as JSON lines and CSV rows, both ways: `consume --json` / `consume --format csv`
// write them, `produce --format json|csv` reads them back, so a topic round-trips exactly
// (keys, values, headers, partitions, timestamps; null kept apart from empty; any bytes).
// Byte fields (key, value, header values) are UTF-8 text when the bytes are valid UTF-8,
// else `{"base64": "..."}` in JSON; in CSV the row's `encoding` column says `base64` when
// key and value are written base64. Offsets are decimal strings. Pure.
import { StreamctlError } from '../common/errors.js';
import type { ConsumedRecord } from './message-formatter.js';

/** A record read back from JSON or CSV: what a producer needs to recreate it. */
export interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  partition?: number;
  timestamp?: bigint;
}

type JsonBytes = string | { base64: string } | null;

/** True when the bytes are valid UTF-8 that decode and re-encode to the same bytes. */
export function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

function bytesToJson(bytes: Buffer | null): JsonBytes {
  if (bytes === null) return null;
  return isUtf8(bytes) ? bytes.toString('utf8') : { base64: bytes.toString('base64') };
}

function bytesFromJson(value: unknown, field: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'object' && typeof (value as { base64?: unknown }).base64 === 'string') {
    return Buffer.from((value as { base64: string }).base64, 'base64');
  }
  throw new Error(`${field} must be a string, {"base64": "..."} or null`);
}

/** The JSON object for one consumed record (the `consume --json` line). */
export function recordToJsonObject(record: ConsumedRecord): Record<string, unknown> {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset.toString(),
    timestamp: record.timestamp.toString(),
    timestampType: record.timestampType,
    key: bytesToJson(record.key),
    value: bytesToJson(record.value),
    headers: record.headers.map(([key, value]) => ({ key, value: bytesToJson(value) })),
  };
}

function headersFromJson(value: unknown): Array<[string, Buffer | null]> {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) {
    return value.map((h, i) => {
      if (!h || typeof h !== 'object' || typeof (h as { key?: unknown }).key !== 'string') throw new Error(`headers[${i}] must be {"key": string, "value": ...}`);
      return [(h as { key: string }).key, bytesFromJson((h as { value?: unknown }).value, `headers[${i}].value`)];
    });
  }
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => [k, bytesFromJson(v, `headers.${k}`)]);
  throw new Error('headers must be an array of {"key", "value"} or an object');
}

function partitionFrom(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`partition must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

function timestampFrom(value: unknown): bigint | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text)) throw new Error(`timestamp must be an integer (ms), got ${JSON.stringify(value)}`);
  return BigInt(text);
}

/** Parses one `produce --format json` line; extra fields (topic, offset, timestampType) are ignored. */
export function recordFromJsonLine(line: string, lineNumber: number): DecodedRecord {
  try {
    const o: unknown = JSON.parse(line);
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('expected a JSON object');
    const r = o as Record<string, unknown>;
    return {
      key: bytesFromJson(r.key, 'key'),
      value: bytesFromJson(r.value, 'value'),
      headers: headersFromJson(r.headers),
      partition: partitionFrom(r.partition),
      timestamp: timestampFrom(r.timestamp),
    };
  } catch (error) {
    throw new StreamctlError('INVALID_INPUT', `Invalid JSON record on line number ${lineNumber}: ${(error as Error).message}`);
  }
}

export const CSV_COLUMNS = ['topic', 'partition', 'offset', 'timestamp', 'timestampType', 'key', 'value', 'headers', 'encoding'] as const;

/** One CSV field: quoted when needed (RFC 4180); null is an empty unquoted field, "" an empty quoted one. */
function csvField(value: string | null): string {
  if (value === null) return '';
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV header line written before the first `consume --format csv` row. */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

/** One CSV row (with its newline) for a consumed record. */
export function recordToCsvRow(record: ConsumedRecord): string {
  const binary = (record.key !== null && !isUtf8(record.key)) || (record.value !== null && !isUtf8(record.value));
  const text = (b: Buffer | null) => (b === null ? null : b.toString(binary ? 'base64' : 'utf8'));
  const headers = record.headers.length === 0 ? '' : JSON.stringify(record.headers.map(([key, value]) => ({ key, value: bytesToJson(value) })));
  const fields = [
    record.topic,
    String(record.partition),
    record.offset.toString(),
    record.timestamp.toString(),
    record.timestampType,
    text(record.key),
    text(record.value),
    headers,
    binary ? 'base64' : 'utf8',
  ];
  return `${fields.map((f) => csvField(f)).join(',')}\n`;
}

/**
 * Reads CSV rows line by line (a quoted field may span lines). The first row names the
 * columns; `key`, `value`, `headers`, `partition`, `timestamp` and `encoding` are used, any
 * other column is ignored; blank lines are skipped. One instance per input stream.
 */
export class CsvRecordReader {
  #columns: string[] | undefined;
  #pending: string | undefined;
  #lineNumber = 0;

  /** Feeds one line; returns a record when a data row is complete, else undefined. */
  read(line: string): DecodedRecord | undefined {
    this.#lineNumber += 1;
    // A blank line outside a quoted field holds no record.
    if (this.#pending === undefined && line.trim() === '') return undefined;
    const text = this.#pending === undefined ? line : `${this.#pending}\n${line}`;
    const fields = parseCsvRow(text);
    if (fields === undefined) {
      this.#pending = text;
      return undefined;
    }
    this.#pending = undefined;
    if (this.#columns === undefined) {
      this.#columns = fields.map((f) => (f ?? '').trim());
      if (!this.#columns.includes('value') && !this.#columns.includes('key')) {
        throw new StreamctlError('INVALID_INPUT', `The CSV header (line 1) must name a key or value column, got: ${line}`);
      }
      return undefined;
    }
    if (fields.length !== this.#columns.length) {
      throw new StreamctlError('INVALID_INPUT', `CSV row ending on line number ${this.#lineNumber} has ${fields.length} fields, the header has ${this.#columns.length}`);
    }
    const row = new Map(this.#columns.map((c, i) => [c, fields[i] ?? null]));
    try {
      const encoding = row.get('encoding') ?? 'utf8';
      if (encoding !== 'utf8' && encoding !== 'base64') throw new Error(`encoding must be utf8 or base64, got '${encoding}'`);
      const bytes = (v: string | null | undefined) => (v === null || v === undefined ? null : Buffer.from(v, encoding));
      const headersText = row.get('headers');
      return {
        key: bytes(row.get('key')),
        value: bytes(row.get('value')),
        headers: headersText ? headersFromJson(JSON.parse(headersText)) : [],
        partition: partitionFrom(row.get('partition')),
        timestamp: timestampFrom(row.get('timestamp')),
      };
    } catch (error) {
      throw new StreamctlError('INVALID_INPUT', `Invalid CSV record ending on line number ${this.#lineNumber}: ${(error as Error).message}`);
    }
  }

  /** Throws when the input ended inside a quoted field. */
  end(): void {
    if (this.#pending !== undefined) throw new StreamctlError('INVALID_INPUT', 'The CSV input ended inside a quoted field');
  }
}

/** Splits one CSV row into fields (null for an empty unquoted field); undefined while a quote is open. */
export function parseCsvRow(text: string): Array<string | null> | undefined {
  const fields: Array<string | null> = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) return undefined;
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      const raw = text.slice(i, end).replace(/\r$/, '');
      fields.push(raw === '' ? null : raw);
      i = end;
    }
    if (i >= text.length) return fields;
    if (text[i] === '\r' && i === text.length - 1) return fields;
    if (text[i] !== ',') throw new StreamctlError('INVALID_INPUT', `Malformed CSV: unexpected character after a quoted field in: ${text}`);
    i += 1;
    if (i === text.length) {
      fields.push(null);
      return fields;
    }
  }
}

/** Reads `produce --format json` input: one JSON object per line, blank lines skipped. */
export class JsonRecordReader {
  #lineNumber = 0;

  read(line: string): DecodedRecord | undefined {
    this.#lineNumber += 1;
    if (line.trim() === '') return undefined;
    return recordFromJsonLine(line, this.#lineNumber);
  }
}
