// Window sizes (Storm's BaseWindowedBolt.Count and .Duration) and the component config keys a
// windowed bolt stores its settings under (Storm's Config.TOPOLOGY_BOLTS_* names), which the
// executor wrapper, submit-time validation and `topology describe` read. Pure values.

/** A window length or sliding interval in tuples. */
export class Count {
  readonly unit = 'tuples' as const;
  readonly value: number;
  constructor(value: number) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`Window count must be an integer > 0, got ${String(value)}`);
    this.value = value;
  }
  static of(value: number): Count {
    return new Count(value);
  }
  toString(): string {
    return `Count{value=${this.value}}`;
  }
}

/** A window length, sliding interval or lag in milliseconds. */
export class Duration {
  readonly unit = 'ms' as const;
  readonly value: number;
  constructor(valueMs: number) {
    if (!Number.isInteger(valueMs) || valueMs < 0) throw new RangeError(`Window duration must be a whole number of milliseconds >= 0, got ${String(valueMs)}`);
    this.value = valueMs;
  }
  static of(ms: number): Duration {
    return new Duration(ms);
  }
  static ofMillis(ms: number): Duration {
    return new Duration(ms);
  }
  static seconds(n: number): Duration {
    return new Duration(n * 1000);
  }
  static minutes(n: number): Duration {
    return new Duration(n * 60_000);
  }
  static hours(n: number): Duration {
    return new Duration(n * 3_600_000);
  }
  static days(n: number): Duration {
    return new Duration(n * 86_400_000);
  }
  toString(): string {
    return `Duration{value=${this.value}}`;
  }
}

/** Storm's windowing config keys (component-level). */
export const WindowConfig = {
  WINDOW_LENGTH_COUNT: 'topology.bolts.window.length.count',
  WINDOW_LENGTH_DURATION_MS: 'topology.bolts.window.length.duration.ms',
  SLIDING_INTERVAL_COUNT: 'topology.bolts.sliding.interval.count',
  SLIDING_INTERVAL_DURATION_MS: 'topology.bolts.sliding.interval.duration.ms',
  LATE_TUPLE_STREAM: 'topology.bolts.late.tuple.stream',
  TUPLE_TIMESTAMP_FIELD_NAME: 'topology.bolts.tuple.timestamp.field.name',
  TUPLE_TIMESTAMP_MAX_LAG_MS: 'topology.bolts.tuple.timestamp.max.lag.ms',
  WATERMARK_EVENT_INTERVAL_MS: 'topology.bolts.watermark.event.interval.ms',
  MESSAGE_ID_FIELD_NAME: 'topology.bolts.message.id.field.name',
} as const;

/** The window settings read back from a component config. */
export interface WindowSettings {
  lengthCount?: number;
  lengthDurationMs?: number;
  slidingCount?: number;
  slidingDurationMs?: number;
  timestampField?: string;
  lagMs?: number;
  watermarkIntervalMs?: number;
  lateTupleStream?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** The window settings of a component config, or null when it is not a windowed bolt. */
export function windowSettingsOf(conf: Readonly<Record<string, unknown>>): WindowSettings | null {
  const s: WindowSettings = {
    lengthCount: num(conf[WindowConfig.WINDOW_LENGTH_COUNT]),
    lengthDurationMs: num(conf[WindowConfig.WINDOW_LENGTH_DURATION_MS]),
    slidingCount: num(conf[WindowConfig.SLIDING_INTERVAL_COUNT]),
    slidingDurationMs: num(conf[WindowConfig.SLIDING_INTERVAL_DURATION_MS]),
    timestampField: typeof conf[WindowConfig.TUPLE_TIMESTAMP_FIELD_NAME] === 'string' ? (conf[WindowConfig.TUPLE_TIMESTAMP_FIELD_NAME] as string) : undefined,
    lagMs: num(conf[WindowConfig.TUPLE_TIMESTAMP_MAX_LAG_MS]),
    watermarkIntervalMs: num(conf[WindowConfig.WATERMARK_EVENT_INTERVAL_MS]),
    lateTupleStream: typeof conf[WindowConfig.LATE_TUPLE_STREAM] === 'string' ? (conf[WindowConfig.LATE_TUPLE_STREAM] as string) : undefined,
  };
  if (s.lengthCount === undefined && s.lengthDurationMs === undefined) return null;
  return s;
}

/** "sliding 10 s every 5 s" / "tumbling 100 tuples" and event-time details, for describe. */
export function describeWindow(s: WindowSettings): string {
  const size = (count: number | undefined, ms: number | undefined) => (count !== undefined ? `${count} tuples` : `${formatMs(ms ?? 0)}`);
  const length = size(s.lengthCount, s.lengthDurationMs);
  const slidingCount = s.slidingCount ?? (s.slidingDurationMs === undefined ? 1 : undefined);
  const tumbling = (s.lengthCount !== undefined && s.lengthCount === slidingCount) || (s.lengthDurationMs !== undefined && s.lengthDurationMs === s.slidingDurationMs);
  let text = tumbling ? `tumbling ${length}` : `sliding ${length} every ${size(slidingCount, s.slidingDurationMs)}`;
  if (s.timestampField !== undefined) {
    text += `, event time '${s.timestampField}', lag ${formatMs(s.lagMs ?? 0)}, watermark every ${formatMs(s.watermarkIntervalMs ?? 1000)}`;
    if (s.lateTupleStream !== undefined) text += `, late tuples to '${s.lateTupleStream}'`;
  }
  return text;
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Storm's WindowedBoltExecutor.validate: the window (length + sliding interval) must fit in
 * the message timeout (tuples are acked only when they leave the window) and, for count
 * windows, in topology.max.spout.pending. Returns Storm's message, or null when valid.
 */
export function windowValidationError(s: WindowSettings, conf: Readonly<Record<string, unknown>>): string | null {
  const timeoutsOff = conf['topology.enable.message.timeouts'] === false || conf['topology.enable.message.timeouts'] === 'false';
  const timeoutMs = timeoutsOff ? Number.MAX_SAFE_INTEGER : Math.trunc(num(conf['topology.message.timeout.secs']) ?? 0) * 1000;
  const maxPending = num(conf['topology.max.spout.pending']) ?? Number.MAX_SAFE_INTEGER;
  let slidingCount = s.slidingCount;
  if (slidingCount === undefined && s.slidingDurationMs === undefined) slidingCount = 1;
  const duration =
    s.lengthDurationMs !== undefined && s.slidingDurationMs !== undefined ? s.lengthDurationMs + s.slidingDurationMs : (s.lengthDurationMs ?? s.slidingDurationMs);
  if (duration !== undefined && duration > timeoutMs) {
    return `Window duration (length + sliding interval) value ${duration} is more than topology.message.timeout.secs value ${timeoutMs}`;
  }
  const count = s.lengthCount !== undefined && slidingCount !== undefined ? s.lengthCount + slidingCount : (s.lengthCount ?? slidingCount);
  if (count !== undefined && maxPending > 0 && count > maxPending) {
    return `Window count (length + sliding interval) value ${count} is more than topology.max.spout.pending value ${maxPending}`;
  }
  return null;
}

/**
 * Submit-time check of every windowed bolt of a spec against the effective topology config
 * (topology conf < component conf). Returns the first problem, naming the component, or null.
 */
export function topologyWindowError(
  components: ReadonlyArray<{ id: string; config: Readonly<Record<string, unknown>> }>,
  conf: Readonly<Record<string, unknown>>,
): string | null {
  for (const c of components) {
    const effective = { ...conf, ...c.config };
    const s = windowSettingsOf(effective);
    if (s === null) continue;
    const error = windowValidationError(s, effective);
    if (error !== null) return `Windowed bolt '${c.id}': ${error}`;
  }
  return null;
}
