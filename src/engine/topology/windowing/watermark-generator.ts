// WaterMarkEventGenerator (Storm's): tracks the latest event timestamp per input stream and,
// every watermark interval, adds a watermark = min over the streams (once each has seen a
// tuple) minus the lag to the window manager, if it advanced. A tuple whose timestamp is
// below the last watermark is late. Timer on the injected Clock; single-threaded.
import type { Clock } from '../../common/clock.js';

export class WaterMarkEventGenerator {
  readonly #streamToTs = new Map<string, number>();
  readonly #inputStreams: ReadonlySet<string>;
  #lastWaterMarkTs = 0;
  #timer: { cancel(): void } | undefined;
  #running = false;

  constructor(
    private readonly onWatermark: (ts: number) => void,
    private readonly intervalMs: number,
    private readonly lagMs: number,
    inputStreams: Iterable<string>,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.#inputStreams = new Set(inputStreams);
  }

  /** Record a tuple's timestamp; false when it is late (older than the last watermark). */
  track(stream: string, ts: number): boolean {
    const current = this.#streamToTs.get(stream);
    if (current === undefined || ts > current) this.#streamToTs.set(stream, ts);
    return ts >= this.#lastWaterMarkTs;
  }

  get lastWatermark(): number {
    return this.#lastWaterMarkTs;
  }

  /** One watermark round (the timer calls this every interval). */
  run(): void {
    const ts = this.#computeWaterMarkTs();
    if (ts > this.#lastWaterMarkTs) {
      this.#lastWaterMarkTs = ts;
      this.onWatermark(ts);
    }
  }

  #computeWaterMarkTs(): number {
    let ts = 0;
    if (this.#streamToTs.size >= this.#inputStreams.size) {
      ts = Number.MAX_SAFE_INTEGER;
      for (const v of this.#streamToTs.values()) ts = Math.min(ts, v);
    }
    return ts - this.lagMs;
  }

  start(): void {
    this.#running = true;
    const tick = () => {
      if (!this.#running) return;
      try {
        this.run();
      } catch (error) {
        this.onError(error);
      }
      if (this.#running) this.#timer = this.clock.setTimeout(tick, this.intervalMs);
    };
    this.#timer = this.clock.setTimeout(tick, this.intervalMs);
  }

  shutdown(): void {
    this.#running = false;
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
