// Word count, Storm's classic: sentences from a Kafka topic → split into words → count per
// word (fields grouping over 4 tasks, so each word always reaches the same task) → the
// running count of every word written to another Kafka topic (key = word, value = count).
//
//   streamctl topics create --topic sentences --partitions 2      (and word-counts)
//   streamctl topology submit topology.ts --name wc
//   streamctl produce --topic sentences   (type sentences)
//   streamctl consume --topic word-counts --from-beginning --property print.key=true
//
// Bootstrap servers: the local cluster's brokers (submit adds them as kafka.bootstrap.servers),
// or -c kafka.bootstrap.servers=host:port on submit.
import {
  BaseBasicBolt,
  KafkaBolt,
  KafkaSpout,
  TopologyBuilder,
  type BasicOutputCollector,
  type OutputFieldsDeclarer,
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

/** Keeps a running count per word (one map per task) and emits word → count. */
export class WordCount extends BaseBasicBolt {
  readonly counts = new Map<string, number>();

  execute(input: Tuple, collector: BasicOutputCollector): void {
    const word = input.getStringByField('word');
    const count = (this.counts.get(word) ?? 0) + 1;
    this.counts.set(word, count);
    collector.emit([word, count]);
  }

  override declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(['word', 'count']);
  }
}

const builder = new TopologyBuilder();
builder.setSpout('sentences', () => new KafkaSpout({ topic: INPUT_TOPIC, firstPollOffsetStrategy: 'UNCOMMITTED_EARLIEST' }), 1);
builder.setBolt('split', () => new SplitSentence(), 2).shuffleGrouping('sentences');
builder.setBolt('count', () => new WordCount(), 4).fieldsGrouping('split', ['word']);
builder.setBolt('kafka-out', () => new KafkaBolt({ topic: OUTPUT_TOPIC, keyField: 'word', valueField: 'count' }), 1).shuffleGrouping('count');

export default builder.createTopology({
  'topology.workers': 2,
  'topology.message.timeout.secs': 30,
});
