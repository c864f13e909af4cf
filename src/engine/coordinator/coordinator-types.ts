// The group coordinator's contract with the broker and the plain, version-independent shapes
// of its requests and results. What the coordinator needs from the broker is declared here
// (the lower layer) so the coordinator never imports the broker; the request and result
// shapes are what GroupCoordinator's methods take and return, and what
// broker/handlers/group-handlers.ts maps each API's versions onto.
// Concurrency: types and one constant only; no state.
import type { ConsumerGroupState } from './consumer-group.js';
import type { GroupProtocol, GroupState } from './group.js';

// ---------------------------------------------------------------------------------------
// What the coordinator needs from the broker. Declared here (the lower layer) so the
// coordinator never imports the broker; the broker's BrokerServices satisfies it.

export interface CoordinatorNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface CoordinatorServices {
  readonly brokerId: number;
  readonly metadata: {
    leaderFor(topic: string, partition: number): CoordinatorNode | null;
    partitionCount(topic: string): number;
    isLocalLeader(topic: string, partition: number): boolean;
    /** The topic's id, or null when unknown (KIP-848 consumer groups assign by topic id). */
    topicId?(topic: string): string | null;
    /** Live brokers (caps an internal topic's min.insync.replicas). */
    liveBrokers?(): CoordinatorNode[];
  };
  appendToInternalTopic(topic: string, partition: number, records: Buffer, acks: -1 | 1): Promise<{ errorCode: number; errorMessage?: string }>;
  readInternalTopic(
    topic: string,
    partition: number,
    fromOffset: bigint,
    maxBytes: number,
  ): { errorCode: number; records: Buffer; highWatermark: bigint; logStartOffset: bigint };
  logEndOffset(topic: string, partition: number): bigint;
  onLeadershipChange(listener: (topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void): () => void;
  ensureInternalTopic(topic: string, options: { partitions: number; replicationFactor: number; configs?: Record<string, string> }): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Request and result shapes (version-independent).

export interface JoinGroupParams {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+: a first join without a member id gets MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  reason?: string | null;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface HeartbeatParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveGroupOutcome {
  errorCode: number;
  members: Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>;
}

export interface OffsetCommitParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-4; -1 = the broker's retention. */
  retentionTimeMs: bigint;
  /** The OffsetCommit version (consumer-protocol members must use v9+); default 9. */
  apiVersion?: number;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch: number;
      /** OffsetCommit v1 only; -1 = now. */
      commitTimestamp: bigint;
      committedMetadata: string | null;
    }>;
  }>;
}

export type PartitionErrors = Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;

export interface FetchedOffsets {
  errorCode: number;
  topics: Array<{
    name: string;
    partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string; errorCode: number }>;
  }>;
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  /** A classic group's state, or a consumer group's (Empty, Assigning, Reconciling, Stable). */
  groupState: GroupState | ConsumerGroupState;
  groupType: string;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: Array<{
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }>;
}

export interface CoordinatorLookup {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const CoordinatorType = { Group: 0, Transaction: 1 } as const;
