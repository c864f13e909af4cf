// Types of the schema tables that scripts/generate-protocol.ts writes into generated/.
// The tables are a faithful, compact transcription of Kafka's JSON message schemas: version
// ranges become [min, max] pairs (max 32767 for "N+"), commonStructs are inlined, field
// names are camelCased ("TopicName" → "topicName").

export type VersionRange = readonly [number, number];

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'uint32'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export interface FieldSchema {
  readonly name: string;
  /** A primitive, 'struct' (fields inline) or 'array' (element, and fields when the element is a struct). */
  readonly type: PrimitiveType | 'struct' | 'array';
  readonly element?: PrimitiveType | 'struct';
  readonly versions: VersionRange;
  readonly nullable?: VersionRange;
  readonly tagged?: VersionRange;
  readonly tag?: number;
  /** Kafka's "default" as written in the schema (a string), when present. */
  readonly default?: string;
  /** `flexibleVersions: "none"` on a field: never use compact encoding (RequestHeader.ClientId). */
  readonly neverFlexible?: true;
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly type: 'request' | 'response' | 'header' | 'data';
  readonly apiKey?: number;
  readonly validVersions: VersionRange;
  /** null when the message has no flexible versions. */
  readonly flexibleVersions: VersionRange | null;
  readonly fields: readonly FieldSchema[];
}

/**
 * What the encoder accepts for a message of type T: every field may be left out (it encodes
 * as its schema default, as Kafka's generated classes start from defaults). A whole T is
 * accepted as it is (written out so that it holds for a T not yet known, e.g. ResponseOf<K>
 * inside a handler generic in its api key).
 */
export type Encodable<T> = T | EncodableFields<T>;

type EncodableFields<T> = T extends Buffer
  ? T
  : T extends bigint | number | string | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? ReadonlyArray<Encodable<U>>
      : { [K in keyof T]?: Encodable<T[K]> };
