// The classes a Flux `className` can name without a module: Storm's flux-wrappers
// (FluxShellBolt, FluxShellSpout, LogInfoBolt), storm-core's testing components
// (TestWordSpout, TestWordCounter), storm-kafka-client (flux-kafka.ts) and streamctl's short
// names. FLUX_BUILTINS is the one registry: adding a built-in is one line mapping its names
// to a class whose constructor takes Flux's constructorArgs and whose methods carry
// Storm's names (configMethods, setX properties). Used while building a topology.
import { BaseBasicBolt } from '../topology/bolt.js';
import type { BasicOutputCollector } from '../topology/collectors.js';
import type { OutputFieldsDeclarer } from '../topology/output-fields-declarer.js';
import { ShellBolt } from '../topology/shell-bolt.js';
import { ShellSpout } from '../topology/shell-spout.js';
import { BaseRichSpout } from '../topology/spout.js';
import type { SpoutOutputCollector } from '../topology/collectors.js';
import type { TopologyContext } from '../topology/topology-context.js';
import type { Tuple } from '../topology/tuple.js';
import type { Logger } from '../common/logger.js';
import { Count, Duration } from '../topology/windowing/window-config.js';
import { DefaultTopicSelector, FieldNameBasedTupleToKafkaMapper, FluxKafkaBolt, FluxKafkaSpout, JavaProperties, KafkaSpoutConfig, KafkaSpoutConfigBuilder, OnlyValueRecordTranslator } from './flux-kafka.js';

type ShellCommand = string | readonly string[];

function commandOf(command: unknown): ShellCommand {
  if (typeof command === 'string' && command !== '') return command;
  if (Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === 'string')) return command;
  throw new TypeError(`the command line must be a non-empty list of strings, e.g. ["python3", "splitsentence.py"], got ${JSON.stringify(command)}`);
}

/** Storm's FluxShellBolt(String[] command[, String[] outputFields]) with setDefaultStream/setNamedStream/addComponentConfig. */
export class FluxShellBolt extends ShellBolt {
  constructor(command: ShellCommand, outputFields?: readonly string[]) {
    super(commandOf(command));
    if (outputFields !== undefined) this.setDefaultStream(outputFields);
  }
  addComponentConfig(key: string, value: unknown): void {
    (this.componentConfig ??= {})[key] = value;
  }
}

/** Storm's FluxShellSpout(String[] command[, String[] outputFields]). */
export class FluxShellSpout extends ShellSpout {
  constructor(command: ShellCommand, outputFields?: readonly string[]) {
    super(commandOf(command));
    if (outputFields !== undefined) this.setDefaultStream(outputFields);
  }
  addComponentConfig(key: string, value: unknown): void {
    (this.componentConfig ??= {})[key] = value;
  }
}

/** Storm's LogInfoBolt: logs every tuple at INFO, emits nothing. */
export class LogInfoBolt extends BaseBasicBolt {
  #logger: Logger | undefined;
  override prepare(_conf: Readonly<Record<string, unknown>>, context: TopologyContext): void {
    this.#logger = context.getLogger();
  }
  execute(input: Tuple): void {
    this.#logger?.info('tuple', { source: input.getSourceComponent(), stream: input.getSourceStreamId(), values: input.getValues().map((v) => (typeof v === 'bigint' ? v.toString() : v)) });
  }
}

const TEST_WORDS = ['nathan', 'mike', 'jackson', 'golda', 'bertels'];

/** Storm's TestWordSpout: a random word of five every 100 ms on field "word" (unanchored). */
export class TestWordSpout extends BaseRichSpout {
  #collector: SpoutOutputCollector | undefined;
  #lastMs = 0;
  constructor(readonly isDistributed: boolean = true) {
    super();
  }
  override open(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, collector: SpoutOutputCollector): void {
    this.#collector = collector;
  }
  nextTuple(): void {
    const now = Date.now();
    if (now - this.#lastMs < 100) return;
    this.#lastMs = now;
    this.#collector!.emit([TEST_WORDS[Math.floor(Math.random() * TEST_WORDS.length)]!]);
  }
  declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(['word']);
  }
  override getComponentConfiguration(): Record<string, unknown> | undefined {
    return this.isDistributed ? undefined : { 'topology.max.task.parallelism': 1 };
  }
}

/** Storm's TestWordCounter: counts field 0 per task and emits [word, count]. */
export class TestWordCounter extends BaseBasicBolt {
  readonly counts = new Map<string, number>();
  execute(input: Tuple, collector: BasicOutputCollector): void {
    const word = String(input.getValue(0));
    const count = (this.counts.get(word) ?? 0) + 1;
    this.counts.set(word, count);
    collector.emit([word, count]);
  }
  override declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(['word', 'count']);
  }
}

/** A class Flux can instantiate: constructorArgs go to `new`, static methods serve `factory`. */
export type FluxClass = new (...args: never[]) => object;

/** className → class. Storm's fully qualified names and streamctl's short names. */
export const FLUX_BUILTINS: Readonly<Record<string, FluxClass>> = {
  'org.apache.storm.flux.wrappers.bolts.FluxShellBolt': FluxShellBolt,
  'org.apache.storm.flux.wrappers.spouts.FluxShellSpout': FluxShellSpout,
  'org.apache.storm.flux.wrappers.bolts.LogInfoBolt': LogInfoBolt,
  'org.apache.storm.testing.TestWordSpout': TestWordSpout,
  'org.apache.storm.testing.TestWordCounter': TestWordCounter,
  'org.apache.storm.kafka.spout.KafkaSpout': FluxKafkaSpout,
  'org.apache.storm.kafka.spout.KafkaSpoutConfig': KafkaSpoutConfig,
  'org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder': KafkaSpoutConfigBuilder,
  'org.apache.storm.kafka.bolt.KafkaBolt': FluxKafkaBolt,
  'org.apache.storm.kafka.bolt.selector.DefaultTopicSelector': DefaultTopicSelector,
  'org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper': FieldNameBasedTupleToKafkaMapper,
  'org.apache.storm.flux.examples.OnlyValueRecordTranslator': OnlyValueRecordTranslator,
  'java.util.Properties': JavaProperties,
  'java.util.HashMap': JavaProperties,
  ShellBolt: FluxShellBolt,
  ShellSpout: FluxShellSpout,
  FluxShellBolt,
  FluxShellSpout,
  LogInfoBolt,
  TestWordSpout,
  TestWordCounter,
  KafkaSpout: FluxKafkaSpout,
  KafkaBolt: FluxKafkaBolt,
  KafkaSpoutConfig,
  'KafkaSpoutConfig$Builder': KafkaSpoutConfigBuilder,
  // Window sizes for a windowed bolt's withWindow/withTumblingWindow/withLag configMethods (a
  // module's BaseWindowedBolt or BaseStatefulBolt subclass is wrapped like any other bolt).
  'org.apache.storm.topology.base.BaseWindowedBolt$Count': Count,
  'org.apache.storm.topology.base.BaseWindowedBolt$Duration': Duration,
  Count,
  Duration,
};
