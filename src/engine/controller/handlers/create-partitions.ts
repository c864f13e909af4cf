// CreatePartitions (api 37): grows a topic's partition count (never shrinks), placing new
// partitions with the same replication factor, or on an explicit assignment.
import type { CreatePartitionsRequest, CreatePartitionsResponse, Encodable } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';
import { initialLeadership } from '../election.js';
import { assignReplicas, PlacementError, validateAssignment } from '../placement.js';

export function handleCreatePartitions(ctx: ControllerContext, body: CreatePartitionsRequest): Encodable<CreatePartitionsResponse> {
  const requested = body.topics;
  const counts = new Map<string, number>();
  for (const t of requested) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const validateOnly = body.validateOnly;
  const results = requested.map((t) => {
    const name = t.name;
    const fail = (errorCode: number, errorMessage: string) => ({ name, errorCode, errorMessage });
    if ((counts.get(name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `Duplicate topic in request: ${name}`);
    const topic = ctx.store.getTopic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    const count = t.count;
    if (count < current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    if (count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
    const rf = topic.partitions[0]?.replicas.length ?? 1;
    const explicit = t.assignments;
    let assignment: number[][];
    try {
      if (explicit && explicit.length > 0) {
        assignment = explicit.map((a) => [...a.brokerIds]);
        validateAssignment(assignment, ctx.store.listBrokers().map((b) => b.brokerId), count - current);
      } else {
        assignment = assignReplicas({ brokerIds: [...ctx.liveBrokerIds()], numPartitions: count - current, replicationFactor: rf, startPartitionId: current });
      }
    } catch (error) {
      if (error instanceof PlacementError) return fail(error.errorCode, error.message);
      throw error;
    }
    if (!validateOnly) {
      const live = ctx.liveBrokerIds();
      ctx.store.addPartitions(name, assignment.map((r) => initialLeadership(r, live)));
      ctx.logger.info('partitions added', { topic: name, from: current, to: count });
    }
    return { name, errorCode: ErrorCode.NONE, errorMessage: null };
  });
  return { throttleTimeMs: 0, results };
}
