// KIP-848 consumer-protocol groups for the group tools: describes them with
// ConsumerGroupDescribe at their coordinator (as Kafka 4.0's admin client does before falling
// back to DescribeGroups) and presents each in the shape the classic describe uses, plus the
// epochs and target assignments kafka-consumer-groups 4.0 prints. A group that is not a
// consumer-protocol group (GROUP_ID_NOT_FOUND), or a broker without the API, gives no entry.
// The request goes over @platformatic/kafka's connection, but its bytes are ours (the
// generated codec): @platformatic/kafka 1.35's own ConsumerGroupDescribe parser misreads
// SubscribedTopicNames and the Assignment struct, so it cannot read a real broker's answer.
// Concurrency: one call at a time per admin client, like AdminClient.
import { type Admin, type Broker, type Connection, createAPI, FindCoordinatorKeyTypes, kGetConnection, Writer } from '@platformatic/kafka';
import { decodeMessage, encodeMessage } from '../protocol/codec.js';
import type { ConsumerGroupDescribeResponse } from '../protocol/generated/messages/consumer-group-describe-response.js';

export interface ConsumerProtocolMember {
  id: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  /** topic → { topic, partitions } (as classic members' assignments) */
  assignments: Map<string, { topic: string; partitions: number[] }>;
  targetAssignments: Map<string, { topic: string; partitions: number[] }>;
}

export interface ConsumerProtocolGroup {
  id: string;
  state: string;
  /** The server assignor, where classic groups have their protocol. */
  protocol: string;
  groupEpoch: number;
  targetAssignmentEpoch: number;
  members: Map<string, ConsumerProtocolMember>;
}

const CONSUMER_GROUP_DESCRIBE = 69;

const consumerGroupDescribe = createAPI<[groupIds: string[]], ConsumerGroupDescribeResponse>(
  CONSUMER_GROUP_DESCRIBE,
  0,
  (groupIds: string[]) => Writer.create().append(encodeMessage('ConsumerGroupDescribeRequest', 0, { groupIds, includeAuthorizedOperations: false })),
  (_correlationId, _apiKey, _apiVersion, reader) => decodeMessage('ConsumerGroupDescribeResponse', 0, reader.buffer.slice(reader.position)),
);

type Assignment = { topicPartitions: Array<{ topicName: string; partitions: number[] }> };

function toMap(a: Assignment): Map<string, { topic: string; partitions: number[] }> {
  return new Map(a.topicPartitions.map((t) => [t.topicName, { topic: t.topicName, partitions: [...t.partitions].sort((x, y) => x - y) }]));
}

function connectionTo(admin: Admin, broker: Broker): Promise<Connection> {
  const getConnection = (admin as unknown as Record<symbol, (b: Broker, cb: (e: Error | null, c?: Connection) => void) => void>)[kGetConnection]!;
  return new Promise((resolve, reject) => getConnection.call(admin, broker, (e, c) => (e || !c ? reject(e ?? new Error('no connection')) : resolve(c))));
}

/** The consumer-protocol groups among `groups`, by id (others are absent). */
export async function describeConsumerProtocolGroups(admin: Admin, groups: string[]): Promise<Map<string, ConsumerProtocolGroup>> {
  const result = new Map<string, ConsumerProtocolGroup>();
  if (groups.length === 0) return result;
  const apis = await Promise.resolve()
    .then(() => admin.listApis())
    .catch(() => []);
  if (!apis.some((a) => a.apiKey === CONSUMER_GROUP_DESCRIBE)) return result;
  const coordinators = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: groups }).catch(() => []);
  for (const c of coordinators) {
    let response;
    try {
      const connection = await connectionTo(admin, { host: c.host, port: c.port });
      response = await consumerGroupDescribe.async(connection, [c.key]);
    } catch {
      continue; // no answer: the classic describe answers for the group
    }
    for (const g of response.groups) {
      if (g.errorCode !== 0) continue; // GROUP_ID_NOT_FOUND: a classic group (or none)
      result.set(g.groupId, {
        id: g.groupId,
        state: g.groupState,
        protocol: g.assignorName,
        groupEpoch: g.groupEpoch,
        targetAssignmentEpoch: g.assignmentEpoch,
        members: new Map(
          g.members.map((m) => [
            m.memberId,
            {
              id: m.memberId,
              groupInstanceId: m.instanceId ?? null,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberEpoch: m.memberEpoch,
              assignments: toMap(m.assignment),
              targetAssignments: toMap(m.targetAssignment),
            },
          ]),
        ),
      });
    }
  }
  return result;
}
