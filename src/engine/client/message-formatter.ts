// Renders consumed records the way kafka-console-consumer's DefaultMessageFormatter does
// (print.timestamp/partition/offset/headers/key/value, key.separator, line.separator,
// headers.separator, null.literal). Pure. (JSON and CSV renderings: record-codec.)
import { booleanProperty, type Properties, unescapeSeparator } from './properties.js';

export type TimestampType = 'CreateTime' | 'LogAppendTime' | 'NO_TIMESTAMP';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
}

export interface MessageFormatterConfig {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  nullLiteral: Buffer;
}

export function messageFormatterConfig(props: Properties): MessageFormatterConfig {
  const sep = (key: string, fallback: string) => Buffer.from(unescapeSeparator(props[key] ?? fallback), 'utf8');
  return {
    printTimestamp: booleanProperty(props, 'print.timestamp', false),
    printPartition: booleanProperty(props, 'print.partition', false),
    printOffset: booleanProperty(props, 'print.offset', false),
    printHeaders: booleanProperty(props, 'print.headers', false),
    printKey: booleanProperty(props, 'print.key', false),
    printValue: booleanProperty(props, 'print.value', true),
    keySeparator: sep('key.separator', '\t'),
    lineSeparator: sep('line.separator', '\n'),
    headersSeparator: sep('headers.separator', ','),
    nullLiteral: sep('null.literal', 'null'),
  };
}

export class MessageFormatter {
  readonly #c: MessageFormatterConfig;

  constructor(config: MessageFormatterConfig) {
    this.#c = config;
  }

  static fromProperties(props: Properties): MessageFormatter {
    return new MessageFormatter(messageFormatterConfig(props));
  }

  /** The bytes kafka-console-consumer prints for one record, line separator included. */
  format(record: ConsumedRecord): Buffer {
    const c = this.#c;
    const parts: Buffer[] = [];
    const separator = (more: boolean) => {
      if (more) parts.push(c.keySeparator);
    };
    if (c.printTimestamp) {
      parts.push(Buffer.from(record.timestampType === 'NO_TIMESTAMP' ? 'NO_TIMESTAMP' : `${record.timestampType}:${record.timestamp}`));
      separator(c.printPartition || c.printOffset || c.printHeaders || c.printKey || c.printValue);
    }
    if (c.printPartition) {
      parts.push(Buffer.from(`Partition:${record.partition}`));
      separator(c.printOffset || c.printHeaders || c.printKey || c.printValue);
    }
    if (c.printOffset) {
      parts.push(Buffer.from(`Offset:${record.offset}`));
      separator(c.printHeaders || c.printKey || c.printValue);
    }
    if (c.printHeaders) {
      if (record.headers.length === 0) {
        parts.push(Buffer.from('NO_HEADERS'));
      } else {
        record.headers.forEach(([key, value], i) => {
          parts.push(Buffer.from(`${key}:`), value ?? c.nullLiteral);
          if (i < record.headers.length - 1) parts.push(c.headersSeparator);
        });
      }
      separator(c.printKey || c.printValue);
    }
    if (c.printKey) {
      parts.push(record.key ?? c.nullLiteral);
      separator(c.printValue);
    }
    // As Kafka's DefaultMessageFormatter: the line separator is written with the value only,
    // so print.value=false prints nothing at all after the other fields.
    if (c.printValue) parts.push(record.value ?? c.nullLiteral, c.lineSeparator);
    return Buffer.concat(parts);
  }
}
