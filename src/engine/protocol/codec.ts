// The one table-driven codec: encodes and decodes any Kafka message at any version, both
// directions, from the generated schema tables. Each (message, version) is compiled once into
// closures (fields filtered by version, flexible/compact encodings and tagged fields
// resolved), so the hot path does no schema interpretation.
//
// Value conventions: objects keyed by camelCased field names; int64 → bigint; uuid → Kafka's
// base64url string; bytes/records → Buffer (zero-copy slices of the frame on decode).
// Missing fields encode as their schema default; fields absent from a version decode as it.
import { ByteReader, ProtocolError } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { SCHEMAS } from './generated/schemas.js';
import { API_SCHEMA_VERSIONS, ApiKey } from './generated/api-keys.js';
import type { MessageTypes, RequestTypes, ResponseTypes } from './generated/message-types.js';
import type { Encodable, FieldSchema, MessageSchema, VersionRange } from './schema-types.js';

export type * from './generated/message-types.js';
export type { Encodable } from './schema-types.js';

export { ProtocolError } from './byte-reader.js';

// A message body of no particular API (the server's dispatch, tests); typed code uses the
// generated types (MessageTypes, RequestTypes, ResponseTypes).
export type Message = Record<string, any>;
export type MessageName = keyof MessageTypes;
/** An api key the schemas know (0 Produce, 1 Fetch, ...). */
export type ApiKeyNumber = keyof RequestTypes & number;
export type RequestOf<K extends ApiKeyNumber> = RequestTypes[K];
export type ResponseOf<K extends ApiKeyNumber> = ResponseTypes[K];

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

type Read = (r: ByteReader) => unknown;
type Write = (w: ByteWriter, v: unknown) => void;

/** A decoded struct while the codec builds or reads it (field name → value). */
type Struct = Record<string, unknown>;

interface Compiled {
  read: Read;
  write: Write;
  defaults: () => Struct;
}

/** The compiled codec of one message at one version, typed by the message. */
export interface MessageCodec<T> {
  read(r: ByteReader): T;
  write(w: ByteWriter, value: Encodable<T>): void;
  defaults(): T;
}

// The compiled closures check what they are given, so a value of the wrong type is a clear
// ProtocolError naming the field rather than a TypeError deep in Buffer.
function num(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new ProtocolError(`${name}: expected a number, got ${typeof v}`);
  return v;
}

function bytesOf(v: unknown, name: string): Buffer {
  if (!Buffer.isBuffer(v)) throw new ProtocolError(`${name}: expected a Buffer, got ${typeof v}`);
  return v;
}

function isStruct(v: unknown): v is Struct {
  return typeof v === 'object' && v !== null;
}

const inRange = (v: number, r: VersionRange | null | undefined): boolean => !!r && v >= r[0] && v <= r[1];

function defaultValue(f: FieldSchema): unknown {
  const d = f.default;
  if (d === 'null') return null;
  switch (f.type) {
    case 'bool':
      return d === 'true';
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32':
    case 'float64':
      return d === undefined || d === '' ? 0 : Number(d);
    case 'int64':
      return d === undefined || d === '' ? 0n : BigInt(d);
    case 'string':
      return d ?? '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return ZERO_UUID;
    case 'array':
      return [];
    case 'struct':
      return structDefaults(f.fields ?? []);
  }
}

function structDefaults(fields: readonly FieldSchema[]): Struct {
  const o: Struct = {};
  for (const f of fields) o[f.name] = defaultValue(f);
  return o;
}

function isDefault(f: FieldSchema, v: unknown): boolean {
  if (v === undefined) return true;
  const d = defaultValue(f);
  if (d === null) return v === null;
  if (v === null) return false;
  if (f.type === 'array') return Array.isArray(v) && v.length === 0;
  if (f.type === 'bytes') return Buffer.isBuffer(v) && v.length === 0;
  if (f.type === 'struct') return isStruct(v) && (f.fields ?? []).every((sf) => isDefault(sf, v[sf.name]));
  return v === d;
}

function where(f: FieldSchema): string {
  return f.name;
}

function primitiveCodec(type: string, nullable: boolean, compact: boolean, name: string): { read: Read; write: Write } {
  switch (type) {
    case 'bool':
      return { read: (r) => r.bool(), write: (w, v) => w.bool(Boolean(v)) };
    case 'int8':
      return { read: (r) => r.int8(), write: (w, v) => w.int8(num(v, name)) };
    case 'int16':
      return { read: (r) => r.int16(), write: (w, v) => w.int16(num(v, name)) };
    case 'int32':
      return { read: (r) => r.int32(), write: (w, v) => w.int32(num(v, name)) };
    case 'uint16':
      return { read: (r) => r.uint16(), write: (w, v) => w.uint16(num(v, name)) };
    case 'uint32':
      return { read: (r) => r.uint32(), write: (w, v) => w.uint32(num(v, name)) };
    case 'float64':
      return { read: (r) => r.float64(), write: (w, v) => w.float64(num(v, name)) };
    case 'int64':
      return { read: (r) => r.int64(), write: (w, v) => w.int64(typeof v === 'bigint' ? v : BigInt(num(v, name))) };
    case 'uuid':
      return {
        read: (r) => r.uuid(),
        write: (w, v) => {
          if (v !== null && v !== undefined && typeof v !== 'string') throw new ProtocolError(`${name}: expected a uuid string, got ${typeof v}`);
          const b = Buffer.from(v ?? ZERO_UUID, 'base64url');
          if (b.length !== 16) throw new ProtocolError(`${name}: invalid uuid ${String(v)}`);
          w.raw(b);
        },
      };
    case 'string':
      return compact
        ? {
            read: (r) => r.compactString(nullable),
            write: (w, v) => {
              if (v === null || v === undefined) {
                if (!nullable) throw new ProtocolError(`${name}: null in a non-nullable string`);
                w.uvarint(0);
                return;
              }
              const s = String(v);
              const len = Buffer.byteLength(s);
              w.uvarint(len + 1);
              w.utf8(s, len);
            },
          }
        : {
            read: (r) => r.string(nullable),
            write: (w, v) => {
              if (v === null || v === undefined) {
                if (!nullable) throw new ProtocolError(`${name}: null in a non-nullable string`);
                w.int16(-1);
                return;
              }
              const s = String(v);
              const len = Buffer.byteLength(s);
              if (len > 0x7fff) throw new ProtocolError(`${name}: string longer than 32767 bytes`);
              w.int16(len);
              w.utf8(s, len);
            },
          };
    case 'bytes':
    case 'records':
      return compact
        ? {
            read: (r) => r.compactBytes(nullable),
            write: (w, v) => {
              if (v === null || v === undefined) {
                if (!nullable) throw new ProtocolError(`${name}: null in non-nullable bytes`);
                w.uvarint(0);
                return;
              }
              const b = bytesOf(v, name);
              w.uvarint(b.length + 1);
              w.raw(b);
            },
          }
        : {
            read: (r) => r.bytes(nullable),
            write: (w, v) => {
              if (v === null || v === undefined) {
                if (!nullable) throw new ProtocolError(`${name}: null in non-nullable bytes`);
                w.int32(-1);
                return;
              }
              const b = bytesOf(v, name);
              w.int32(b.length);
              w.raw(b);
            },
          };
    default:
      throw new Error(`unknown primitive type ${type}`);
  }
}

function fieldCodec(f: FieldSchema, version: number, flexible: boolean): { read: Read; write: Write } {
  const nullable = inRange(version, f.nullable);
  const compact = flexible && !f.neverFlexible;
  if (f.type === 'struct') {
    const inner = compileStruct(f.fields ?? [], version, flexible);
    if (!nullable) return { read: inner.read, write: (w, v) => inner.write(w, v ?? inner.defaults()) };
    return {
      read: (r) => (r.int8() < 0 ? null : inner.read(r)),
      write: (w, v) => {
        if (v === null || v === undefined) w.int8(-1);
        else {
          w.int8(1);
          inner.write(w, v);
        }
      },
    };
  }
  if (f.type === 'array') {
    const elem =
      f.element === 'struct'
        ? compileStruct(f.fields ?? [], version, flexible)
        : primitiveCodec(f.element!, false, compact, `${f.name}[]`);
    const readLen = compact ? (r: ByteReader) => r.uvarint() - 1 : (r: ByteReader) => r.int32();
    const writeLen = compact ? (w: ByteWriter, n: number) => w.uvarint(n + 1) : (w: ByteWriter, n: number) => w.int32(n);
    const name = f.name;
    return {
      read: (r) => {
        const n = readLen(r);
        if (n < 0) {
          if (!nullable) throw new ProtocolError(`${name}: null in a non-nullable array`);
          return null;
        }
        if (n > r.remaining) throw new ProtocolError(`${name}: array length ${n} exceeds the frame`);
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = elem.read(r);
        return out;
      },
      write: (w, v) => {
        if (v === null || v === undefined) {
          if (!nullable) {
            writeLen(w, 0);
            return;
          }
          writeLen(w, -1);
          return;
        }
        if (!Array.isArray(v)) throw new ProtocolError(`${name}: expected an array, got ${typeof v}`);
        const a: readonly unknown[] = v;
        writeLen(w, a.length);
        for (let i = 0; i < a.length; i++) elem.write(w, a[i]);
      },
    };
  }
  return primitiveCodec(f.type, nullable, compact, where(f));
}

function compileStruct(fields: readonly FieldSchema[], version: number, flexible: boolean): Compiled {
  const regular: Array<{ f: FieldSchema; c: { read: Read; write: Write } }> = [];
  const tagged: Array<{ f: FieldSchema; c: { read: Read; write: Write } }> = [];
  const absent: FieldSchema[] = [];
  for (const f of fields) {
    if (!inRange(version, f.versions)) {
      absent.push(f);
      continue;
    }
    const c = fieldCodec(f, version, flexible);
    if (flexible && inRange(version, f.tagged)) tagged.push({ f, c });
    else if (inRange(version, f.tagged)) absent.push(f); // tagged-only field in a non-flexible version
    else regular.push({ f, c });
  }
  tagged.sort((a, b) => (a.f.tag ?? 0) - (b.f.tag ?? 0));
  const byTag = new Map(tagged.map((t) => [t.f.tag ?? 0, t]));
  const defaults = () => structDefaults(fields);

  const read: Read = (r) => {
    const o: Struct = {};
    for (const f of absent) o[f.name] = defaultValue(f);
    for (const { f, c } of regular) o[f.name] = c.read(r);
    if (flexible) {
      for (const { f } of tagged) o[f.name] = defaultValue(f);
      const count = r.uvarint();
      for (let i = 0; i < count; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        const t = byTag.get(tag);
        if (!t) {
          r.raw(size); // unknown tagged field: skip
          continue;
        }
        const end = r.pos + size;
        o[t.f.name] = t.c.read(new ByteReader(r.buf, r.pos, end));
        r.raw(size);
      }
    }
    return o;
  };

  const write: Write = (w, v) => {
    const o: Struct = isStruct(v) ? v : {};
    for (const { f, c } of regular) {
      const x = o[f.name];
      c.write(w, x === undefined ? defaultValue(f) : x);
    }
    if (flexible) {
      const present = tagged.filter(({ f }) => !isDefault(f, o[f.name]));
      w.uvarint(present.length);
      for (const { f, c } of present) {
        const tmp = new ByteWriter(64);
        c.write(tmp, o[f.name]);
        const bytes = tmp.toBuffer();
        w.uvarint(f.tag ?? 0);
        w.uvarint(bytes.length);
        w.raw(bytes);
      }
    }
  };
  return { read, write, defaults };
}

const compiled = new Map<string, Compiled>();

export function messageSchema(name: string): MessageSchema {
  const s = SCHEMAS[name];
  if (!s) throw new Error(`no schema named ${name}`);
  return s;
}

function compiledFor(name: string, version: number): Compiled {
  const key = `${name}@${version}`;
  let c = compiled.get(key);
  if (!c) {
    const s = messageSchema(name);
    if (!inRange(version, s.validVersions)) throw new ProtocolError(`${name} has no version ${version}`);
    c = compileStruct(s.fields, version, inRange(version, s.flexibleVersions));
    compiled.set(key, c);
  }
  return c;
}

/**
 * Compiled codec for one message at one version, typed by the message name. The compiled
 * closures build exactly the fields of the schema the generated type was written from, so
 * this is the one place the untyped struct becomes the message type.
 */
export function codecFor<N extends MessageName>(name: N, version: number): MessageCodec<MessageTypes[N]> {
  return compiledFor(name, version) as MessageCodec<MessageTypes[N]>;
}

export function decodeMessage<N extends MessageName>(name: N, version: number, buf: Buffer, offset = 0, end = buf.length): MessageTypes[N] {
  return codecFor(name, version).read(new ByteReader(buf, offset, end));
}

export function encodeMessage<N extends MessageName>(name: N, version: number, value: Encodable<MessageTypes[N]>): Buffer {
  const w = new ByteWriter(256);
  codecFor(name, version).write(w, value);
  return w.toBuffer();
}

// ---- API-level helpers: headers and frames ----

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Whether the schemas know `apiKey` (narrows a key read at run time for the typed API). */
export function isApiKey(apiKey: number): apiKey is ApiKeyNumber {
  return API_SCHEMA_VERSIONS[apiKey] !== undefined;
}

export function apiName(apiKey: number): string | undefined {
  return API_SCHEMA_VERSIONS[apiKey]?.[0];
}

/** Schema version range for an api key, or undefined when the key is unknown. */
export function schemaVersions(apiKey: number): readonly [number, number] | undefined {
  const e = API_SCHEMA_VERSIONS[apiKey];
  return e ? [e[1], e[2]] : undefined;
}

export function isFlexibleRequest(apiKey: number, apiVersion: number): boolean {
  const name = apiName(apiKey);
  return !!name && inRange(apiVersion, messageSchema(`${name}Request`).flexibleVersions);
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexibleRequest(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  // ApiVersions responses always use header v0 so that any client can read them (KIP-511).
  if (apiKey === ApiKey.ApiVersions) return 0;
  const name = apiName(apiKey);
  return !!name && inRange(apiVersion, messageSchema(`${name}Response`).flexibleVersions) ? 1 : 0;
}

/**
 * Reads a request header from a frame (without its size prefix). Returns the header and the
 * reader positioned at the body. For an unknown api key or version, header v1 is assumed and
 * the caller answers with an error.
 */
export function decodeRequestHeader(frame: Buffer): { header: RequestHeader; reader: ByteReader } {
  const r = new ByteReader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  let headerVersion = 1;
  const range = schemaVersions(apiKey);
  if (range && apiVersion >= range[0] && apiVersion <= range[1]) headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const clientId = headerVersion >= 1 ? r.string(true) : null;
  if (headerVersion >= 2) skipTaggedFields(r);
  return { header: { apiKey, apiVersion, correlationId, clientId }, reader: r };
}

function skipTaggedFields(r: ByteReader): void {
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    r.uvarint();
    r.raw(r.uvarint());
  }
}

function knownApiName(apiKey: number): string {
  const name = apiName(apiKey);
  if (!name) throw new ProtocolError(`unknown api key ${apiKey}`);
  return name;
}

/** The codec of api `apiKey`'s request at `version`, typed by the key. */
export function requestCodec<K extends ApiKeyNumber>(apiKey: K, version: number): MessageCodec<RequestOf<K>> {
  return compiledFor(`${knownApiName(apiKey)}Request`, version) as MessageCodec<RequestOf<K>>;
}

/** The codec of api `apiKey`'s response at `version`, typed by the key. */
export function responseCodec<K extends ApiKeyNumber>(apiKey: K, version: number): MessageCodec<ResponseOf<K>> {
  return compiledFor(`${knownApiName(apiKey)}Response`, version) as MessageCodec<ResponseOf<K>>;
}

/** Decodes a request body for the server's dispatch, which knows the api key only at run time. */
export function decodeRequestBody(apiKey: number, apiVersion: number, reader: ByteReader): Message {
  const body = compiledFor(`${knownApiName(apiKey)}Request`, apiVersion).read(reader);
  if (!isStruct(body)) throw new ProtocolError(`api key ${apiKey}: request body did not decode to a struct`);
  return body;
}

function frame(w: ByteWriter): Buffer[] {
  const chunks = w.chunks();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  return [size, ...chunks];
}

/** Encodes a response with its header and size prefix, as chunks ready for a socket. */
export function encodeResponseFrame(apiKey: number, apiVersion: number, correlationId: number, body: Message): Buffer[] {
  const name = knownApiName(apiKey);
  const w = new ByteWriter();
  w.int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) w.uvarint(0);
  compiledFor(`${name}Response`, apiVersion).write(w, body);
  return frame(w);
}

/** Encodes a request with its header and size prefix. */
export function encodeRequestFrame<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: Encodable<RequestOf<K>>,
): Buffer[] {
  const codec = requestCodec(apiKey, apiVersion);
  const w = new ByteWriter();
  w.int16(apiKey);
  w.int16(apiVersion);
  w.int32(correlationId);
  const hv = requestHeaderVersion(apiKey, apiVersion);
  if (hv >= 1) {
    if (clientId === null) w.int16(-1);
    else {
      const len = Buffer.byteLength(clientId);
      w.int16(len);
      w.utf8(clientId, len);
    }
  }
  if (hv >= 2) w.uvarint(0);
  codec.write(w, body);
  return frame(w);
}

/** Decodes a response frame (without its size prefix) for a request we sent. */
export function decodeResponseFrame<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, frameBuf: Buffer): { correlationId: number; body: ResponseOf<K> } {
  const codec = responseCodec(apiKey, apiVersion);
  const r = new ByteReader(frameBuf);
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) skipTaggedFields(r);
  const body = codec.read(r);
  return { correlationId, body };
}

/** Reads just the correlation id of a response frame. */
export function peekCorrelationId(frameBuf: Buffer): number {
  if (frameBuf.length < 4) throw new ProtocolError('response frame shorter than its header');
  return frameBuf.readInt32BE(0);
}

export function concatFrame(chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks);
}
