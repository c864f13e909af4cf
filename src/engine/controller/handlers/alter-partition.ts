// AlterPartition (api 56): a partition leader proposes a new ISR (shrink when a follower
// lags, expand when it caught up). Checked against the broker epoch, the leader, the leader
// epoch and the partition epoch (Metadata does not carry the partition epoch, so a leader
// that has not learned it yet may send -1 and only the leader epoch is checked); new ISR
// members must be live replicas. A leader whose replica is damaged may propose an ISR without
// itself: the election that follows moves leadership to a remaining member. On success the
// partition epoch bumps and preferred-leader election may follow.
import type { AlterPartitionRequest, AlterPartitionResponse, AlterPartitionResponsePartitionData, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';
import type { PartitionRecord, TopicRecord } from '../metadata-store.js';
import { completeReassignments } from '../reassignment.js';

type PartitionReply = Encodable<AlterPartitionResponsePartitionData> & { partitionIndex: number; errorCode: number };

export function handleAlterPartition(ctx: ControllerContext, body: AlterPartitionRequest, apiVersion: number): Encodable<AlterPartitionResponse> {
  const brokerId = body.brokerId;
  const broker = ctx.store.getBroker(brokerId);
  const brokerEpoch = body.brokerEpoch;
  if (!broker) return { throttleTimeMs: 0, errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, topics: [] };
  if (brokerEpoch !== -1n && brokerEpoch !== broker.brokerEpoch) return { throttleTimeMs: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH, topics: [] };

  const live = ctx.liveBrokerIds();
  const changes: { topicName: string; partitionIndex: number; state: PartitionRecord }[] = [];
  const topics = body.topics.map((t) => {
    const topic: TopicRecord | undefined = apiVersion >= 2 ? ctx.store.getTopicById(t.topicId) : ctx.store.getTopic(t.topicName);
    const unknownCode = apiVersion >= 2 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const partitions = t.partitions.map((p): PartitionReply => {
      const partitionIndex = p.partitionIndex;
      const current = topic?.partitions.find((x) => x.partitionIndex === partitionIndex);
      const reply = (errorCode: number, state?: PartitionRecord): PartitionReply => ({
        partitionIndex,
        errorCode,
        leaderId: state?.leader ?? -1,
        leaderEpoch: state?.leaderEpoch ?? -1,
        isr: state ? [...state.isr] : [],
        leaderRecoveryState: 0,
        partitionEpoch: state?.partitionEpoch ?? -1,
      });
      if (!topic || !current) return reply(unknownCode);
      if (current.leader !== brokerId) return reply(ErrorCode.NOT_LEADER_OR_FOLLOWER, current);
      const leaderEpoch = p.leaderEpoch;
      if (leaderEpoch < current.leaderEpoch) return reply(ErrorCode.FENCED_LEADER_EPOCH, current);
      if (leaderEpoch > current.leaderEpoch) return reply(ErrorCode.NOT_LEADER_OR_FOLLOWER, current);
      const partitionEpoch = p.partitionEpoch;
      if (partitionEpoch >= 0 && partitionEpoch !== current.partitionEpoch) return reply(ErrorCode.INVALID_UPDATE_VERSION, current);
      const newIsr: number[] =
        apiVersion >= 3 ? p.newIsrWithEpochs.map((b) => b.brokerId) : [...p.newIsr];
      // A leader leaves the ISR only to resign (its replica is damaged): someone must remain.
      if (!newIsr.includes(brokerId) && newIsr.length === 0) return reply(ErrorCode.INVALID_REQUEST, current);
      if (newIsr.some((id) => !current.replicas.includes(id) || !live.has(id))) return reply(ErrorCode.INELIGIBLE_REPLICA, current);
      const ordered = current.replicas.filter((id) => newIsr.includes(id));
      const sameIsr = ordered.length === current.isr.length && ordered.every((id) => current.isr.includes(id));
      const next: PartitionRecord = sameIsr ? current : { ...current, isr: ordered, partitionEpoch: current.partitionEpoch + 1 };
      if (!sameIsr) changes.push({ topicName: topic.name, partitionIndex, state: next });
      return reply(ErrorCode.NONE, next);
    });
    return { topicId: t.topicId, topicName: t.topicName, partitions };
  });
  if (changes.length > 0) {
    ctx.store.updatePartitions(changes);
    ctx.logger.info('isr changed', { brokerId, partitions: changes.map((c) => `${c.topicName}-${c.partitionIndex}:[${c.state.isr.join(',')}]`) });
    ctx.electLeaders('isr change');
    // A reassignment whose new replicas are now all in sync completes (old replicas dropped).
    completeReassignments(ctx);
    // Report the state after the election (a preferred leader may have taken over).
    for (const t of topics) {
      const topic = apiVersion >= 2 ? ctx.store.getTopicById(t.topicId) : ctx.store.getTopic(t.topicName);
      for (const r of t.partitions) {
        const now = topic?.partitions.find((x) => x.partitionIndex === r.partitionIndex);
        if (r.errorCode !== ErrorCode.NONE || !now) continue;
        Object.assign(r, { leaderId: now.leader, leaderEpoch: now.leaderEpoch, isr: [...now.isr], partitionEpoch: now.partitionEpoch });
      }
    }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics };
}
