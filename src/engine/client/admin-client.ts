// Engine facade over @platformatic/kafka's Admin for the kafka-topics, kafka-configs and
// kafka-consumer-groups style commands: topics, configs, groups, offsets and lag. Every
// method is one user-level operation and returns plain data; the pure formatters
// (topics-format, configs-format, groups-format, consumer-lag) render Kafka's text from it.
// The consumer-group operations live in consumer-group-admin; this class owns the connection.
// Uses only standard Kafka APIs, so it works against streamctl and Apache Kafka alike.
// Concurrency: one instance per command run; methods may run concurrently (the client pools
// connections); close() once at the end.
import {
  Admin,
  ConfigResourceTypes,
  describeConfigsV4,
  describeTopicPartitionsV0,
  IncrementalAlterConfigOperationTypes,
  incrementalAlterConfigsV1,
  kGetBootstrapConnection,
  metadataV12,
  ResponseError,
} from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { baseClientOptions, findKafkaError, type KafkaConnectOptions, toStreamctlError } from './client-options.js';
import { configSourceName, type ConfigEntityType, type ConfigResourceDescription } from './configs-format.js';
import type { GroupLag } from './consumer-lag.js';
import * as groupOps from './consumer-group-admin.js';
import type { DeleteOffsetsResult, GroupListing, GroupMembersView, GroupOffsetsView, GroupState, GroupStateView, GroupType } from './groups-format.js';
import { normalizeGroupState } from './groups-format.js';
import { type PartitionDescription, type TopicDescription, topicMatcher, ZERO_UUID } from './topics-format.js';

export interface CreateTopicSpec {
  topic: string;
  partitions?: number;
  replicationFactor?: number;
  /** Per-partition replica lists (from --replica-assignment). */
  replicaAssignment?: number[][];
  configs?: Record<string, string>;
  ifNotExists?: boolean;
}

export interface CreateTopicResult {
  topic: string;
  created: boolean;
  /** The name has '.' or '_' (kafka-topics prints its collision warning). */
  collisionWarning: boolean;
}

export interface DescribeTopicsResult {
  topics: TopicDescription[];
  liveBrokers: number[];
  /** Addresses of the live brokers, by id (from the same Metadata answer). */
  brokerAddresses: Array<{ broker: number; host: string; port: number }>;
  /** False when the brokers lack DescribeTopicPartitions (Elr printed as N/A). */
  elrKnown: boolean;
}

export interface AlterConfigSpec {
  entityType: ConfigEntityType;
  /** Topic name, broker id, or '' for the broker default. */
  entityName: string;
  add?: Array<[string, string]>;
  delete?: string[];
}

/** Reads the timestamp of the record at an offset (for time lag); null when none. */
export type RecordTimestampReader = (topic: string, partition: number, offset: bigint) => Promise<bigint | null>;

const MISSING_TOPIC = (topic: string) => `Topic 'Optional[${topic}]' does not exist as expected`;

/** Kafka prints topic ids as unpadded base64url of the 16 UUID bytes. */
export function topicIdToBase64(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return uuid;
  return Buffer.from(hex, 'hex').toString('base64url');
}

export type { ResetOffsetsResult, ResetOffsetsSpec } from './consumer-group-admin.js';
export { watchGroupLag } from './consumer-group-admin.js';

/** Runs a raw API call; a ResponseError (error codes inside the answer) yields the answer it carries. */
async function withPartialResponse<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const response = (error as { response?: T }).response;
    if (error instanceof ResponseError && response !== undefined) return response;
    throw error;
  }
}

export class AdminClient {
  readonly #admin: Admin;
  /** What the consumer-group operations (consumer-group-admin) use of this facade. */
  readonly #groupOps: groupOps.GroupOpsDeps;

  constructor(deps: { admin: Admin; readTimestamp?: RecordTimestampReader }) {
    this.#admin = deps.admin;
    this.#groupOps = {
      admin: deps.admin,
      call: (what, fn) => this.#call(what, fn),
      listTopics: () => this.listTopics(),
      listGroups: () => this.listGroups(),
      listOffsets: (partitions, spec) => this.listOffsets(partitions, spec),
      committedOffsets: (group) => this.committedOffsets(group),
      topicPartitions: (topics) => this.#topicPartitions(topics),
      readTimestamp: deps.readTimestamp,
    };
  }

  static open(options: KafkaConnectOptions & { readTimestamp?: RecordTimestampReader }): AdminClient {
    const admin = new Admin(baseClientOptions(options, 'streamctl-admin'));
    return new AdminClient({ admin, readTimestamp: options.readTimestamp });
  }

  async close(): Promise<void> {
    await this.#admin.close().catch(() => undefined);
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStreamctlError(error, what);
    }
  }

  // ---- topics -------------------------------------------------------------------------

  async createTopic(spec: CreateTopicSpec): Promise<CreateTopicResult> {
    const collisionWarning = /[._]/.test(spec.topic);
    if (spec.replicaAssignment && (spec.partitions !== undefined || spec.replicationFactor !== undefined)) {
      throw new StreamctlError('USAGE', `Option "[replica-assignment]" can't be used with option "[partitions]" or "[replication-factor]"`);
    }
    if (spec.replicationFactor !== undefined && (spec.replicationFactor < 1 || spec.replicationFactor > 32767)) {
      throw new StreamctlError('USAGE', 'The replication factor must be between 1 and 32767 inclusive');
    }
    if (spec.partitions !== undefined && spec.partitions < 1) {
      throw new StreamctlError('USAGE', 'The partitions must be greater than 0');
    }
    try {
      await this.#admin.createTopics({
        topics: [spec.topic],
        partitions: spec.replicaAssignment ? -1 : (spec.partitions ?? -1),
        replicas: spec.replicaAssignment ? -1 : (spec.replicationFactor ?? -1),
        assignments: spec.replicaAssignment?.map((brokers, partition) => ({ partition, brokers })),
        configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      });
      return { topic: spec.topic, created: true, collisionWarning };
    } catch (error) {
      const kafka = findKafkaError(error);
      if (kafka?.id === 'TOPIC_ALREADY_EXISTS') {
        if (spec.ifNotExists) return { topic: spec.topic, created: false, collisionWarning };
        throw new StreamctlError('KAFKA', `Topic '${spec.topic}' already exists.`, { cause: error, kafkaErrorCode: kafka.code });
      }
      throw toStreamctlError(error);
    }
  }

  /** Topic names, sorted; internal topics unless excluded. */
  async listTopics(options: { excludeInternal?: boolean; topic?: string } = {}): Promise<string[]> {
    // Straight from Metadata: the client library's listTopics fails while a partition has no leader.
    const metadata = await this.#call('listing topics', () => this.#rawMetadata(null));
    const names = metadata.topics.filter((t) => t.name !== null && !(options.excludeInternal && t.isInternal)).map((t) => t.name!);
    const matches = topicMatcher(options.topic);
    return names.filter(matches).sort();
  }

  /** Resolves `--topic` (a name or regex) to existing topics; Kafka's error when none match. */
  async #resolveTopics(topic: string | undefined, options: { excludeInternal?: boolean; ifExists?: boolean }): Promise<string[]> {
    const topics = await this.listTopics({ excludeInternal: options.excludeInternal, topic });
    if (topic !== undefined && topics.length === 0 && !options.ifExists) throw new StreamctlError('NOT_FOUND', MISSING_TOPIC(topic));
    return topics;
  }

  async describeTopics(options: { topic?: string; excludeInternal?: boolean; ifExists?: boolean } = {}): Promise<DescribeTopicsResult> {
    const names = await this.#resolveTopics(options.topic, options);
    if (names.length === 0) return { topics: [], liveBrokers: [], brokerAddresses: [], elrKnown: false };
    // Raw Metadata, kept when partitions carry errors (a partition without a leader answers
    // LEADER_NOT_AVAILABLE with leader -1: Kafka's tools print `Leader: none`).
    const metadata = await this.#call('describing topics', () => this.#rawMetadata(names));
    const elr = await this.#describeTopicPartitions(names);
    const configs = await this.#call('describing topic configs', () =>
      this.#admin.describeConfigs({
        resources: names.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name })),
        includeSynonyms: false,
      }),
    );
    const topics: TopicDescription[] = names.map((name) => {
      const raw = metadata.topics.find((t) => t.name === name);
      const meta = raw
        ? {
            id: raw.topicId,
            partitions: [...raw.partitions]
              .sort((a, b) => a.partitionIndex - b.partitionIndex)
              .map((p) => ({ leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas })),
          }
        : undefined;
      const cfg = configs.find((c) => c.resourceName === name)?.configs ?? [];
      const minIsr = cfg.find((c) => c.name === 'min.insync.replicas')?.value;
      const partitions: PartitionDescription[] = (meta?.partitions ?? []).map((p, index) => {
        const e = elr?.get(`${name}:${index}`);
        return {
          partition: index,
          leader: p.leader >= 0 ? p.leader : null,
          replicas: p.replicas,
          isr: p.isr,
          elr: e ? e.elr : null,
          lastKnownElr: e ? e.lastKnownElr : null,
        };
      });
      return {
        topic: name,
        topicId: meta ? topicIdToBase64(meta.id) : ZERO_UUID,
        internal: raw?.isInternal ?? false,
        partitions,
        configs: cfg.filter((c) => c.configSource !== 5).map((c) => ({ name: c.name, value: c.value ?? null })),
        minInsyncReplicas: minIsr ? Number(minIsr) : null,
      };
    });
    const brokerAddresses = metadata.brokers.map((b) => ({ broker: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.broker - b.broker);
    return { topics, liveBrokers: brokerAddresses.map((b) => b.broker), brokerAddresses, elrKnown: elr !== undefined };
  }

  async #bootstrapConnection(): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      (this.#admin as unknown as Record<symbol, (cb: (e: Error | null, c?: unknown) => void) => void>)[kGetBootstrapConnection]!((e, c) =>
        e ? reject(e) : resolve(c),
      );
    });
  }

  /** Metadata v12 for these topics (null: all), with the answer kept when parts of it carry errors. */
  async #rawMetadata(names: string[] | null) {
    const connection = await this.#bootstrapConnection();
    // A null topic list asks for every topic (the codec writes a null array).
    return withPartialResponse(() => metadataV12.api.async(connection as Parameters<typeof metadataV12.api.async>[0], names as string[], false, false));
  }

  /** ELR lists via DescribeTopicPartitions when the broker has it (Kafka 3.8+); undefined otherwise. */
  async #describeTopicPartitions(names: string[]): Promise<Map<string, { elr: number[]; lastKnownElr: number[] }> | undefined> {
    try {
      const apis = await this.#admin.listApis();
      if (!apis.some((a) => a.apiKey === 75)) return undefined;
      const connection = await this.#bootstrapConnection();
      const result = new Map<string, { elr: number[]; lastKnownElr: number[] }>();
      let cursor: { topicName: string; partitionIndex: number } | undefined;
      do {
        const response = await withPartialResponse(() => describeTopicPartitionsV0.api.async(
          connection as Parameters<typeof describeTopicPartitionsV0.api.async>[0],
          names.map((name) => ({ name })),
          2000,
          cursor,
        ));
        for (const t of response.topics) {
          for (const p of t.partitions) {
            result.set(`${t.name}:${p.partitionIndex}`, { elr: p.eligibleLeaderReplicas ?? [], lastKnownElr: p.lastKnownElr ?? [] });
          }
        }
        cursor = response.nextCursor && response.nextCursor.topicName ? response.nextCursor : undefined;
      } while (cursor);
      return result;
    } catch {
      return undefined;
    }
  }

  /**
   * `topics alter --partitions N` for every matching topic. With `replicaAssignment` (all
   * partitions, as kafka-topics takes it) the entries past each topic's current partition
   * count place the new partitions.
   */
  async alterPartitions(options: { topic: string; partitions: number; ifExists?: boolean; replicaAssignment?: number[][] }): Promise<string[]> {
    const names = await this.#resolveTopics(options.topic, { excludeInternal: false, ifExists: options.ifExists });
    if (names.length === 0) return [];
    const existing = options.replicaAssignment ? await this.#topicPartitions(names) : [];
    const assignmentsFor = (name: string) => {
      if (!options.replicaAssignment) return [];
      const current = existing.filter((p) => p.topic === name).length;
      const added = options.replicaAssignment.slice(current);
      if (added.length !== options.partitions - current) {
        throw new StreamctlError('USAGE', `The replica assignment has ${options.replicaAssignment.length} partitions but the topic '${name}' would have ${options.partitions}`);
      }
      return added.map((brokerIds) => ({ brokerIds }));
    };
    const topics = names.map((name) => ({ name, count: options.partitions, assignments: assignmentsFor(name) }));
    await this.#call('', () => this.#admin.createPartitions({ topics }));
    return names;
  }

  async deleteTopics(options: { topic: string; ifExists?: boolean }): Promise<string[]> {
    const names = await this.#resolveTopics(options.topic, { excludeInternal: false, ifExists: options.ifExists });
    if (names.length === 0) return [];
    await this.#call('', () => this.#admin.deleteTopics({ topics: names }));
    return names;
  }

  /** Log start (earliest) or end (latest) offsets, keyed `topic:partition`. */
  async listOffsets(partitions: Array<{ topic: string; partition: number }>, spec: 'earliest' | 'latest' | bigint): Promise<Map<string, bigint>> {
    const result = new Map<string, bigint>();
    if (partitions.length === 0) return result;
    const timestamp = spec === 'earliest' ? -2n : spec === 'latest' ? -1n : spec;
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    const listed = await this.#call('listing offsets', () =>
      this.#admin.listOffsets({
        topics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) })),
      }),
    );
    for (const t of listed) for (const p of t.partitions) result.set(`${t.name}:${p.partitionIndex}`, p.offset);
    return result;
  }

  async #topicPartitions(topics: string[]): Promise<Array<{ topic: string; partition: number }>> {
    if (topics.length === 0) return [];
    const metadata = await this.#call('describing topics', () => this.#admin.metadata({ topics }));
    return topics.flatMap((topic) => {
      const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
      return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
    });
  }

  // ---- configs ------------------------------------------------------------------------

  async describeConfigs(options: { entityType: ConfigEntityType; entityName?: string }): Promise<ConfigResourceDescription[]> {
    let names: string[];
    if (options.entityName !== undefined) {
      names = [options.entityName];
    } else if (options.entityType === 'topics') {
      names = await this.listTopics();
    } else {
      const metadata = await this.#call('describing cluster', () => this.#admin.metadata({ topics: [] }));
      names = [...[...metadata.brokers.keys()].sort((a, b) => a - b).map(String), ''];
    }
    if (options.entityType === 'brokers') {
      for (const name of names) {
        if (name !== '' && !/^-?\d+$/.test(name)) {
          throw new StreamctlError('USAGE', `The entity name for brokers must be a valid integer broker id, found: ${name}`);
        }
      }
    }
    if (options.entityType === 'topics' && options.entityName !== undefined) {
      const existing = await this.listTopics();
      if (!existing.includes(options.entityName)) {
        throw new StreamctlError('NOT_FOUND', `The topic '${options.entityName}' does not exist.`);
      }
    }
    if (names.length === 0) return [];
    const resourceType = options.entityType === 'topics' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER;
    // The client library routes a broker resource to the broker its name numbers, which
    // sends the cluster default ('') to a broker 0: that one goes on the bootstrap connection.
    const named = names.filter((n) => resourceType !== ConfigResourceTypes.BROKER || n !== '');
    const described =
      named.length === 0
        ? []
        : await this.#call('describing configs', () =>
            this.#admin.describeConfigs({ resources: named.map((resourceName) => ({ resourceType, resourceName })), includeSynonyms: true }),
          );
    if (named.length < names.length) described.push(await this.#describeBrokerDefault());
    return names.map((name) => {
      const found = described.find((d) => d.resourceName === name);
      return {
        entityType: options.entityType,
        entityName: name,
        entries: (found?.configs ?? []).map((c) => ({
          name: c.name,
          value: c.value ?? null,
          source: configSourceName(c.configSource),
          sensitive: c.isSensitive,
          readOnly: c.readOnly,
          synonyms: (c.synonyms ?? []).map((s) => ({ name: s.name, value: s.value ?? null, source: configSourceName(s.source) })),
        })),
      };
    });
  }

  async alterConfigs(spec: AlterConfigSpec): Promise<void> {
    const deletes = spec.delete ?? [];
    if (deletes.length > 0) {
      const [current] = await this.describeConfigs({ entityType: spec.entityType, entityName: spec.entityName });
      const wanted =
        spec.entityType === 'topics' ? 'DYNAMIC_TOPIC_CONFIG' : spec.entityName === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
      const set = new Set((current?.entries ?? []).filter((e) => e.source === wanted).map((e) => e.name));
      const invalid = deletes.filter((k) => !set.has(k));
      if (invalid.length > 0) throw new StreamctlError('INVALID_CONFIG', `Invalid config(s): ${invalid.join(',')}`);
    } else if (spec.entityType === 'topics') {
      const existing = await this.listTopics();
      if (!existing.includes(spec.entityName)) throw new StreamctlError('NOT_FOUND', `The topic '${spec.entityName}' does not exist.`);
    }
    const resourceType = spec.entityType === 'topics' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER;
    const resource = {
      resourceType,
      resourceName: spec.entityName,
      configs: [
        ...(spec.add ?? []).map(([name, value]) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
        ...deletes.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
      ],
    };
    if (resourceType === ConfigResourceTypes.BROKER && spec.entityName === '') {
      // The cluster default goes on the bootstrap connection (see describeConfigs).
      const connection = (await this.#bootstrapConnection()) as Parameters<typeof incrementalAlterConfigsV1.api.async>[0];
      const res = await this.#call('', () => incrementalAlterConfigsV1.api.async(connection, [resource], false));
      const failed = res.responses.find((r) => r.errorCode !== 0);
      if (failed) throw new StreamctlError('KAFKA', failed.errorMessage ?? `error code ${failed.errorCode}`, { kafkaErrorCode: failed.errorCode });
      return;
    }
    await this.#call('', () => this.#admin.incrementalAlterConfigs({ resources: [resource] }));
  }

  /** DescribeConfigs for the cluster-wide broker default, shaped like the library's answer. */
  async #describeBrokerDefault() {
    const connection = (await this.#bootstrapConnection()) as Parameters<typeof describeConfigsV4.api.async>[0];
    const res = await this.#call('describing configs', () =>
      describeConfigsV4.api.async(connection, [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '', configurationKeys: null }], true, false),
    );
    const r = res.results[0];
    if (!r || r.errorCode !== 0) throw new StreamctlError('KAFKA', r?.errorMessage ?? 'no answer for the broker default', { kafkaErrorCode: r?.errorCode });
    return { resourceType: ConfigResourceTypes.BROKER, resourceName: '', configs: r.configs };
  }

  // ---- groups -------------------------------------------------------------------------

  /** Consumer groups (protocol type `consumer` or empty), sorted by id. */
  async listGroups(options: { states?: GroupState[]; types?: GroupType[] } = {}): Promise<GroupListing[]> {
    // @platformatic/kafka asks for classic groups only unless told: ask for both kinds.
    const groups = await this.#call('listing groups', () => this.#admin.listGroups({ types: ['classic', 'consumer'] }));
    return [...groups.values()]
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => ({ group: g.id, state: normalizeGroupState(g.state), protocolType: g.protocolType, type: groupType(g.groupType) }))
      .filter((g) => !options.states || options.states.length === 0 || options.states.includes(g.state))
      .filter((g) => !options.types || options.types.length === 0 || options.types.includes(g.type ?? 'Classic'))
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  /** Committed offsets of a group, keyed `topic:partition` (only partitions with a commit). */
  async committedOffsets(group: string): Promise<Map<string, { offset: bigint; leaderEpoch: number }>> {
    const result = new Map<string, { offset: bigint; leaderEpoch: number }>();
    const listed = await this.#call('fetching committed offsets', () => this.#admin.listConsumerGroupOffsets({ groups: [group] }));
    for (const g of listed) {
      for (const t of g.topics) {
        for (const p of t.partitions) {
          if (p.committedOffset >= 0n) result.set(`${t.name}:${p.partitionIndex}`, { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch });
        }
      }
    }
    return result;
  }

  // ---- group operations (consumer-group-admin) -----------------------------------------

  describeGroupOffsets(groups: string[]): Promise<GroupOffsetsView[]> {
    return groupOps.describeGroupOffsets(this.#groupOps, groups);
  }

  describeGroupMembers(groups: string[]): Promise<GroupMembersView[]> {
    return groupOps.describeGroupMembers(this.#groupOps, groups);
  }

  describeGroupStates(groups: string[]): Promise<GroupStateView[]> {
    return groupOps.describeGroupStates(this.#groupOps, groups);
  }

  resetOffsets(spec: groupOps.ResetOffsetsSpec): Promise<groupOps.ResetOffsetsResult> {
    return groupOps.resetOffsets(this.#groupOps, spec);
  }

  deleteGroups(groups: string[]): Promise<{ deleted: string[]; failed: Array<{ group: string; error: string }> }> {
    return groupOps.deleteGroups(this.#groupOps, groups);
  }

  deleteOffsets(group: string, topicArgs: string[]): Promise<DeleteOffsetsResult> {
    return groupOps.deleteOffsets(this.#groupOps, group, topicArgs);
  }

  /** Lag per group and topic, in records and (from record timestamps) in time. */
  groupLag(options: { groups?: string[] } = {}): Promise<GroupLag[]> {
    return groupOps.groupLag(this.#groupOps, options);
  }
}

/** ListGroups v5's group type ("consumer", "classic"; older brokers send none: classic). */
function groupType(raw: string | undefined): GroupType {
  return raw?.toLowerCase() === 'consumer' ? 'Consumer' : 'Classic';
}
