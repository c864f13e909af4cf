// storm-kafka-client's classes as Flux files write them (KafkaSpoutConfig$Builder with
// setProp/setFirstPollOffsetStrategy..., KafkaSpoutConfig, KafkaSpout, KafkaBolt with
// withProducerProperties/withTopicSelector/withTupleToKafkaMapper, DefaultTopicSelector,
// FieldNameBasedTupleToKafkaMapper, java.util.Properties), mapped onto streamctl's
// KafkaSpout and KafkaBolt. Method names are Storm's, so Flux's configMethods and
// properties (setX) work unchanged. Plain objects; used while building a topology.
import { KafkaBolt, type KafkaBoltOptions } from '../connectors/kafka-bolt.js';
import { KafkaSpout, type FirstPollOffsetStrategy, type KafkaSpoutOptions, type KafkaSpoutRecord } from '../connectors/kafka-spout.js';

const STRATEGIES: readonly string[] = ['EARLIEST', 'LATEST', 'UNCOMMITTED_EARLIEST', 'UNCOMMITTED_LATEST'];

/** java.util.Properties / Map: `put` and `setProperty`. */
export class JavaProperties {
  readonly entries: Record<string, unknown> = {};
  constructor(initial?: Record<string, unknown>) {
    if (initial && typeof initial === 'object') Object.assign(this.entries, initial);
  }
  put(key: string, value: unknown): void {
    this.entries[String(key)] = value;
  }
  setProperty(key: string, value: unknown): void {
    this.put(key, value);
  }
  putAll(map: Record<string, unknown>): void {
    Object.assign(this.entries, map instanceof JavaProperties ? map.entries : map);
  }
}

/** A record translator from a user module: an object with `apply(record)` returning values, and `getFieldsFor(stream)`/`fields`. */
interface RecordTranslatorLike {
  apply(record: KafkaSpoutRecord): unknown[] | null | undefined;
  getFieldsFor?(stream: string): string[] | { toList(): string[] };
  fields?: string[];
}

/** flux-examples' OnlyValueRecordTranslator: the record's value (as a string) on field "value". */
export class OnlyValueRecordTranslator implements RecordTranslatorLike {
  readonly fields = ['value'];
  apply(record: KafkaSpoutRecord): unknown[] {
    return [record.value?.toString('utf8') ?? null];
  }
}

/** KafkaSpoutConfig.Builder(bootstrapServers, topics...). */
export class KafkaSpoutConfigBuilder {
  readonly options: KafkaSpoutOptions;
  readonly props: Record<string, unknown> = {};

  constructor(bootstrapServers: string, ...topics: Array<string | string[]>) {
    const list = topics.flat().map(String);
    if (typeof bootstrapServers !== 'string' || bootstrapServers === '') throw new TypeError('KafkaSpoutConfig.Builder needs the bootstrap servers as its first argument');
    if (list.length === 0) throw new TypeError('KafkaSpoutConfig.Builder needs at least one topic');
    this.options = { topic: list.length === 1 ? list[0]! : list, bootstrapServers };
  }
  setProp(key: string | Record<string, unknown>, value?: unknown): this {
    if (typeof key === 'object' && key !== null) Object.assign(this.props, key instanceof JavaProperties ? key.entries : key);
    else this.props[String(key)] = value;
    return this;
  }
  setProps(map: Record<string, unknown>): this {
    return this.setProp(map);
  }
  setFirstPollOffsetStrategy(strategy: string): this {
    const s = String(strategy).toUpperCase();
    if (!STRATEGIES.includes(s)) throw new TypeError(`firstPollOffsetStrategy must be one of ${STRATEGIES.join(', ')}, got '${String(strategy)}'`);
    this.options.firstPollOffsetStrategy = s as FirstPollOffsetStrategy;
    return this;
  }
  setOffsetCommitPeriodMs(ms: number): this {
    this.options.commitIntervalMs = Number(ms);
    return this;
  }
  setMaxUncommittedOffsets(n: number): this {
    this.options.maxUncommittedOffsets = Number(n);
    return this;
  }
  setRecordTranslator(translator: RecordTranslatorLike): this {
    if (typeof translator?.apply !== 'function') throw new TypeError('recordTranslator must be an object with apply(record)');
    this.options.translator = (r) => translator.apply(r);
    const fields = translator.getFieldsFor?.('default') ?? translator.fields;
    if (fields) this.options.outputFields = Array.isArray(fields) ? [...fields] : fields.toList();
    return this;
  }
  // Accepted for compatibility; streamctl's spout has fixed behaviour for these.
  setProcessingGuarantee(_g: string): this {
    return this;
  }
  setPollTimeoutMs(_ms: number): this {
    return this;
  }
  setPartitionRefreshPeriodMs(_ms: number): this {
    return this;
  }
  setTupleTrackingEnforced(_b: boolean): this {
    return this;
  }
  setEmitNullTuples(_b: boolean): this {
    return this;
  }
  build(): KafkaSpoutConfig {
    return new KafkaSpoutConfig(this);
  }
}

/** KafkaSpoutConfig(builder): the spout options, consumer props mapped (group.id, session.timeout.ms, heartbeat.interval.ms). */
export class KafkaSpoutConfig {
  readonly options: KafkaSpoutOptions;
  constructor(builder: KafkaSpoutConfigBuilder) {
    if (!(builder instanceof KafkaSpoutConfigBuilder)) throw new TypeError('KafkaSpoutConfig takes a KafkaSpoutConfig$Builder (ref: its component id)');
    const o: KafkaSpoutOptions = { ...builder.options };
    const p = builder.props;
    if (p['group.id'] !== undefined) o.groupId = String(p['group.id']);
    if (p['session.timeout.ms'] !== undefined) o.sessionTimeoutMs = Number(p['session.timeout.ms']);
    if (p['heartbeat.interval.ms'] !== undefined) o.heartbeatIntervalMs = Number(p['heartbeat.interval.ms']);
    if (p['bootstrap.servers'] !== undefined) o.bootstrapServers = String(p['bootstrap.servers']);
    this.options = o;
  }
  static builder(bootstrapServers: string, ...topics: Array<string | string[]>): KafkaSpoutConfigBuilder {
    return new KafkaSpoutConfigBuilder(bootstrapServers, ...topics);
  }
}

/** KafkaSpout(KafkaSpoutConfig) as in storm-kafka-client, or KafkaSpout({topic, ...}) with streamctl's options. */
export class FluxKafkaSpout extends KafkaSpout {
  constructor(...args: [config?: KafkaSpoutConfig | KafkaSpoutOptions]) {
    const c = args[0];
    super(c instanceof KafkaSpoutConfig ? c.options : c);
  }
}

/** DefaultTopicSelector(topic). */
export class DefaultTopicSelector {
  constructor(readonly topic: string) {
    if (typeof topic !== 'string' || topic === '') throw new TypeError('DefaultTopicSelector needs a topic name');
  }
}

/** FieldNameBasedTupleToKafkaMapper(keyField = "key", messageField = "message"). */
export class FieldNameBasedTupleToKafkaMapper {
  constructor(
    readonly boltKeyField: string = 'key',
    readonly boltMessageField: string = 'message',
  ) {}
}

/** KafkaBolt configured with withProducerProperties / withTopicSelector / withTupleToKafkaMapper, or KafkaBolt({topic, ...}). */
export class FluxKafkaBolt extends KafkaBolt {
  constructor(...args: [options?: KafkaBoltOptions]) {
    super(args[0]);
  }
  /** Called by the Flux builder once configured: the topic must be set by now. */
  fluxCheck(): void {
    if (!(typeof this.options.topic === 'string' && this.options.topic.length > 0) && typeof this.options.topic !== 'function') {
      throw new TypeError('KafkaBolt needs a topic: configMethods withTopicSelector (a DefaultTopicSelector) or constructorArgs [{topic: ...}]');
    }
  }
  withProducerProperties(props: JavaProperties | Record<string, unknown>): this {
    const p = props instanceof JavaProperties ? props.entries : props;
    if (p['bootstrap.servers'] !== undefined) this.options.bootstrapServers = String(p['bootstrap.servers']);
    if (p.acks !== undefined) {
      const acks = String(p.acks) === 'all' ? -1 : Number(p.acks);
      if (acks !== -1 && acks !== 0 && acks !== 1) throw new TypeError(`producer acks must be all, -1, 0 or 1, got ${String(p.acks)}`);
      this.options.acks = acks;
    }
    if (p['linger.ms'] !== undefined) this.options.lingerMs = Number(p['linger.ms']);
    return this;
  }
  withTopicSelector(selector: DefaultTopicSelector | string): this {
    this.options.topic = typeof selector === 'string' ? selector : selector.topic;
    return this;
  }
  withTupleToKafkaMapper(mapper: FieldNameBasedTupleToKafkaMapper): this {
    this.options.keyField = mapper.boltKeyField;
    this.options.valueField = mapper.boltMessageField;
    return this;
  }
  setFireAndForget(b: boolean): this {
    if (b === true) this.options.acks = 0;
    return this;
  }
  setAsync(_b: boolean): this {
    return this;
  }
}
