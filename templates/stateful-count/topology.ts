// Stateful word count: sentences from a Kafka topic → split into words → a stateful bolt
// keeping each word's count in a KeyValueState → word → count written to another topic.
// The counts are checkpointed every second (Storm's checkpoint protocol) into a compacted
// topic of this cluster (streamctl-state-<topology name>), so they survive a worker killed
// with -9, a supervisor restart and `cluster stop` / `cluster start`. A sentence is acked
// (and its Kafka offset committed) only once the counts it changed are committed, so a crash
// replays it: counts are never lost and, after replay, exact.
//
//   streamctl topics create --topic sentences --partitions 2      (and word-counts)
//   streamctl topology submit topology.ts --name sc
//   streamctl produce --topic sentences   (type sentences)
//   streamctl consume --topic word-counts --from-beginning --property print.key=true
//   streamctl topology describe sc        (state provider and the last checkpoint)
import {
  BaseBasicBolt,
  BaseStatefulBolt,
  KafkaBolt,
  KafkaSpout,
  TopologyBuilder,
  type BasicOutputCollector,
  type KeyValueState,
  type OutputCollector,
  type OutputFieldsDeclarer,
  type TopologyContext,
  type Tuple,
} from 'streamctl';

const INPUT_TOPIC = 'sentences';
const OUTPUT_TOPIC = 'word-counts';

/** Splits a sentence into lower-case words. */
export class SplitSentence extends BaseBasicBolt {
  execute(input: Tuple, collector: BasicOutputCollector): void {
    const sentence = String(input.getValueByField('value') ?? '');
    for (const word of sentence.toLowerCase().split(/[^\p{L}\p{N}']+/u)) {
      if (word) collector.emit([word]);
    }
  }

  override declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(['word']);
  }
}

/** Counts words in its checkpointed state and emits word → count. */
export class StatefulWordCount extends BaseStatefulBolt<KeyValueState<string, number>> {
  #counts!: KeyValueState<string, number>;
  #collector!: OutputCollector;

  override prepare(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, collector: OutputCollector): void {
    this.#collector = collector;
  }

  /** Called once with the counts of the last checkpoint (empty the first time). */
  initState(state: KeyValueState<string, number>): void {
    this.#counts = state;
  }

  execute(input: Tuple): void {
    const word = input.getStringByField('word');
    const count = this.#counts.get(word, 0) + 1;
    this.#counts.put(word, count);
    this.#collector.emit([word, count], input);
    // Held by the runtime until the checkpoint that saves this count is committed.
    this.#collector.ack(input);
  }

  override declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(['word', 'count']);
  }
}

const builder = new TopologyBuilder();
builder.setSpout('sentences', () => new KafkaSpout({ topic: INPUT_TOPIC, firstPollOffsetStrategy: 'UNCOMMITTED_EARLIEST' }), 1);
builder.setBolt('split', () => new SplitSentence(), 2).shuffleGrouping('sentences');
builder.setBolt('count', () => new StatefulWordCount(), 2).fieldsGrouping('split', ['word']);
builder.setBolt('kafka-out', () => new KafkaBolt({ topic: OUTPUT_TOPIC, keyField: 'word', valueField: 'count' }), 1).shuffleGrouping('count');

export default builder.createTopology({
  'topology.workers': 1,
  'topology.message.timeout.secs': 30,
  'topology.state.provider': 'TopicKeyValueStateProvider',
  'topology.state.checkpoint.interval.ms': 1000,
});
