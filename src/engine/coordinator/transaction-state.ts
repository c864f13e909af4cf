// Kafka's transaction states (TransactionState) as a table of allowed transitions, the
// status ids they carry in `__transaction_state`, and the metadata the coordinator keeps per
// transactional id (TransactionMetadata). Pure data and small helpers; no I/O.

export const TxnState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
  Dead: 'Dead',
  PrepareEpochFence: 'PrepareEpochFence',
} as const;
export type TxnState = (typeof TxnState)[keyof typeof TxnState];

/** Status byte of each state in a transaction log record (Kafka's TransactionState.id). */
export const TXN_STATE_IDS: Readonly<Record<TxnState, number>> = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
};

export function txnStateFromId(id: number): TxnState | undefined {
  return (Object.keys(TXN_STATE_IDS) as TxnState[]).find((s) => TXN_STATE_IDS[s] === id);
}

/** Allowed previous states of each state (Kafka's validPreviousStates). */
export const TXN_TRANSITIONS: Readonly<Record<TxnState, readonly TxnState[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareEpochFence: ['Ongoing'],
};

export function canTransition(from: TxnState, to: TxnState): boolean {
  return TXN_TRANSITIONS[to].includes(from);
}

/** The values stored for a transactional id (one `__transaction_state` record). */
export interface TxnRecordValue {
  producerId: bigint;
  producerEpoch: number;
  transactionTimeoutMs: number;
  state: TxnState;
  /** `topic` → partitions in the transaction. */
  partitions: Map<string, Set<number>>;
  lastUpdateTimestampMs: bigint;
  startTimestampMs: bigint;
}

/** What the coordinator keeps per transactional id. */
export interface TxnMetadata extends TxnRecordValue {
  transactionalId: string;
  /** Producer id/epoch before the last bump (KIP-360 retries of InitProducerId). */
  lastProducerId: bigint;
  lastProducerEpoch: number;
  /** A state write in flight: requests for this id answer CONCURRENT_TRANSACTIONS meanwhile. */
  pendingState: TxnState | null;
}

export function partitionList(partitions: Map<string, Set<number>>): Array<{ topic: string; partition: number }> {
  const out: Array<{ topic: string; partition: number }> = [];
  for (const [topic, ps] of partitions) for (const p of [...ps].sort((a, b) => a - b)) out.push({ topic, partition: p });
  return out;
}

export function copyPartitions(partitions: Map<string, Set<number>>): Map<string, Set<number>> {
  return new Map([...partitions].map(([t, ps]) => [t, new Set(ps)]));
}
