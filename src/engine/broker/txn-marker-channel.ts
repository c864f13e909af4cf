// How this broker's transaction coordinator delivers WriteTxnMarkers to partition leaders
// (Kafka's TransactionMarkerChannelManager network side): markers for partitions led here
// are appended directly; others go over one cached connection per leader broker (v1). A
// failed connection is dropped and the coordinator's sender retries. Single event loop.
import type { Logger } from '../common/logger.js';
import type { TopicPartitionRef, TxnMarker } from '../coordinator/transaction-markers.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { BrokerNode } from './broker-services.js';

type Results = Array<TopicPartitionRef & { errorCode: number }>;

export class TxnMarkerChannel {
  readonly #brokerId: number;
  readonly #logger: Logger;
  readonly #brokerNode: (id: number) => BrokerNode | undefined;
  readonly #writeLocally: (marker: TxnMarker, partitions: TopicPartitionRef[]) => Promise<Results>;
  readonly #connections = new Map<number, Promise<KafkaConnection>>();
  #closed = false;

  constructor(options: { brokerId: number; logger: Logger; brokerNode: (id: number) => BrokerNode | undefined; writeLocally: (marker: TxnMarker, partitions: TopicPartitionRef[]) => Promise<Results> }) {
    this.#brokerId = options.brokerId;
    this.#logger = options.logger;
    this.#brokerNode = options.brokerNode;
    this.#writeLocally = options.writeLocally;
  }

  readonly write = async (leaderId: number, marker: TxnMarker, partitions: TopicPartitionRef[]): Promise<Results> => {
    if (leaderId === this.#brokerId) return this.#writeLocally(marker, partitions);
    const node = this.#brokerNode(leaderId);
    if (!node || this.#closed) return partitions.map((tp) => ({ ...tp, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }));
    let conn = this.#connections.get(leaderId);
    if (!conn) {
      conn = KafkaConnection.connect({ host: node.host, port: node.port, clientId: `txn-marker-sender-${this.#brokerId}`, logger: this.#logger, connectTimeoutMs: 3000, requestTimeoutMs: 30_000 });
      this.#connections.set(leaderId, conn);
      conn.catch(() => this.#connections.delete(leaderId));
    }
    try {
      const c = await conn;
      if (c.closed) throw new Error('connection closed');
      const topics = new Map<string, number[]>();
      for (const tp of partitions) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
      const res = await c.send(ApiKey.WriteTxnMarkers, 1, {
        markers: [{ producerId: marker.producerId, producerEpoch: marker.producerEpoch, transactionResult: marker.commit, coordinatorEpoch: marker.coordinatorEpoch, topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }],
      });
      return (res.markers[0]?.topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode })));
    } catch (error) {
      this.#connections.delete(leaderId);
      void conn.then((c) => c.close(), () => undefined);
      throw error;
    }
  };

  close(): void {
    this.#closed = true;
    for (const c of this.#connections.values()) void c.then((x) => x.close(), () => undefined);
    this.#connections.clear();
  }
}
