// Engine facade over @platformatic/kafka's Admin for the kafka-topics, kafka-configs and
// kafka-consumer-groups style commands: topics, configs, groups, offsets and lag. Every
// method is one user-level operation and returns plain data for the pure formatters.
// Uses only standard Kafka APIs, so it works against streamctl and Apache Kafka alike.
// Concurrency: one instance per command run; methods may run concurrently (the client pools
// connections); close() once at the end.
import {
  Admin,
  ConfigResourceTypes,
  describeTopicPartitionsV0,
  FindCoordinatorKeyTypes,
  IncrementalAlterConfigOperationTypes,
  kGetBootstrapConnection,
  metadataV12,
  protocolErrorsCodesById,
} from '@platformatic/kafka';
import { StreamctlError } from '../common/errors.js';
import { mapConcurrent } from '../common/map-concurrent.js';
import { baseClientOptions, findKafkaError, type KafkaConnectOptions, toStreamctlError } from './client-options.js';
import { configSourceName, type ConfigEntityType, type ConfigResourceDescription } from './configs-format.js';
import { computeGroupLag, type GroupLag, partitionLag, type PartitionLagInput } from './consumer-lag.js';
import {
  type DeleteOffsetsResult,
  type GroupListing,
  type GroupMembersView,
  type GroupOffsetsView,
  type GroupState,
  type GroupStateView,
  normalizeGroupState,
  type PartitionOffsetRow,
  type ResetOffsetsRow,
} from './groups-format.js';
import { parseTopicPartitionsArg, planResetOffsets, type PartitionResetInput, type ResetScenario, resetTimestamp } from './offset-reset-plan.js';
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
  brokerAddresses: Array<{ id: number; host: string; port: number }>;
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

export interface ResetOffsetsSpec {
  groups: string[];
  /** `t` or `t:0,1`; ignored with allTopics. */
  topics: string[];
  allTopics: boolean;
  scenario: ResetScenario;
  execute: boolean;
  nowMs?: number;
}

export interface ResetOffsetsResult {
  rows: ResetOffsetsRow[];
  /** Groups in the result (active groups count, with no rows). */
  groupCount: number;
  stdout: string;
  stderr: string;
  /** Groups that could not be reset (active). */
  failedGroups: string[];
  executed: boolean;
}

/** Reads the timestamp of the record at an offset (for time lag); null when none. */
export type RecordTimestampReader = (topic: string, partition: number, offset: bigint) => Promise<bigint | null>;

/** Groups (and one group's partitions) whose lag is read at once. */
const LAG_CONCURRENCY = 8;

const MISSING_TOPIC = (topic: string) => `Topic 'Optional[${topic}]' does not exist as expected`;

/** Kafka prints topic ids as unpadded base64url of the 16 UUID bytes. */
export function topicIdToBase64(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return uuid;
  return Buffer.from(hex, 'hex').toString('base64url');
}

function errorName(code: number): string {
  return (protocolErrorsCodesById as Record<number, string>)[code] ?? `UNKNOWN_ERROR_${code}`;
}

function findResponse(error: unknown): Record<string, unknown> | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): Record<string, unknown> | undefined => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const err = e as { response?: unknown; errors?: unknown[]; cause?: unknown };
    if (err.response && typeof err.response === 'object') return err.response as Record<string, unknown>;
    for (const inner of err.errors ?? []) {
      const found = visit(inner);
      if (found) return found;
    }
    return visit(err.cause);
  };
  return visit(error);
}

export class AdminClient {
  readonly #admin: Admin;
  readonly #readTimestamp: RecordTimestampReader | undefined;

  constructor(deps: { admin: Admin; readTimestamp?: RecordTimestampReader }) {
    this.#admin = deps.admin;
    this.#readTimestamp = deps.readTimestamp;
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
    const names = await this.#call('listing topics', () => this.#admin.listTopics({ includeInternals: !options.excludeInternal }));
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
    const metadata = await this.#call('describing topics', () => this.#admin.metadata({ topics: names, forceUpdate: true }));
    // The client library leaves internal topics (__consumer_offsets) out of its metadata
    // cache; ask the broker directly for those.
    const internal = names.filter((n) => !metadata.topics.get(n));
    const rawInternal = internal.length > 0 ? await this.#rawMetadata(internal).catch(() => undefined) : undefined;
    const elr = await this.#describeTopicPartitions(names);
    const configs = await this.#call('describing topic configs', () =>
      this.#admin.describeConfigs({
        resources: names.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name })),
        includeSynonyms: false,
      }),
    );
    const topics: TopicDescription[] = names.map((name) => {
      const raw = rawInternal?.topics.find((t) => t.name === name);
      const meta =
        metadata.topics.get(name) ??
        (raw
          ? {
              id: raw.topicId,
              partitions: [...raw.partitions]
                .sort((a, b) => a.partitionIndex - b.partitionIndex)
                .map((p) => ({ leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas })),
            }
          : undefined);
      const cfg = configs.find((c) => c.resourceName === name)?.configs ?? [];
      const minIsr = cfg.find((c) => c.name === 'min.insync.replicas')?.value;
      const partitions: PartitionDescription[] = (meta?.partitions ?? []).map((p, index) => {
        const e = elr?.get(`${name}:${index}`);
        return {
          partition: index,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          elr: e ? e.elr : null,
          lastKnownElr: e ? e.lastKnownElr : null,
        };
      });
      return {
        name,
        topicId: meta ? topicIdToBase64(meta.id) : ZERO_UUID,
        internal: raw?.isInternal ?? false,
        partitions,
        configs: cfg.filter((c) => c.configSource !== 5).map((c) => ({ name: c.name, value: c.value ?? null })),
        minInsyncReplicas: minIsr ? Number(minIsr) : undefined,
      };
    });
    const brokerAddresses = [...metadata.brokers].map(([id, b]) => ({ id, host: b.host, port: b.port })).sort((a, b) => a.id - b.id);
    return { topics, liveBrokers: brokerAddresses.map((b) => b.id), brokerAddresses, elrKnown: elr !== undefined };
  }

  async #bootstrapConnection(): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      (this.#admin as unknown as Record<symbol, (cb: (e: Error | null, c?: unknown) => void) => void>)[kGetBootstrapConnection]!((e, c) =>
        e ? reject(e) : resolve(c),
      );
    });
  }

  async #rawMetadata(names: string[]) {
    const connection = await this.#bootstrapConnection();
    return metadataV12.api.async(connection as Parameters<typeof metadataV12.api.async>[0], names, false, false);
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
        const response = await describeTopicPartitionsV0.api.async(
          connection as Parameters<typeof describeTopicPartitionsV0.api.async>[0],
          names.map((name) => ({ name })),
          2000,
          cursor,
        );
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
    const described = await this.#call('describing configs', () =>
      this.#admin.describeConfigs({ resources: names.map((resourceName) => ({ resourceType, resourceName })), includeSynonyms: true }),
    );
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
    await this.#call('', () =>
      this.#admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType,
            resourceName: spec.entityName,
            configs: [
              ...(spec.add ?? []).map(([name, value]) => ({ name, value, configOperation: IncrementalAlterConfigOperationTypes.SET })),
              ...deletes.map((name) => ({ name, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
            ],
          },
        ],
      }),
    );
  }

  // ---- groups -------------------------------------------------------------------------

  /** Consumer groups (protocol type `consumer` or empty), sorted by id. */
  async listGroups(options: { states?: GroupState[] } = {}): Promise<GroupListing[]> {
    const groups = await this.#call('listing groups', () => this.#admin.listGroups());
    return [...groups.values()]
      .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
      .map((g) => ({ groupId: g.id, state: normalizeGroupState(g.state), protocolType: g.protocolType }))
      .filter((g) => !options.states || options.states.length === 0 || options.states.includes(g.state))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async #describeGroups(groups: string[]) {
    const described = await this.#call('describing groups', () => this.#admin.describeGroups({ groups }));
    return described;
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

  async describeGroupOffsets(groups: string[]): Promise<GroupOffsetsView[]> {
    const described = await this.#describeGroups(groups);
    const views: GroupOffsetsView[] = [];
    for (const group of groups) {
      const d = described.get(group);
      if (!d) {
        views.push({ group, state: null, rows: [] });
        continue;
      }
      const state = normalizeGroupState(d.state);
      const committed = await this.committedOffsets(group);
      const members = [...d.members.values()]
        .map((m) => ({
          m,
          partitions: [...(m.assignments?.values() ?? [])].flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition }))),
        }))
        .filter((x) => x.partitions.length > 0)
        .sort((a, b) => b.partitions.length - a.partitions.length);
      const assigned = new Set(members.flatMap((x) => x.partitions.map((p) => `${p.topic}:${p.partition}`)));
      const unassigned = [...committed.keys()]
        .filter((k) => !assigned.has(k))
        .map((k) => {
          const i = k.lastIndexOf(':');
          return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
        });
      const all = [...members.flatMap((x) => x.partitions), ...unassigned];
      const ends = await this.listOffsets(all, 'latest').catch(() => new Map<string, bigint>());
      const rowsFor = (partitions: Array<{ topic: string; partition: number }>, who: { id: string; host: string; clientId: string } | null) =>
        [...partitions]
          .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1))
          .map((p): PartitionOffsetRow => {
            const key = `${p.topic}:${p.partition}`;
            const c = committed.get(key);
            const end = ends.get(key) ?? null;
            return {
              group,
              topic: p.topic,
              partition: p.partition,
              leaderEpoch: c && c.leaderEpoch >= 0 ? c.leaderEpoch : null,
              currentOffset: c?.offset ?? null,
              logEndOffset: end,
              lag: partitionLag(c?.offset ?? null, end),
              consumerId: who?.id ?? '-',
              host: who?.host ?? '-',
              clientId: who?.clientId ?? '-',
            };
          });
      const rows = [
        ...members.flatMap((x) => rowsFor(x.partitions, { id: x.m.id, host: x.m.clientHost, clientId: x.m.clientId })),
        ...rowsFor(unassigned, null),
      ];
      views.push({ group, state, rows });
    }
    return views;
  }

  async describeGroupMembers(groups: string[]): Promise<GroupMembersView[]> {
    const described = await this.#describeGroups(groups);
    return groups.map((group) => {
      const d = described.get(group);
      if (!d) return { group, state: null, members: [] };
      return {
        group,
        state: normalizeGroupState(d.state),
        members: [...d.members.values()].map((m) => ({
          group,
          consumerId: m.id,
          groupInstanceId: m.groupInstanceId ?? '',
          host: m.clientHost,
          clientId: m.clientId,
          assignment: [...(m.assignments?.values() ?? [])].map((a) => ({ topic: a.topic, partitions: [...a.partitions] })),
        })),
      };
    });
  }

  async describeGroupStates(groups: string[]): Promise<GroupStateView[]> {
    const described = await this.#describeGroups(groups);
    const coordinators = await this.#call('finding coordinators', () =>
      this.#admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: groups }),
    );
    return groups.map((group) => {
      const d = described.get(group);
      const c = coordinators.find((x) => x.key === group);
      return {
        group,
        state: d ? normalizeGroupState(d.state) : 'Dead',
        coordinator: c ? { host: c.host, port: c.port, id: c.nodeId } : null,
        assignmentStrategy: d?.protocol ?? '',
        members: d?.members.size ?? 0,
      };
    });
  }

  async resetOffsets(spec: ResetOffsetsSpec): Promise<ResetOffsetsResult> {
    const result: ResetOffsetsResult = { rows: [], groupCount: 0, stdout: '', stderr: '', failedGroups: [], executed: spec.execute };
    const described = await this.#describeGroups(spec.groups);
    for (const group of spec.groups) {
      result.groupCount += 1;
      const state = described.get(group) ? normalizeGroupState(described.get(group)!.state) : 'Dead';
      if (state !== 'Empty' && state !== 'Dead') {
        result.stdout += `\nError: Assignments can only be reset if the group '${group}' is inactive, but the current state is ${state}.\n`;
        result.failedGroups.push(group);
        continue;
      }
      const committed = await this.committedOffsets(group);
      let partitions: Array<{ topic: string; partition: number }>;
      const fromFile = spec.scenario.kind === 'from-file' ? (spec.scenario.offsets.get(group) ?? new Map<string, bigint>()) : undefined;
      if (fromFile) {
        partitions = [...fromFile.keys()].map((k) => ({ topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1)) }));
      } else if (spec.allTopics) {
        partitions = [...committed.keys()].map((k) => {
          const i = k.lastIndexOf(':');
          return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
        });
      } else {
        const parsed = spec.topics.map(parseTopicPartitionsArg);
        const whole = parsed.filter((p) => p.partitions === null).map((p) => p.topic);
        const existing = new Set(await this.listTopics());
        const missingTopics = whole.filter((t) => !existing.has(t));
        if (missingTopics.length > 0) {
          throw new StreamctlError('NOT_FOUND', `This server does not host this topic-partition. (${missingTopics.join(', ')})`);
        }
        partitions = [
          ...parsed.flatMap((p) => (p.partitions ?? []).map((partition) => ({ topic: p.topic, partition }))),
          ...(await this.#topicPartitions(whole)),
        ];
        const known = new Set(
          (await this.#topicPartitions([...new Set(parsed.map((p) => p.topic))].filter((t) => existing.has(t)))).map((p) => `${p.topic}:${p.partition}`),
        );
        const missing = partitions.filter((p) => !known.has(`${p.topic}:${p.partition}`));
        if (missing.length > 0) {
          throw new StreamctlError('NOT_FOUND', `The partitions "${missing.map((p) => `${p.topic}-${p.partition}`).join(',')}" do not exist`);
        }
      }
      const starts = await this.listOffsets(partitions, 'earliest');
      const ends = await this.listOffsets(partitions, 'latest');
      const ts = resetTimestamp(spec.scenario, spec.nowMs ?? Date.now());
      const byTime = ts === null ? undefined : await this.listOffsets(partitions, BigInt(ts));
      const inputs: PartitionResetInput[] = partitions.map((p) => {
        const key = `${p.topic}:${p.partition}`;
        return {
          topic: p.topic,
          partition: p.partition,
          logStartOffset: starts.get(key) ?? 0n,
          logEndOffset: ends.get(key) ?? 0n,
          committed: committed.get(key)?.offset ?? null,
          offsetForTimestamp: byTime ? (byTime.get(key) ?? null) : undefined,
          planned: fromFile?.get(key),
        };
      });
      const plan = planResetOffsets(spec.scenario, inputs);
      result.stdout += plan.stdout;
      result.stderr += plan.stderr;
      if (spec.execute && plan.offsets.length > 0) {
        const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
        for (const o of plan.offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
        await this.#call('', () =>
          this.#admin.alterConsumerGroupOffsets({
            groupId: group,
            topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
          }),
        );
      }
      result.rows.push(...plan.offsets.map((o) => ({ group, ...o })));
    }
    return result;
  }

  async deleteGroups(groups: string[]): Promise<{ deleted: string[]; failed: Array<{ group: string; error: string }> }> {
    const deleted: string[] = [];
    const failed: Array<{ group: string; error: string }> = [];
    // One request per group so one failure does not hide the others' results.
    for (const group of groups) {
      try {
        await this.#admin.deleteGroups({ groups: [group] });
        deleted.push(group);
      } catch (error) {
        const kafka = findKafkaError(error);
        if (!kafka) throw toStreamctlError(error);
        failed.push({ group, error: `${kafka.id}` });
      }
    }
    return { deleted, failed };
  }

  async deleteOffsets(group: string, topicArgs: string[]): Promise<DeleteOffsetsResult> {
    const parsed = topicArgs.map(parseTopicPartitionsArg);
    const whole = parsed.filter((p) => p.partitions === null).map((p) => p.topic);
    const existing = new Set(await this.listTopics());
    const partitions: DeleteOffsetsResult['partitions'] = [];
    for (const t of whole.filter((t) => !existing.has(t))) {
      partitions.push({ topic: t, partition: -1, error: 'This server does not host this topic-partition.' });
    }
    const targets = [
      ...parsed.flatMap((p) => (p.partitions ?? []).map((partition) => ({ topic: p.topic, partition }))),
      ...(await this.#topicPartitions(whole.filter((t) => existing.has(t)))),
    ];
    const byTopic = new Map<string, number[]>();
    for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t.partition]);
    let topLevelError: string | null = null;
    try {
      if (byTopic.size > 0) {
        await this.#admin.deleteConsumerGroupOffsets({
          groupId: group,
          topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
        });
      }
      for (const t of targets) partitions.push({ ...t, error: null });
    } catch (error) {
      const kafka = findKafkaError(error);
      if (!kafka) throw toStreamctlError(error);
      const response = findResponse(error) as
        | { errorCode?: number; topics?: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> }
        | undefined;
      const partitionErrors = new Map<string, number>();
      for (const t of response?.topics ?? []) for (const p of t.partitions) partitionErrors.set(`${t.name}:${p.partitionIndex}`, p.errorCode);
      topLevelError = response?.errorCode ? errorName(response.errorCode) : kafka.id;
      for (const t of targets) {
        const code = partitionErrors.get(`${t.topic}:${t.partition}`) ?? (response?.errorCode || kafka.code);
        partitions.push({ ...t, error: code ? kafkaMessage(code) : null });
      }
    }
    if (topLevelError === null && partitions.some((p) => p.error !== null)) topLevelError = 'UNKNOWN_TOPIC_OR_PARTITION';
    return { group, topics: topicArgs, topLevelError, partitions };
  }

  // ---- lag ----------------------------------------------------------------------------

  /**
   * Per group and topic: lag in records and, from record timestamps, in time. Groups are
   * read LAG_CONCURRENCY at a time, and each group's timestamp reads likewise, so a cluster
   * with many groups or partitions answers in a few round trips rather than one per item.
   */
  async groupLag(options: { groups?: string[] } = {}): Promise<GroupLag[]> {
    const groups = options.groups && options.groups.length > 0 ? options.groups : (await this.listGroups()).map((g) => g.groupId);
    return mapConcurrent(groups, LAG_CONCURRENCY, (group) => this.#lagOf(group));
  }

  async #lagOf(group: string): Promise<GroupLag> {
    const committed = await this.committedOffsets(group);
    const partitions = [...committed.keys()].map((k) => {
      const i = k.lastIndexOf(':');
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)) };
    });
    const ends = await this.listOffsets(partitions, 'latest').catch(() => new Map<string, bigint>());
    const readTimestamp = this.#readTimestamp;
    const inputs = await mapConcurrent(partitions, LAG_CONCURRENCY, async (p): Promise<PartitionLagInput> => {
      const key = `${p.topic}:${p.partition}`;
      const c = committed.get(key)!.offset;
      const end = ends.get(key) ?? null;
      const input: PartitionLagInput = { ...p, committed: c, logEndOffset: end };
      if (readTimestamp && end !== null && end > c) {
        [input.committedRecordTimestamp, input.latestRecordTimestamp] = await Promise.all([
          readTimestamp(p.topic, p.partition, c).catch(() => null),
          readTimestamp(p.topic, p.partition, end - 1n).catch(() => null),
        ]);
      }
      return input;
    });
    return computeGroupLag(group, inputs);
  }
}

/** Samples group lag every `intervalMs` until the signal aborts (for `lag --watch`). */
export async function watchGroupLag(
  admin: AdminClient,
  options: { groups?: string[]; intervalMs: number; signal: AbortSignal },
  onSample: (lag: GroupLag[]) => void,
): Promise<void> {
  while (!options.signal.aborted) {
    onSample(await admin.groupLag({ groups: options.groups }));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.intervalMs);
      function done() {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', done);
        resolve();
      }
      options.signal.addEventListener('abort', done, { once: true });
    });
  }
}

function kafkaMessage(code: number): string {
  return errorName(code);
}
