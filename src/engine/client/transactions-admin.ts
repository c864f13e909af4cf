// Engine facade for `streamctl transactions` (kafka-transactions.sh): list transactions on
// every broker, describe a transactional id at its coordinator, describe the producers of a
// partition at its leader (or a given replica), find hanging transactions and abort one.
// Uses @platformatic/kafka's connections and its ListTransactions, DescribeTransactions,
// DescribeProducers and FindCoordinator APIs; the abort is a WriteTxnMarkers to the
// partition leader, which that library does not offer, so it goes over the engine's own
// connection (the same request Kafka's Admin.abortTransaction sends).
// Concurrency: one instance per command run; close() once at the end.
import {
  Admin,
  describeProducersV0,
  describeTransactionsV0,
  findCoordinatorV6,
  kGetConnection,
  listTransactionsV1,
} from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { errorName } from '../protocol/error-codes.js';
import { baseClientOptions, toStreamctlError, type KafkaConnectOptions } from './client-options.js';
import type { HangingTransaction, ProducerStateView, TransactionDescriptionView, TransactionListingView } from './transactions-format.js';

type Connection = Parameters<typeof describeProducersV0.api.async>[0];
interface Node {
  host: string;
  port: number;
}

export class TransactionsAdmin {
  readonly #admin: Admin;

  private constructor(admin: Admin) {
    this.#admin = admin;
  }

  static open(options: KafkaConnectOptions): TransactionsAdmin {
    return new TransactionsAdmin(new Admin(baseClientOptions(options, 'streamctl-transactions')));
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }

  async #metadata(topics: string[]) {
    try {
      return await this.#admin.metadata({ topics, forceUpdate: true });
    } catch (error) {
      throw toStreamctlError(error, 'reading metadata');
    }
  }

  async #connection(node: Node): Promise<Connection> {
    const get = (this.#admin as unknown as Record<symbol, (b: Node, cb: (e: Error | null, c?: Connection) => void) => void>)[kGetConnection]!;
    return new Promise<Connection>((resolve, reject) => get.call(this.#admin, node, (e, c) => (e || !c ? reject(e ?? new Error('no connection')) : resolve(c))));
  }

  /** Every transaction of every broker's coordinator (ListTransactions to each broker). */
  async list(): Promise<TransactionListingView[]> {
    const meta = await this.#metadata([]);
    const out: TransactionListingView[] = [];
    for (const [brokerId, node] of [...meta.brokers].sort((a, b) => a[0] - b[0])) {
      const res = await listTransactionsV1.api.async(await this.#connection(node), [], [], -1n, null).catch((e: unknown) => {
        throw toStreamctlError(e, 'Failed to list transactions');
      });
      for (const t of res.transactionStates) out.push({ transactionalId: t.transactionalId, coordinator: brokerId, producerId: t.producerId.toString(), transactionState: t.transactionState });
    }
    return out;
  }

  /** DescribeTransactions at the id's coordinator; null when the id is unknown. */
  async describe(transactionalId: string, nowMs: number): Promise<TransactionDescriptionView | null> {
    const meta = await this.#metadata([]);
    const anyBroker = [...meta.brokers.values()][0];
    if (!anyBroker) throw new StreamctlError('KAFKA', 'no broker is available');
    const found = await findCoordinatorV6.api.async(await this.#connection(anyBroker), 1, [transactionalId]);
    const c = found.coordinators[0];
    if (!c || c.errorCode !== 0) throw new StreamctlError('KAFKA', `Failed to describe transaction state of transactional-id \`${transactionalId}\`: ${errorName(c?.errorCode ?? -1)}`);
    const res = await describeTransactionsV0.api.async(await this.#connection({ host: c.host, port: c.port }), [transactionalId]).catch((e: unknown) => e);
    const d = res instanceof Error ? undefined : (res as Awaited<ReturnType<typeof describeTransactionsV0.api.async>>).transactionStates[0];
    if (!d || d.errorCode === 105) return null;
    if (d.errorCode !== 0) throw new StreamctlError('KAFKA', `Failed to describe transaction state of transactional-id \`${transactionalId}\`: ${errorName(d.errorCode)}`);
    const start = d.transactionStartTimeMs >= 0n ? d.transactionStartTimeMs : null;
    return {
      coordinatorId: c.nodeId,
      transactionalId,
      producerId: d.producerId.toString(),
      producerEpoch: d.producerEpoch,
      transactionState: d.transactionState,
      transactionTimeoutMs: d.transactionTimeoutMs,
      currentTransactionStartTimeMs: start === null ? null : start.toString(),
      transactionDurationMs: start === null ? null : String(BigInt(nowMs) - start),
      topicPartitions: d.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)),
    };
  }

  /** DescribeProducers of one partition at its leader (or at `brokerId`). */
  async describeProducers(topic: string, partition: number, brokerId?: number): Promise<ProducerStateView[]> {
    const meta = await this.#metadata([topic]);
    const p = meta.topics.get(topic)?.partitions[partition];
    if (!p) throw new StreamctlError('KAFKA', `Failed to describe producers for partition ${topic}-${partition} on leader: This server does not host this topic-partition.`);
    const target = brokerId ?? p.leader;
    const node = meta.brokers.get(target);
    const where = brokerId === undefined ? 'leader' : `broker ${brokerId}`;
    if (!node) throw new StreamctlError('KAFKA', `Failed to describe producers for partition ${topic}-${partition} on ${where}: broker ${target} is not available.`);
    const res = await describeProducersV0.api.async(await this.#connection(node), [{ name: topic, partitionIndexes: [partition] }]);
    const r = res.topics[0]?.partitions[0];
    if (!r || r.errorCode !== 0) throw new StreamctlError('KAFKA', `Failed to describe producers for partition ${topic}-${partition} on ${where}: ${errorName(r?.errorCode ?? -1)}`);
    return r.activeProducers.map((s) => ({
      producerId: s.producerId.toString(),
      producerEpoch: s.producerEpoch,
      latestCoordinatorEpoch: s.coordinatorEpoch,
      lastSequence: s.lastSequence,
      lastTimestamp: s.lastTimestamp.toString(),
      currentTransactionStartOffset: s.currentTxnStartOffset >= 0n ? s.currentTxnStartOffset.toString() : null,
    }));
  }

  /**
   * Kafka's find-hanging: open transactions (on the partitions of `topic`, or those with a
   * replica on `brokerId`) older than the max transaction timeout whose producer has no
   * transactional id, or whose transaction does not include the partition any more.
   */
  async findHanging(options: { brokerId?: number; topic?: string; partition?: number; maxTransactionTimeoutMinutes: number; nowMs: number }): Promise<HangingTransaction[]> {
    const topics = options.topic !== undefined ? [options.topic] : await this.#admin.listTopics({ includeInternals: true });
    const meta = await this.#metadata(topics);
    const candidates: Array<HangingTransaction & { id: bigint }> = [];
    for (const topic of topics) {
      const partitions = meta.topics.get(topic)?.partitions ?? [];
      for (let i = 0; i < partitions.length; i++) {
        const p = partitions[i]!;
        if (options.partition !== undefined && i !== options.partition) continue;
        if (options.brokerId !== undefined && !p.replicas.includes(options.brokerId)) continue;
        for (const s of await this.describeProducers(topic, i, options.brokerId)) {
          if (s.currentTransactionStartOffset === null) continue;
          const durationMs = options.nowMs - Number(s.lastTimestamp);
          if (durationMs <= options.maxTransactionTimeoutMinutes * 60_000) continue;
          candidates.push({ id: BigInt(s.producerId), topic, partition: i, producerId: s.producerId, producerEpoch: s.producerEpoch, coordinatorEpoch: s.latestCoordinatorEpoch, startOffset: s.currentTransactionStartOffset, lastTimestamp: s.lastTimestamp, durationMinutes: Math.floor(durationMs / 60_000) });
        }
      }
    }
    if (candidates.length === 0) return [];
    const listings = await this.list();
    const hanging: HangingTransaction[] = [];
    for (const c of candidates) {
      const listing = listings.find((l) => l.producerId === c.producerId);
      const description = listing ? await this.describe(listing.transactionalId, options.nowMs) : null;
      if (!description || !description.topicPartitions.includes(`${c.topic}-${c.partition}`)) {
        const { id: _id, ...rest } = c;
        hanging.push(rest);
      }
    }
    return hanging;
  }

  /** Aborts the open transaction starting at `startOffset` (WriteTxnMarkers ABORT to the leader). */
  async abort(topic: string, partition: number, startOffset: bigint): Promise<void> {
    const producers = await this.describeProducers(topic, partition).catch((e: unknown) => {
      throw new StreamctlError('KAFKA', `Failed to validate producer state for partition ${topic}-${partition}: ${(e as Error).message}`);
    });
    const p = producers.find((s) => s.currentTransactionStartOffset === startOffset.toString());
    if (!p) throw new StreamctlError('KAFKA', `Could not find any open transactions starting at offset ${startOffset} on partition ${topic}-${partition}`);
    const meta = await this.#metadata([topic]);
    const leader = meta.brokers.get(meta.topics.get(topic)!.partitions[partition]!.leader);
    if (!leader) throw new StreamctlError('KAFKA', `Failed to abort transaction: no leader for ${topic}-${partition}`);
    const conn = await KafkaConnection.connect({ host: leader.host, port: leader.port, clientId: 'streamctl-transactions' });
    try {
      const coordinatorEpoch = Math.max(0, p.latestCoordinatorEpoch);
      const res = await conn.send(ApiKey.WriteTxnMarkers, 1, {
        markers: [{ producerId: BigInt(p.producerId), producerEpoch: p.producerEpoch, transactionResult: false, coordinatorEpoch, topics: [{ name: topic, partitionIndexes: [partition] }] }],
      });
      const code = res.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? -1;
      const spec = `AbortTransactionSpec(topicPartition=${topic}-${partition}, producerId=${p.producerId}, producerEpoch=${p.producerEpoch}, coordinatorEpoch=${coordinatorEpoch})`;
      if (code !== 0) throw new StreamctlError('KAFKA', `Failed to abort transaction ${spec}: ${errorName(code)}`);
    } finally {
      conn.close();
    }
  }
}
