// WindowedBoltExecutor (Storm's): the rich bolt the runtime runs for a windowed bolt. It
// builds the window manager and policies from the topology.bolts.* config, adds each input
// (with its event timestamp, or now), sends late tuples to the late-tuple stream, acks
// tuples when they expire from the window and anchors the bolt's emits to the whole window.
// Triggers and watermarks run on timers of the injected Clock; single-threaded.
import type { Clock } from '../../common/clock.js';
import { systemClock } from '../../common/clock.js';
import type { Anchors, OutputCollector, TupleValues } from '../collectors.js';
import type { Bolt } from '../bolt.js';
import type { OutputFieldsDeclarer } from '../output-fields-declarer.js';
import type { TopologyContext } from '../topology-context.js';
import type { Tuple } from '../tuple.js';
import { isWindowedBolt, type TimestampExtractor, type WindowedBolt } from './base-windowed-bolt.js';
import { TupleWindowImpl } from './tuple-window.js';
import { WindowConfig, windowSettingsOf, windowValidationError } from './window-config.js';
import { WindowManager } from './window-manager.js';
import {
  CountEvictionPolicy,
  CountTriggerPolicy,
  TimeEvictionPolicy,
  TimeTriggerPolicy,
  WatermarkCountEvictionPolicy,
  WatermarkCountTriggerPolicy,
  WatermarkTimeEvictionPolicy,
  WatermarkTimeTriggerPolicy,
  type EvictionPolicy,
  type TriggerPolicy,
} from './window-policies.js';
import { WaterMarkEventGenerator } from './watermark-generator.js';

export const LATE_TUPLE_FIELD = 'late_tuple';
export const CHECKPOINT_STREAM_ID = '$checkpoint';
const DEFAULT_WATERMARK_EVENT_INTERVAL_MS = 1000;

/** A late tuple as emitted on the late-tuple stream (Storm emits the tuple itself). */
export interface LateTuple {
  sourceComponent: string;
  sourceStreamId: string;
  sourceTask: number;
  fields: string[];
  values: unknown[];
}

type MaybePromise<T> = T | Promise<T>;

export class WindowedBoltExecutor implements Bolt {
  readonly isWindowedBoltExecutor = true as const;
  readonly bolt: WindowedBolt;
  #collector!: OutputCollector;
  #context!: TopologyContext;
  #manager!: WindowManager<Tuple>;
  #trigger!: TriggerPolicy<Tuple>;
  #watermarks: WaterMarkEventGenerator | undefined;
  #extractor: TimestampExtractor | undefined;
  #lateStream: string | undefined;
  #windowLengthMs: number | undefined;
  #current: Tuple[] = [];
  #clock: Clock = systemClock;

  constructor(bolt: WindowedBolt) {
    if (!isWindowedBolt(bolt)) throw new TypeError('WindowedBoltExecutor needs a windowed bolt (BaseWindowedBolt)');
    this.bolt = bolt;
  }

  async prepare(conf: Readonly<Record<string, unknown>>, context: TopologyContext, collector: OutputCollector): Promise<void> {
    this.#collector = collector;
    this.#context = context;
    this.#clock = typeof context.getClock === 'function' ? context.getClock() : systemClock;
    await this.bolt.prepare?.(conf, context, this.#windowedCollector());
    this.#manager = this.#initWindowManager(conf, context);
    this.#watermarks?.start();
    this.#trigger.start();
  }

  execute(input: Tuple): void {
    if (this.#extractor !== undefined) {
      const ts = this.#extractor(input);
      if (this.#watermarks!.track(`${input.getSourceComponent()}:${input.getSourceStreamId()}`, ts)) {
        this.#manager.add(input, ts);
      } else {
        if (this.#lateStream !== undefined) {
          const late: LateTuple = {
            sourceComponent: input.getSourceComponent(),
            sourceStreamId: input.getSourceStreamId(),
            sourceTask: input.getSourceTask(),
            fields: input.getFields().toList(),
            values: [...input.getValues()],
          };
          this.#collector.emit(this.#lateStream, [late], input);
        } else {
          this.#context.getLogger().info('Received a late tuple; it will not be processed', { tuple: String(input), ts });
        }
        this.#collector.ack(input);
      }
    } else {
      this.#manager.add(input, this.#clock.now());
    }
  }

  cleanup(): MaybePromise<void> {
    this.#watermarks?.shutdown();
    this.#manager?.shutdown();
    return this.bolt.cleanup?.();
  }

  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    const late = this.getComponentConfiguration()?.[WindowConfig.LATE_TUPLE_STREAM];
    if (typeof late === 'string') declarer.declareStream(late, [LATE_TUPLE_FIELD]);
    this.bolt.declareOutputFields(declarer);
  }

  getComponentConfiguration(): Record<string, unknown> | undefined {
    return this.bolt.getComponentConfiguration?.();
  }

  /** Tuples waiting in the window (not yet expired and acked). */
  get queuedTuples(): number {
    return this.#manager?.size ?? 0;
  }

  #initWindowManager(conf: Readonly<Record<string, unknown>>, context: TopologyContext): WindowManager<Tuple> {
    const s = windowSettingsOf(conf);
    if (s === null) throw new Error('Window length is not specified');
    const manager = new WindowManager<Tuple>({
      onExpiry: (tuples) => {
        for (const t of tuples) this.#collector.ack(t);
      },
      onActivation: (tuples, newTuples, expired, ts) => {
        this.#current = tuples;
        const start = ts !== undefined && s.lengthDurationMs !== undefined ? ts - s.lengthDurationMs : undefined;
        try {
          const r = this.bolt.execute(new TupleWindowImpl(tuples, newTuples, expired, start, ts));
          if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).catch((error: unknown) => this.#fatal(error));
        } catch (error) {
          this.#fatal(error);
        }
      },
    });
    const field = s.timestampField;
    const custom = this.bolt.getTimestampExtractor?.();
    if (field !== undefined) {
      this.#extractor = custom ?? ((t: Tuple) => timestampOf(t, field));
      this.#lateStream = s.lateTupleStream;
      if (this.#lateStream !== undefined && !context.getThisStreams().includes(this.#lateStream)) {
        throw new Error('Stream for late tuples must be defined with the builder method withLateTupleStream');
      }
      const streams: string[] = [];
      for (const [component, byStream] of Object.entries(context.getThisSources())) {
        for (const stream of Object.keys(byStream)) if (stream !== CHECKPOINT_STREAM_ID) streams.push(`${component}:${stream}`);
      }
      this.#watermarks = new WaterMarkEventGenerator(
        (ts) => manager.addWatermark(ts),
        s.watermarkIntervalMs ?? DEFAULT_WATERMARK_EVENT_INTERVAL_MS,
        s.lagMs ?? 0,
        streams,
        this.#clock,
        (error) => this.#fatal(error),
      );
    } else if (s.lateTupleStream !== undefined) {
      throw new Error('Late tuple stream can be defined only when specifying a timestamp field');
    }
    const invalid = windowValidationError(s, conf);
    if (invalid !== null) throw new Error(invalid);
    this.#windowLengthMs = s.lengthDurationMs;
    const eventTime = this.#extractor !== undefined;
    let eviction: EvictionPolicy<Tuple>;
    if (s.lengthCount !== undefined) eviction = eventTime ? new WatermarkCountEvictionPolicy(s.lengthCount) : new CountEvictionPolicy(s.lengthCount);
    else eviction = eventTime ? new WatermarkTimeEvictionPolicy(this.#windowLengthMs!, s.lagMs ?? 0, this.#clock) : new TimeEvictionPolicy(this.#windowLengthMs!, this.#clock);
    const slidingCount = s.slidingCount ?? (s.slidingDurationMs === undefined ? 1 : undefined);
    if (slidingCount !== undefined) {
      this.#trigger = eventTime ? new WatermarkCountTriggerPolicy(slidingCount, manager, eviction, manager) : new CountTriggerPolicy(slidingCount, manager, eviction, this.#clock);
    } else {
      this.#trigger = eventTime
        ? new WatermarkTimeTriggerPolicy(s.slidingDurationMs!, manager, eviction, manager)
        : new TimeTriggerPolicy(s.slidingDurationMs!, manager, eviction, this.#clock, (error) => this.#fatal(error));
    }
    manager.evictionPolicy = eviction;
    manager.triggerPolicy = this.#trigger;
    return manager;
  }

  #fatal(error: unknown): void {
    this.#context.reportFatalError(error);
  }

  /** Emits default to being anchored to every tuple of the current window. */
  #windowedCollector(): OutputCollector {
    const c = () => this.#collector;
    const anchorsOr = (a: Anchors | undefined): Anchors => a ?? this.#current;
    return {
      emit: (a: string | TupleValues, b?: unknown, d?: unknown): readonly number[] =>
        typeof a === 'string' ? c().emit(a, b as TupleValues, anchorsOr(d as Anchors | undefined)) : c().emit(a, anchorsOr(b as Anchors | undefined)),
      emitDirect: (task: number, a: string | TupleValues, b?: unknown, d?: unknown): void =>
        typeof a === 'string' ? c().emitDirect(task, a, b as TupleValues, anchorsOr(d as Anchors | undefined)) : c().emitDirect(task, a, anchorsOr(b as Anchors | undefined)),
      ack: (t: Tuple) => c().ack(t),
      fail: (t: Tuple) => c().fail(t),
      resetTimeout: (t: Tuple) => c().resetTimeout(t),
      reportError: (e: unknown) => c().reportError(e),
    } as OutputCollector;
  }
}

/** Storm's TupleFieldTimestampExtractor: the field as a long (number, bigint or numeric string). */
export function timestampOf(t: Tuple, field: string): number {
  const v = t.getValueByField(field);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw new TypeError(`Tuple field '${field}' is ${v === null ? 'null' : typeof v}, not a timestamp in ms`);
}
