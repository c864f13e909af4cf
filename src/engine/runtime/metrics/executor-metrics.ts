// Per-executor counters and latency histograms with Storm's meanings (emitted,
// transferred, acked, failed, executed, complete/execute/process latency, capacity over the
// last 10 s). Counts are exact; latencies are sampled (topology.stats.sample.rate). Updated
// only from the executor's own callbacks (single-threaded worker).
import type { ExecutorStats } from '../contracts.js';
import { LatencyHistogram } from './latency-histogram.js';

/** Per-stream counters, held by the emit path so it never looks a stream up by name. */
export interface StreamCounters {
  emitted: number;
  transferred: number;
}

const SLOT_MS = 1000;
const SLOTS = 10;

export class ExecutorMetrics {
  readonly component: string;
  readonly kind: ExecutorStats['kind'];
  readonly startTask: number;
  readonly endTask: number;
  readonly streams = new Map<string, StreamCounters>();
  acked = 0;
  failed = 0;
  executed = 0;
  readonly completeLatency = new LatencyHistogram();
  readonly executeLatency = new LatencyHistogram();
  readonly processLatency = new LatencyHistogram();
  /** Sampling: measure one call in `sampleEvery`. */
  readonly sampleEvery: number;
  #sampleCounter = 0;
  // Capacity window: per-second slots of executed count and sampled execute time.
  readonly #slotExecuted = new Float64Array(SLOTS);
  readonly #slotSampledMs = new Float64Array(SLOTS);
  readonly #slotSampled = new Float64Array(SLOTS);
  #slotIndex = 0;
  #slotStartMs: number;
  readonly #createdMs: number;
  readonly #now: () => number;

  constructor(options: { component: string; kind: ExecutorStats['kind']; startTask: number; endTask: number; sampleRate?: number; now?: () => number }) {
    this.component = options.component;
    this.kind = options.kind;
    this.startTask = options.startTask;
    this.endTask = options.endTask;
    const rate = options.sampleRate ?? 0.05;
    this.sampleEvery = rate >= 1 ? 1 : rate <= 0 ? 1_000_000 : Math.max(1, Math.round(1 / rate));
    this.#now = options.now ?? (() => performance.now());
    this.#createdMs = this.#now();
    this.#slotStartMs = this.#createdMs;
  }

  stream(streamId: string): StreamCounters {
    let c = this.streams.get(streamId);
    if (!c) this.streams.set(streamId, (c = { emitted: 0, transferred: 0 }));
    return c;
  }

  /** True when this call should be timed (1 in sampleEvery). */
  sample(): boolean {
    if (++this.#sampleCounter >= this.sampleEvery) {
      this.#sampleCounter = 0;
      return true;
    }
    return false;
  }

  /** Count one executed tuple; `executeMs` when it was sampled. */
  recordExecuted(executeMs?: number): void {
    this.executed++;
    this.#slotExecuted[this.#slotIndex]! += 1;
    if (executeMs !== undefined) {
      this.executeLatency.record(executeMs);
      this.#slotSampledMs[this.#slotIndex]! += executeMs;
      this.#slotSampled[this.#slotIndex]! += 1;
    }
  }

  /** Advance the capacity window; call now and then (the worker does, every 100 ms). */
  tick(now = this.#now()): void {
    while (now - this.#slotStartMs >= SLOT_MS) {
      this.#slotStartMs += SLOT_MS;
      this.#slotIndex = (this.#slotIndex + 1) % SLOTS;
      this.#slotExecuted[this.#slotIndex] = 0;
      this.#slotSampledMs[this.#slotIndex] = 0;
      this.#slotSampled[this.#slotIndex] = 0;
      if (now - this.#slotStartMs > SLOT_MS * SLOTS) this.#slotStartMs = now - (now % SLOT_MS);
    }
  }

  /** Storm's capacity: executed × mean execute latency / window, over the last 10 s. */
  capacity(now = this.#now()): number {
    this.tick(now);
    let executed = 0;
    let sampledMs = 0;
    let sampled = 0;
    for (let i = 0; i < SLOTS; i++) {
      executed += this.#slotExecuted[i]!;
      sampledMs += this.#slotSampledMs[i]!;
      sampled += this.#slotSampled[i]!;
    }
    const windowMs = Math.max(1, Math.min(SLOT_MS * SLOTS, now - this.#createdMs));
    if (sampled === 0) return 0;
    return Math.round(((executed * (sampledMs / sampled)) / windowMs) * 1000) / 1000;
  }

  snapshot(): ExecutorStats {
    const emitted: Record<string, number> = {};
    const transferred: Record<string, number> = {};
    for (const [s, c] of this.streams) {
      emitted[s] = c.emitted;
      transferred[s] = c.transferred;
    }
    const stats: ExecutorStats = {
      component: this.component,
      kind: this.kind,
      startTask: this.startTask,
      endTask: this.endTask,
      emitted,
      transferred,
      acked: this.acked,
      failed: this.failed,
      executed: this.executed,
    };
    if (this.kind === 'spout') stats.completeLatency = this.completeLatency.stats();
    if (this.kind === 'bolt') {
      stats.executeLatency = this.executeLatency.stats();
      stats.processLatency = this.processLatency.stats();
      stats.capacity = this.capacity();
    }
    return stats;
  }
}
