// A broker's raw metric counters, kept as plain numbers on the request paths (a property
// increment, no label lookup, no allocation per request) and read by broker-metrics.ts when
// Prometheus scrapes: Kafka's BrokerTopicMetrics per topic (messages in, bytes in, bytes out
// to consumers), RequestMetrics per API (requests by version, total time in a sliding
// window), ReplicaManager's ISR shrinks and expands, and KIP-714 client telemetry pushes.
// Single-threaded: updated and read on the broker's event loop.
import { WindowedHistogram } from '../common/windowed-histogram.js';

export interface TopicCounters {
  messagesIn: number;
  bytesIn: number;
  bytesOut: number;
}

export interface RequestCounters {
  /** Requests by api version. */
  byVersion: number[];
  totalTimeMs: WindowedHistogram;
}

/** One client instance that pushed telemetry (KIP-714). */
export interface TelemetryClient {
  clientInstanceId: string;
  clientId: string;
  pushes: number;
  bytes: number;
  lastPushMs: number;
  compressionType: number;
  terminating: boolean;
}

const MAX_TELEMETRY_CLIENTS = 1000;

export class BrokerStats {
  readonly topics = new Map<string, TopicCounters>();
  /** Indexed by api key. */
  readonly requests: Array<RequestCounters | undefined> = [];
  isrShrinks = 0;
  isrExpands = 0;
  readonly telemetryClients = new Map<string, TelemetryClient>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Monotonic ms (request timing). */
  now(): number {
    return this.#now();
  }

  topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (!t) this.topics.set(name, (t = { messagesIn: 0, bytesIn: 0, bytesOut: 0 }));
    return t;
  }

  /** Forgets a deleted topic's counters (Kafka removes its BrokerTopicMetrics too). */
  removeTopic(name: string): void {
    this.topics.delete(name);
  }

  /** One request of `apiKey` answered after `startMs` (from now()). */
  requestDone(apiKey: number, apiVersion: number, startMs: number): void {
    let r = this.requests[apiKey];
    if (!r) this.requests[apiKey] = r = { byVersion: [], totalTimeMs: new WindowedHistogram() };
    r.byVersion[apiVersion] = (r.byVersion[apiVersion] ?? 0) + 1;
    const now = this.#now();
    r.totalTimeMs.record(now - startMs, now);
  }

  telemetryPush(c: { clientInstanceId: string; clientId: string; bytes: number; compressionType: number; terminating: boolean; nowMs: number }): void {
    let t = this.telemetryClients.get(c.clientInstanceId);
    if (!t) {
      if (this.telemetryClients.size >= MAX_TELEMETRY_CLIENTS) {
        const oldest = [...this.telemetryClients.values()].reduce((a, b) => (a.lastPushMs <= b.lastPushMs ? a : b));
        this.telemetryClients.delete(oldest.clientInstanceId);
      }
      t = { clientInstanceId: c.clientInstanceId, clientId: c.clientId, pushes: 0, bytes: 0, lastPushMs: 0, compressionType: 0, terminating: false };
      this.telemetryClients.set(c.clientInstanceId, t);
    }
    t.clientId = c.clientId;
    t.pushes++;
    t.bytes += c.bytes;
    t.lastPushMs = c.nowMs;
    t.compressionType = c.compressionType;
    t.terminating = c.terminating;
  }
}
