// Windowed bolts (Storm's IWindowedBolt and BaseWindowedBolt): execute gets a TupleWindow
// instead of single tuples. The builder methods store Storm's topology.bolts.* keys in the
// component config, so the settings travel with the spec (validated at submit, shown by
// `topology describe`). TopologyBuilder wraps such a bolt in a WindowedBoltExecutor.
import type { OutputCollector } from '../collectors.js';
import type { OutputFieldsDeclarer } from '../output-fields-declarer.js';
import type { TopologyContext } from '../topology-context.js';
import type { Tuple } from '../tuple.js';
import type { TupleWindow } from './tuple-window.js';
import { Count, type Duration, WindowConfig } from './window-config.js';

type MaybePromise<T> = T | Promise<T>;

/** Reads an event timestamp (ms) from a tuple (Storm's TimestampExtractor). */
export type TimestampExtractor = (tuple: Tuple) => number;

export interface WindowedBolt {
  readonly isWindowedBolt: true;
  prepare?(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): MaybePromise<void>;
  /** Process a window. Emits are anchored to every tuple of the window unless anchors are given. */
  execute(inputWindow: TupleWindow): MaybePromise<void>;
  cleanup?(): MaybePromise<void>;
  declareOutputFields(declarer: OutputFieldsDeclarer): void;
  getComponentConfiguration?(): Record<string, unknown> | undefined;
  /** Custom event-time extraction (else the withTimestampField field is read). */
  getTimestampExtractor?(): TimestampExtractor | undefined;
}

export function isWindowedBolt(b: unknown): b is WindowedBolt {
  return typeof b === 'object' && b !== null && (b as { isWindowedBolt?: unknown }).isWindowedBolt === true;
}

const isCount = (v: Count | Duration): v is Count => {
  if (v === null || typeof v !== 'object' || !Number.isFinite(v.value)) throw new TypeError('Window sizes must be Count or Duration values (Count.of(10), Duration.seconds(5))');
  return v.unit === 'tuples';
};

export abstract class BaseWindowedBolt implements WindowedBolt {
  readonly isWindowedBolt = true as const;
  protected windowConfiguration: Record<string, unknown> = {};
  protected timestampExtractor: TimestampExtractor | undefined;

  prepare(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, _collector: OutputCollector): MaybePromise<void> {}
  abstract execute(inputWindow: TupleWindow): MaybePromise<void>;
  cleanup(): MaybePromise<void> {}
  declareOutputFields(_declarer: OutputFieldsDeclarer): void {}

  /**
   * A sliding window of `windowLength` that slides every `slidingInterval` (each a Count of
   * tuples or a Duration); without a sliding interval the window slides with every tuple.
   */
  withWindow(windowLength: Count | Duration, slidingInterval?: Count | Duration): this {
    this.#setLength(windowLength);
    this.#setSliding(slidingInterval ?? new Count(1));
    return this;
  }

  /** A tumbling window: every tuple is in exactly one window. */
  withTumblingWindow(length: Count | Duration): this {
    return this.withWindow(length, length);
  }

  /** Event time: read the timestamp (ms) from this field (Storm's TupleFieldTimestampExtractor). */
  withTimestampField(fieldName: string): this {
    if (typeof fieldName !== 'string' || fieldName.length === 0) throw new RangeError('withTimestampField needs a field name');
    this.windowConfiguration[WindowConfig.TUPLE_TIMESTAMP_FIELD_NAME] = fieldName;
    return this;
  }

  /** Event time with a custom extractor (pass the bolt as a factory so the function is kept). */
  withTimestampExtractor(extractor: TimestampExtractor): this {
    this.timestampExtractor = extractor;
    this.windowConfiguration[WindowConfig.TUPLE_TIMESTAMP_FIELD_NAME] ??= '<extractor>';
    return this;
  }

  /** How far behind the latest event time a tuple may arrive and still be in its window. */
  withLag(duration: Duration): this {
    this.windowConfiguration[WindowConfig.TUPLE_TIMESTAMP_MAX_LAG_MS] = duration.value;
    return this;
  }

  /** How often watermarks are computed (default 1 s). */
  withWatermarkInterval(interval: Duration): this {
    this.windowConfiguration[WindowConfig.WATERMARK_EVENT_INTERVAL_MS] = interval.value;
    return this;
  }

  /** Emit late tuples (older than the last watermark) on this stream, field `late_tuple`. */
  withLateTupleStream(streamId: string): this {
    if (typeof streamId !== 'string' || streamId.length === 0) throw new RangeError('withLateTupleStream needs a stream id');
    this.windowConfiguration[WindowConfig.LATE_TUPLE_STREAM] = streamId;
    return this;
  }

  getTimestampExtractor(): TimestampExtractor | undefined {
    return this.timestampExtractor;
  }

  getComponentConfiguration(): Record<string, unknown> | undefined {
    return { ...this.windowConfiguration };
  }

  #setLength(v: Count | Duration): void {
    delete this.windowConfiguration[WindowConfig.WINDOW_LENGTH_COUNT];
    delete this.windowConfiguration[WindowConfig.WINDOW_LENGTH_DURATION_MS];
    if (isCount(v)) this.windowConfiguration[WindowConfig.WINDOW_LENGTH_COUNT] = v.value;
    else {
      if (v.value <= 0) throw new RangeError(`Window length must be > 0 ms, got ${v.value}`);
      this.windowConfiguration[WindowConfig.WINDOW_LENGTH_DURATION_MS] = v.value;
    }
  }

  #setSliding(v: Count | Duration): void {
    delete this.windowConfiguration[WindowConfig.SLIDING_INTERVAL_COUNT];
    delete this.windowConfiguration[WindowConfig.SLIDING_INTERVAL_DURATION_MS];
    if (isCount(v)) this.windowConfiguration[WindowConfig.SLIDING_INTERVAL_COUNT] = v.value;
    else {
      if (v.value <= 0) throw new RangeError(`Sliding interval must be > 0 ms, got ${v.value}`);
      this.windowConfiguration[WindowConfig.SLIDING_INTERVAL_DURATION_MS] = v.value;
    }
  }
}
