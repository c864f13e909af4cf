// The records of `__transaction_state` in Kafka's format (TransactionLogKey v0:
// transactional_id; TransactionLogValue v0: producer id, producer epoch, timeout, status,
// partitions by topic, last update and start timestamps), so the topic's bytes are what
// Kafka's TransactionLogMessageFormatter reads. A null value is a tombstone (expired id).
// Pure functions.
import { ByteReader } from '../protocol/byte-reader.js';
import { ByteWriter } from '../protocol/byte-writer.js';
import { javaStringHashCode } from './offsets-topic-records.js';
import { TXN_STATE_IDS, txnStateFromId, type TxnRecordValue } from './transaction-state.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

function writeString(w: ByteWriter, s: string): void {
  const len = Buffer.byteLength(s, 'utf8');
  w.int16(len);
  w.utf8(s, len);
}

export function transactionLogKey(transactionalId: string): Buffer {
  const w = new ByteWriter(64);
  w.int16(0);
  writeString(w, transactionalId);
  return w.toBuffer();
}

export function transactionLogValue(v: TxnRecordValue): Buffer {
  const w = new ByteWriter(128);
  w.int16(0);
  w.int64(v.producerId);
  w.int16(v.producerEpoch);
  w.int32(v.transactionTimeoutMs);
  w.int8(TXN_STATE_IDS[v.state]);
  w.int32(v.partitions.size);
  for (const [topic, ps] of v.partitions) {
    writeString(w, topic);
    w.int32(ps.size);
    for (const p of ps) w.int32(p);
  }
  w.int64(v.lastUpdateTimestampMs);
  w.int64(v.startTimestampMs);
  return w.toBuffer();
}

export function decodeTransactionLogKey(key: Buffer): string {
  const r = new ByteReader(key);
  const version = r.int16();
  if (version !== 0) throw new Error(`unknown transaction log key version ${version}`);
  return r.string(false) ?? '';
}

export function decodeTransactionLogValue(value: Buffer): TxnRecordValue {
  const r = new ByteReader(value);
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new Error(`unknown transaction log value version ${version}`);
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const transactionTimeoutMs = r.int32();
  const stateId = r.int8();
  const state = txnStateFromId(stateId);
  if (!state) throw new Error(`unknown transaction state ${stateId}`);
  const partitions = new Map<string, Set<number>>();
  const topics = version === 0 ? r.int32() : r.uvarint() - 1;
  for (let i = 0; i < topics; i++) {
    const topic = (version === 0 ? r.string(false) : r.compactString(false)) ?? '';
    const n = version === 0 ? r.int32() : r.uvarint() - 1;
    const set = new Set<number>();
    for (let j = 0; j < n; j++) set.add(r.int32());
    if (version === 1) r.uvarint(); // tagged fields of the topic entry
    partitions.set(topic, set);
  }
  return { producerId, producerEpoch, transactionTimeoutMs, state, partitions, lastUpdateTimestampMs: r.int64(), startTimestampMs: r.int64() };
}

/** The `__transaction_state` partition owning a transactional id (Kafka's partitionFor). */
export function partitionForTransactionalId(transactionalId: string, partitionCount: number): number {
  const h = javaStringHashCode(transactionalId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitionCount;
}
