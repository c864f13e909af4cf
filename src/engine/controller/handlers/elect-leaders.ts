// ElectLeaders (api 43): on-demand leader election (kafka-leader-election.sh). PREFERRED (0)
// moves leadership to the first replica when it is live and in the ISR; UNCLEAN (1) elects
// any live replica for a leaderless partition. Without a partition list every partition is
// considered and only those that needed an election are reported, as Kafka does.
import type { ElectLeadersRequest, ElectLeadersResponse, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';
import { electLeader, type PartitionLeadership } from '../election.js';
import type { PartitionRecord } from '../metadata-store.js';

export const ELECTION_TYPE = { PREFERRED: 0, UNCLEAN: 1 } as const;

export function handleElectLeaders(ctx: ControllerContext, body: ElectLeadersRequest, apiVersion: number): Encodable<ElectLeadersResponse> {
  const electionType = apiVersion >= 1 ? body.electionType : ELECTION_TYPE.PREFERRED;
  const requested = body.topicPartitions;
  const all = requested === null;
  const targets: { topic: string; partitions: number[] }[] = all
    ? ctx.store.listTopics().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) }))
    : requested;
  const live = ctx.liveBrokerIds();
  const changes: { topicName: string; partitionIndex: number; state: PartitionLeadership }[] = [];
  const results = targets.map((target) => {
    const topic = ctx.store.getTopic(target.topic);
    const partitionResult = target.partitions
      .map((partitionId) => {
        const ok = (errorCode: number, errorMessage: string | null = null) => ({ partitionId, errorCode, errorMessage });
        const p: PartitionRecord | undefined = topic?.partitions.find((x) => x.partitionIndex === partitionId);
        if (!p) return ok(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
        if (electionType === ELECTION_TYPE.PREFERRED) {
          const preferred = p.replicas[0]!;
          if (p.leader === preferred) return ok(ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
          if (!live.has(preferred) || !p.isr.includes(preferred)) {
            return ok(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, `Failed to elect leader for partition ${target.topic}-${partitionId}: preferred replica ${preferred} is not live and in sync.`);
          }
          const state = { ...p, replicas: [...p.replicas], isr: [...p.isr], leader: preferred, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 };
          changes.push({ topicName: target.topic, partitionIndex: partitionId, state });
          return ok(ErrorCode.NONE);
        }
        if (electionType !== ELECTION_TYPE.UNCLEAN) return ok(ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}.`);
        if (p.leader >= 0 && live.has(p.leader)) return ok(ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
        const result = electLeader(p, { liveBrokerIds: live, uncleanLeaderElection: true, preferredLeaderRebalance: false });
        if (result.state.leader < 0) return ok(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, 'No live replica can be elected leader.');
        changes.push({ topicName: target.topic, partitionIndex: partitionId, state: result.state });
        return ok(ErrorCode.NONE);
      })
      .filter((r) => !all || r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED);
    return { topic: target.topic, partitionResult };
  });
  if (changes.length > 0) {
    ctx.store.updatePartitions(changes);
    ctx.logger.info('leaders elected on demand', { electionType, partitions: changes.map((c) => `${c.topicName}-${c.partitionIndex}`) });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: results.filter((r) => r.partitionResult.length > 0) };
}
