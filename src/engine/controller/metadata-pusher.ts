// Pushes metadata changes from the controller to the live brokers, as Kafka's controller
// sends UpdateMetadata: each live broker is told to refresh (an UpdateMetadata request, which
// a broker answers only after it has polled and applied the controller's current metadata),
// so a topic is usable on every broker the moment an admin request that made it is answered.
// push() retries a broker that does not answer until its deadline, and stops waiting for one
// that is fenced meanwhile (the liveness it is given is re-read every round).
// Concurrency: one event loop; pushes may overlap (each is one request per broker, pipelined
// on a kept connection; a broker coalesces the refreshes they cause).
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';

export interface PushTarget {
  brokerId: number;
  host: string;
  port: number;
  brokerEpoch: bigint;
}

export interface MetadataPusherOptions {
  /** The registered, unfenced brokers now. */
  targets(): PushTarget[];
  logger: Logger;
  clock: Clock;
  /** Pause between rounds for brokers that did not answer. */
  retryMs?: number;
}

const UPDATE_METADATA_VERSION = 8;

export class MetadataPusher {
  readonly #o: MetadataPusherOptions;
  readonly #connections = new Map<number, { address: string; conn: Promise<KafkaConnection> }>();
  #closed = false;

  constructor(options: MetadataPusherOptions) {
    this.#o = options;
  }

  /**
   * Tells every live broker to apply the current metadata. Resolves with the ids of the
   * live brokers that had not confirmed by `timeoutMs` (empty: all applied).
   */
  async push(timeoutMs: number): Promise<number[]> {
    const deadline = this.#o.clock.monotonic() + timeoutMs;
    const done = new Set<number>();
    for (;;) {
      const pending = this.#o.targets().filter((t) => !done.has(t.brokerId));
      if (pending.length === 0 || this.#closed) return [];
      const left = deadline - this.#o.clock.monotonic();
      if (left <= 0) return pending.map((t) => t.brokerId);
      const results = await Promise.all(pending.map((t) => this.#pushOne(t, left)));
      pending.forEach((t, i) => results[i] && done.add(t.brokerId));
      if (results.every(Boolean)) continue; // re-read liveness once more, then return
      await new Promise<void>((resolve) => this.#o.clock.setTimeout(resolve, Math.min(this.#o.retryMs ?? 100, Math.max(0, deadline - this.#o.clock.monotonic()))));
    }
  }

  close(): void {
    this.#closed = true;
    for (const { conn } of this.#connections.values()) void conn.then((c) => c.close(), () => undefined);
    this.#connections.clear();
  }

  async #pushOne(t: PushTarget, timeoutMs: number): Promise<boolean> {
    try {
      const conn = await this.#connection(t);
      const res = await conn.send(
        ApiKey.UpdateMetadata,
        UPDATE_METADATA_VERSION,
        { controllerId: -1, isKRaftController: true, controllerEpoch: 0, brokerEpoch: t.brokerEpoch, topicStates: [], liveBrokers: [] },
        { timeoutMs },
      );
      return res.errorCode === ErrorCode.NONE;
    } catch (error) {
      this.#o.logger.debug('metadata push failed', { brokerId: t.brokerId, error: (error as Error).message });
      this.#drop(t.brokerId);
      return false;
    }
  }

  #connection(t: PushTarget): Promise<KafkaConnection> {
    const address = `${t.host}:${t.port}`;
    const kept = this.#connections.get(t.brokerId);
    if (kept && kept.address === address) {
      return kept.conn.then((c) => {
        if (!c.closed) return c;
        this.#drop(t.brokerId);
        return this.#connection(t);
      });
    }
    if (kept) this.#drop(t.brokerId);
    const conn = KafkaConnection.connect({ host: t.host, port: t.port, clientId: 'controller', logger: this.#o.logger, connectTimeoutMs: 2000, requestTimeoutMs: 10_000 });
    this.#connections.set(t.brokerId, { address, conn });
    return conn;
  }

  #drop(brokerId: number): void {
    const kept = this.#connections.get(brokerId);
    this.#connections.delete(brokerId);
    void kept?.conn.then((c) => c.close(), () => undefined);
  }
}
