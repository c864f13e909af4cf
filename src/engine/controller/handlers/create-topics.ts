// CreateTopics (api 19): validates names, partition counts, replication factors, explicit
// assignments and configs with Kafka's error codes and messages, places replicas (placement)
// and stores the topic; validateOnly checks without storing. Results per topic.
import type { CreateTopicsRequest, CreateTopicsResponse, Encodable } from '../../protocol/codec.js';
import { ZERO_UUID } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/error-codes.js';
import { INTERNAL_TOPICS, type ControllerContext } from '../controller-context.js';
import { CONTROLLER_SETTINGS } from '../controller-settings.js';
import { initialLeadership } from '../election.js';
import { assignReplicas, PlacementError, validateAssignment } from '../placement.js';
import { checkTopicConfig } from '../topic-config-rules.js';
import { topicNameProblem } from '../topic-name.js';
import { describeTopicConfigs } from './describe-configs.js';

class TopicError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }
}

type CreatableTopic = CreateTopicsRequest['topics'][number];

export function handleCreateTopics(ctx: ControllerContext, body: CreateTopicsRequest, apiVersion: number): Encodable<CreateTopicsResponse> {
  const requested = body.topics;
  const counts = new Map<string, number>();
  for (const t of requested) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const validateOnly = body.validateOnly;

  const topics = requested.map((t): Encodable<CreateTopicsResponse['topics'][number]> => {
    const name = t.name;
    try {
      if ((counts.get(name) ?? 0) > 1) {
        throw new TopicError(ErrorCode.INVALID_REQUEST, `Create topics request from client contains multiple entries for the following topics: ${name}`);
      }
      const plan = planTopic(ctx, t);
      const topicId = validateOnly ? ZERO_UUID : ctx.newTopicId();
      if (!validateOnly) {
        const live = ctx.liveBrokerIds();
        ctx.store.createTopic({
          name,
          topicId,
          internal: INTERNAL_TOPICS.has(name),
          partitions: plan.assignment.map((replicas) => initialLeadership(replicas, live)),
          configs: plan.configs,
          nowMs: ctx.clock.now(),
        });
        ctx.logger.info('topic created', { topic: name, topicId, partitions: plan.assignment.length, replicationFactor: plan.replicationFactor });
      }
      return {
        name,
        topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        numPartitions: plan.assignment.length,
        replicationFactor: plan.replicationFactor,
        configs: apiVersion >= 5 ? describeTopicConfigs(ctx, plan.configs).map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: false,
          configSource: c.configSource,
          isSensitive: false,
        })) : [],
      };
    } catch (error) {
      if (!(error instanceof TopicError)) throw error;
      return {
        name,
        topicId: ZERO_UUID,
        errorCode: error.errorCode,
        errorMessage: error.message,
        numPartitions: -1,
        replicationFactor: -1,
        configs: null,
      };
    }
  });
  return { throttleTimeMs: 0, topics };
}

interface TopicPlan {
  assignment: number[][];
  replicationFactor: number;
  configs: Record<string, string>;
}

function planTopic(ctx: ControllerContext, t: CreatableTopic): TopicPlan {
  const name = t.name;
  const nameProblem = topicNameProblem(name);
  if (nameProblem) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  if (ctx.store.getTopic(name)) throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);

  const configs = validateConfigs(t.configs);
  const assignments = t.assignments;
  const numPartitions = t.numPartitions;
  const replicationFactor = t.replicationFactor;
  const registered = ctx.store.listBrokers().map((b) => b.brokerId);

  if (assignments.length > 0) {
    if (numPartitions !== -1 || replicationFactor !== -1) {
      throw new TopicError(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    sorted.forEach((a, i) => {
      if (a.partitionIndex !== i) {
        throw new TopicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partitions should be a consecutive 0-based integer sequence; found partition ${a.partitionIndex}.`);
      }
    });
    const assignment = sorted.map((a) => [...a.brokerIds]);
    try {
      validateAssignment(assignment, registered);
    } catch (error) {
      if (error instanceof PlacementError) throw new TopicError(error.errorCode, error.message);
      throw error;
    }
    return { assignment, replicationFactor: assignment[0]!.length, configs };
  }

  const partitions = numPartitions === -1 ? CONTROLLER_SETTINGS.number(ctx.settings, 'num.partitions') : numPartitions;
  if (partitions <= 0) {
    throw new TopicError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
  }
  const rf = replicationFactor === -1 ? CONTROLLER_SETTINGS.number(ctx.settings, 'default.replication.factor') : replicationFactor;
  if (rf <= 0) {
    throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
  }
  const live = [...ctx.liveBrokerIds()];
  try {
    return { assignment: assignReplicas({ brokerIds: live, numPartitions: partitions, replicationFactor: rf }), replicationFactor: rf, configs };
  } catch (error) {
    if (error instanceof PlacementError) throw new TopicError(error.errorCode, error.message);
    throw error;
  }
}

function validateConfigs(entries: CreatableTopic['configs']): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const c of entries) {
    const key = c.name;
    const value = c.value;
    if (value === null) throw new TopicError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${key}`);
    if (Object.hasOwn(configs, key)) throw new TopicError(ErrorCode.INVALID_CONFIG, `Duplicate config key: ${key}`);
    const problem = checkTopicConfig(key, value);
    if (problem) throw new TopicError(ErrorCode.INVALID_CONFIG, problem);
    configs[key] = value;
  }
  return configs;
}
