// Tuple: what a bolt receives. The public `Tuple` interface is what user code sees; the
// runtime creates `TupleImpl` objects, which also carry the acking state (the tuple's
// anchors, i.e. its 64-bit ids per spout-tuple root, and the XOR of the edges emitted from
// it). Owned by the one executor processing it (single-threaded workers).
import { Fields } from './fields.js';

/** The id of a tuple inside the tuple trees it belongs to (Storm's MessageId). */
export interface MessageId {
  /** Root id (spout tuple) → this tuple's 64-bit edge id, both as decimal/hex strings. */
  anchorsToIds(): Map<string, string>;
  /** True when the tuple is not tracked by any acker (unanchored or acking disabled). */
  isUnanchored(): boolean;
  toString(): string;
}

/** A tuple received by a bolt: values with named fields and where it came from. */
export interface Tuple {
  /** The values, in the order of the stream's fields. Do not mutate. */
  readonly values: readonly unknown[];
  getValues(): readonly unknown[];
  getFields(): Fields;
  size(): number;
  contains(field: string): boolean;
  fieldIndex(field: string): number;
  /** The values of the given fields, in that order. */
  select(fields: Fields | readonly string[]): unknown[];
  getValue(i: number): unknown;
  getString(i: number): string;
  /** A number that must be an integer. */
  getInteger(i: number): number;
  /** A number or bigint, returned as bigint. */
  getLong(i: number): bigint;
  getDouble(i: number): number;
  getBoolean(i: number): boolean;
  getValueByField(field: string): unknown;
  getStringByField(field: string): string;
  getIntegerByField(field: string): number;
  getLongByField(field: string): bigint;
  getDoubleByField(field: string): number;
  getBooleanByField(field: string): boolean;
  getSourceComponent(): string;
  getSourceStreamId(): string;
  /** Task id of the emitting task (-1 for `__system` tick tuples). */
  getSourceTask(): number;
  getMessageId(): MessageId;
  /** True for tick tuples (source `__system`, stream `__tick`). */
  isTick(): boolean;
}

const hex = (hi: number, lo: number) => (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

function typeError(what: string, field: string | number, value: unknown): TypeError {
  const got = value === null ? 'null' : typeof value;
  return new TypeError(`Tuple value ${typeof field === 'number' ? `#${field}` : `'${field}'`} is ${got}, not ${what}`);
}

/**
 * Runtime tuple. `anchors` is a flat list of triples [rootId, edgeHi, edgeLo] (root ids
 * are random 52-bit integers, edge ids random 64-bit values as two 32-bit halves), or null
 * when untracked. `ackHi/ackLo` accumulate the XOR of the edges of tuples anchored to it.
 */
export class TupleImpl implements Tuple {
  readonly values: unknown[];
  readonly fields: Fields;
  readonly sourceComponent: string;
  readonly sourceStreamId: string;
  readonly sourceTask: number;
  anchors: number[] | null;
  /** Destination task (set by the runtime when routing). */
  destTask = 0;
  ackHi = 0;
  ackLo = 0;
  /** Monotonic ms when execute started, for sampled process latency; 0 when not sampled. */
  sampleStartMs = 0;
  /** Set once acked or failed, to catch double acks. */
  done = false;

  constructor(values: unknown[], fields: Fields, sourceComponent: string, sourceStreamId: string, sourceTask: number, anchors: number[] | null) {
    this.values = values;
    this.fields = fields;
    this.sourceComponent = sourceComponent;
    this.sourceStreamId = sourceStreamId;
    this.sourceTask = sourceTask;
    this.anchors = anchors;
  }

  getValues(): readonly unknown[] {
    return this.values;
  }
  getFields(): Fields {
    return this.fields;
  }
  size(): number {
    return this.values.length;
  }
  contains(field: string): boolean {
    return this.fields.contains(field);
  }
  fieldIndex(field: string): number {
    return this.fields.fieldIndex(field);
  }
  select(fields: Fields | readonly string[]): unknown[] {
    return this.fields.select(fields, this.values);
  }
  getValue(i: number): unknown {
    return this.values[i];
  }
  getString(i: number): string {
    const v = this.values[i];
    if (typeof v !== 'string') throw typeError('a string', i, v);
    return v;
  }
  getInteger(i: number): number {
    const v = this.values[i];
    if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError('an integer', i, v);
    return v;
  }
  getLong(i: number): bigint {
    const v = this.values[i];
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
    throw typeError('an integer', i, v);
  }
  getDouble(i: number): number {
    const v = this.values[i];
    if (typeof v !== 'number') throw typeError('a number', i, v);
    return v;
  }
  getBoolean(i: number): boolean {
    const v = this.values[i];
    if (typeof v !== 'boolean') throw typeError('a boolean', i, v);
    return v;
  }
  getValueByField(field: string): unknown {
    return this.values[this.fields.fieldIndex(field)];
  }
  getStringByField(field: string): string {
    return this.getString(this.fields.fieldIndex(field));
  }
  getIntegerByField(field: string): number {
    return this.getInteger(this.fields.fieldIndex(field));
  }
  getLongByField(field: string): bigint {
    return this.getLong(this.fields.fieldIndex(field));
  }
  getDoubleByField(field: string): number {
    return this.getDouble(this.fields.fieldIndex(field));
  }
  getBooleanByField(field: string): boolean {
    return this.getBoolean(this.fields.fieldIndex(field));
  }
  getSourceComponent(): string {
    return this.sourceComponent;
  }
  getSourceStreamId(): string {
    return this.sourceStreamId;
  }
  getSourceTask(): number {
    return this.sourceTask;
  }
  isTick(): boolean {
    return this.sourceComponent === '__system' && this.sourceStreamId === '__tick';
  }
  getMessageId(): MessageId {
    const anchors = this.anchors;
    return {
      anchorsToIds() {
        const m = new Map<string, string>();
        if (anchors) for (let i = 0; i < anchors.length; i += 3) m.set(String(anchors[i]), hex(anchors[i + 1]!, anchors[i + 2]!));
        return m;
      },
      isUnanchored: () => anchors === null || anchors.length === 0,
      toString() {
        return JSON.stringify(Object.fromEntries(this.anchorsToIds()));
      },
    };
  }
  toString(): string {
    return `source: ${this.sourceComponent}:${this.sourceTask}, stream: ${this.sourceStreamId}, values: ${JSON.stringify(this.values)}`;
  }
}
