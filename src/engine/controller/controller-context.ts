// What every controller request handler gets: the metadata store, settings, time, a logger
// and the broker-liveness/election operations of the Controller. Declared here (below the
// handlers) so handlers do not import the Controller class. Single-threaded: handlers run
// one at a time on the controller's event loop and finish synchronously.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { MetadataStore } from './metadata-store.js';

export type Settings = Record<string, string>;

export interface ControllerContext {
  readonly store: MetadataStore;
  readonly clusterId: string;
  readonly settings: Settings;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Registered, unfenced broker ids. */
  liveBrokerIds(): Set<number>;
  /** The node id clients are told is the controller: the lowest live broker id, or -1. */
  controllerNodeId(): number;
  /** Records a heartbeat from a broker now. */
  touchBroker(brokerId: number): void;
  /** Fences or unfences a broker and re-runs leader election for every partition. */
  setBrokerFenced(brokerId: number, fenced: boolean, reason: string): void;
  /** Re-runs election for every partition (after any liveness or ISR change). */
  electLeaders(reason: string): void;
  newTopicId(): string;
}

/** Kafka's internal topics (reported with isInternal = true). */
export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);
