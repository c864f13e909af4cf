// kafka-transactions.sh's tables (TransactionsCommand.prettyPrintTable): each column padded
// to its widest cell and followed by a tab, headers first; and the row shapes the
// `streamctl transactions` commands return for --json. Pure functions.

export interface TransactionListingView {
  transactionalId: string;
  coordinator: number;
  producerId: string;
  transactionState: string;
}

export interface TransactionDescriptionView {
  coordinatorId: number;
  transactionalId: string;
  producerId: string;
  producerEpoch: number;
  transactionState: string;
  transactionTimeoutMs: number;
  currentTransactionStartTimeMs: string | null;
  transactionDurationMs: string | null;
  topicPartitions: string[];
}

export interface ProducerStateView {
  producerId: string;
  producerEpoch: number;
  latestCoordinatorEpoch: number;
  lastSequence: number;
  lastTimestamp: string;
  currentTransactionStartOffset: string | null;
}

export interface HangingTransaction {
  topic: string;
  partition: number;
  producerId: string;
  producerEpoch: number;
  coordinatorEpoch: number;
  startOffset: string;
  lastTimestamp: string;
  durationMinutes: number;
}

/** Kafka's prettyPrintTable: every cell padded to its column's width, then a tab. */
export function prettyPrintTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (row: readonly string[]) => row.map((cell, i) => cell.padEnd(widths[i]!) + '\t').join('') + '\n';
  return line(headers) + rows.map(line).join('');
}

export function formatTransactionList(rows: TransactionListingView[]): string {
  return prettyPrintTable(
    ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'],
    rows.map((r) => [r.transactionalId, String(r.coordinator), r.producerId, r.transactionState]),
  );
}

export function formatTransactionDescription(d: TransactionDescriptionView): string {
  return prettyPrintTable(
    ['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions'],
    [
      [
        String(d.coordinatorId),
        d.transactionalId,
        d.producerId,
        String(d.producerEpoch),
        d.transactionState,
        String(d.transactionTimeoutMs),
        d.currentTransactionStartTimeMs ?? 'None',
        d.transactionDurationMs ?? 'None',
        d.topicPartitions.join(','),
      ],
    ],
  );
}

export function formatProducers(rows: ProducerStateView[]): string {
  return prettyPrintTable(
    ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'],
    rows.map((r) => [r.producerId, String(r.producerEpoch), String(r.latestCoordinatorEpoch), String(r.lastSequence), r.lastTimestamp, r.currentTransactionStartOffset ?? 'None']),
  );
}

export function formatHanging(rows: HangingTransaction[]): string {
  return prettyPrintTable(
    ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)'],
    rows.map((r) => [r.topic, String(r.partition), r.producerId, String(r.producerEpoch), String(r.coordinatorEpoch), r.startOffset, r.lastTimestamp, String(r.durationMinutes)]),
  );
}
