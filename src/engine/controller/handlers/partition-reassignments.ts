// AlterPartitionReassignments (api 45: start, replace or cancel a reassignment per partition)
// and ListPartitionReassignments (api 46: the ones in progress, with adding and removing
// replicas). The replica-set arithmetic lives in ../reassignment; these check the request
// as Kafka's controller does (unknown topic or partition, empty, duplicate or unregistered
// replicas, cancel without a reassignment) and write the result. Synchronous, like every
// controller handler.
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
  Encodable,
  ListPartitionReassignmentsRequest,
  ListPartitionReassignmentsResponse,
} from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import type { ControllerContext } from '../controller-context.js';
import type { PartitionRecord } from '../metadata-store.js';
import { completeReassignment, isReassigning, revertReassignment, startReassignment, type Assignment } from '../reassignment.js';

type Outcome = { errorCode: number; errorMessage: string | null };

const OK: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };

export function handleAlterPartitionReassignments(ctx: ControllerContext, body: AlterPartitionReassignmentsRequest): Encodable<AlterPartitionReassignmentsResponse> {
  const responses = body.topics.map((t) => {
    const topic = ctx.store.getTopic(t.name);
    const partitions = t.partitions.map((p) => {
      const current = topic?.partitions.find((x) => x.partitionIndex === p.partitionIndex);
      const outcome = current
        ? alterOne(ctx, t.name, current, p.replicas)
        : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: topic ? `Unable to find partition ${t.name}-${p.partitionIndex}.` : `Unable to find topic ${t.name}.` };
      return { partitionIndex: p.partitionIndex, ...outcome };
    });
    return { name: t.name, partitions };
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
}

function alterOne(ctx: ControllerContext, topicName: string, current: PartitionRecord, replicas: readonly number[] | null): Outcome {
  const name = `${topicName}-${current.partitionIndex}`;
  const live = ctx.liveBrokerIds();
  let next: Assignment;
  if (replicas === null) {
    if (!isReassigning(current)) return { errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: `No ongoing reassignment for partition ${name}.` };
    const reverted = revertReassignment(current, live, name);
    if (typeof reverted === 'string') return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: reverted };
    next = reverted;
  } else {
    const problem = checkTarget(ctx, replicas);
    if (problem) return { errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: problem };
    // A new target replaces one in progress; replicas already added stay until it completes.
    next = startReassignment(current, replicas);
    if (sameList(next.replicas, current.replicas) && !isReassigning(next) && !isReassigning(current)) return OK;
    next = completeReassignment(next, live) ?? next;
  }
  ctx.store.setPartitionAssignment(topicName, current.partitionIndex, next);
  ctx.logger.info(replicas === null ? 'partition reassignment cancelled' : 'partition reassignment started', {
    partition: name,
    replicas: next.replicas,
    adding: next.addingReplicas,
    removing: next.removingReplicas,
    leader: next.leader,
  });
  return OK;
}

/** Kafka's validateManualPartitionAssignment messages. */
function checkTarget(ctx: ControllerContext, replicas: readonly number[]): string | undefined {
  if (replicas.length === 0) return 'The manual partition assignment includes an empty replica list.';
  const seen = new Set<number>();
  for (const id of replicas) {
    if (seen.has(id)) return `The manual partition assignment includes the broker ${id} more than once.`;
    seen.add(id);
    if (!ctx.store.getBroker(id)) return `The manual partition assignment includes broker ${id}, but no such broker is registered.`;
  }
  return undefined;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export function handleListPartitionReassignments(ctx: ControllerContext, body: ListPartitionReassignmentsRequest): Encodable<ListPartitionReassignmentsResponse> {
  const wanted = body.topics === null ? null : new Map(body.topics.map((t) => [t.name, new Set(t.partitionIndexes)]));
  const topics = ctx.store
    .listTopics()
    .filter((t) => wanted === null || wanted.has(t.name))
    .map((t) => ({
      name: t.name,
      partitions: t.partitions
        .filter((p) => isReassigning(p) && (wanted === null || wanted.get(t.name)!.has(p.partitionIndex)))
        .map((p) => ({ partitionIndex: p.partitionIndex, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] })),
    }))
    .filter((t) => t.partitions.length > 0);
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
}
