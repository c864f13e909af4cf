// On-demand leader election (kafka-leader-election.sh): sends ElectLeaders to a broker, which
// hands it to the controller. @platformatic/kafka has no ElectLeaders call, so this facade
// speaks the standard API over our protocol connection; it works against any Kafka cluster.
import { StreamctlError } from '../common/errors.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';
import { ErrorCode, errorName } from '../protocol/error-codes.js';
import type { ElectLeadersResponse } from '../protocol/codec.js';
import type { KafkaConnectOptions } from './client-options.js';

export type ElectionType = 'PREFERRED' | 'UNCLEAN';

export interface LeaderElectionRequest {
  electionType: ElectionType;
  /** null = every partition of every topic. */
  partitions: Array<{ topic: string; partition: number }> | null;
}

export interface LeaderElectionResult {
  electionType: ElectionType;
  succeeded: string[];
  /** Partitions whose leader was already the right one (ELECTION_NOT_NEEDED). */
  noop: string[];
  failed: Array<{ partition: string; error: string; message: string }>;
}

const ELECT_LEADERS_VERSION = 2;

export async function electLeaders(options: KafkaConnectOptions, request: LeaderElectionRequest): Promise<LeaderElectionResult> {
  const conn = await connectAny(options);
  try {
    const byTopic = new Map<string, number[]>();
    for (const p of request.partitions ?? []) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const res = await conn.send(
      ApiKey.ElectLeaders,
      ELECT_LEADERS_VERSION,
      {
        electionType: request.electionType === 'PREFERRED' ? 0 : 1,
        topicPartitions: request.partitions === null ? null : [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        timeoutMs: options.requestTimeoutMs ?? 30_000,
      },
      { timeoutMs: (options.requestTimeoutMs ?? 30_000) + 5_000 },
    );
    if (res.errorCode !== ErrorCode.NONE) {
      throw new StreamctlError('KAFKA', `Leader election failed: ${errorName(res.errorCode)}`, { kafkaErrorCode: res.errorCode });
    }
    return summarize(request.electionType, res);
  } finally {
    conn.close();
  }
}

/** Splits an ElectLeaders response into Kafka's three result groups. Pure. */
export function summarize(electionType: ElectionType, res: Pick<ElectLeadersResponse, 'replicaElectionResults'>): LeaderElectionResult {
  const result: LeaderElectionResult = { electionType, succeeded: [], noop: [], failed: [] };
  for (const t of res.replicaElectionResults) {
    for (const p of t.partitionResult) {
      const name = `${t.topic}-${p.partitionId}`;
      if (p.errorCode === ErrorCode.NONE) result.succeeded.push(name);
      else if (p.errorCode === ErrorCode.ELECTION_NOT_NEEDED) result.noop.push(name);
      else result.failed.push({ partition: name, error: errorName(p.errorCode), message: p.errorMessage ?? errorName(p.errorCode) });
    }
  }
  return result;
}

/** The lines kafka-leader-election.sh prints for a result. Pure. */
export function formatLeaderElection(r: LeaderElectionResult): string {
  const lines: string[] = [];
  if (r.succeeded.length > 0) lines.push(`Successfully completed leader election (${r.electionType}) for partitions ${r.succeeded.join(', ')}`);
  if (r.noop.length > 0) lines.push(`Valid replica already elected for partitions ${r.noop.join(', ')}`);
  for (const f of r.failed) lines.push(`Error completing leader election (${r.electionType}) for partition: ${f.partition}: ${f.message}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** A protocol connection to the first reachable bootstrap server. */
export async function connectAny(options: KafkaConnectOptions): Promise<KafkaConnection> {
  let last: unknown;
  for (const server of options.bootstrapServers) {
    const i = server.lastIndexOf(':');
    try {
      return await KafkaConnection.connect({
        host: server.slice(0, i),
        port: Number(server.slice(i + 1)),
        clientId: options.clientId ?? 'streamctl-leader-election',
        requestTimeoutMs: options.requestTimeoutMs,
      });
    } catch (err) {
      last = err;
    }
  }
  throw new StreamctlError('NOT_RUNNING', `Cannot connect to any broker (${options.bootstrapServers.join(', ')})`, { cause: last, retriable: true });
}
