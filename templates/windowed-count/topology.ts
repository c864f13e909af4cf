// Windowed word count: sentences from a Kafka topic → split into words → a windowed bolt
// counting words over a sliding 10 s window that moves every 2 s → for each window, one
// record per word (key = word, value = "count in the last 10 s") written to another topic.
// Tuples are acked when they leave the window, so topology.message.timeout.secs must be
// longer than window + slide (submit checks it, as Storm does).
//
//   streamctl topics create --topic sentences --partitions 2      (and window-counts)
//   streamctl topology submit topology.ts --name wnd
//   streamctl produce --topic sentences   (type sentences)
//   streamctl consume --topic window-counts --from-beginning --property print.key=true
import {
  BaseBasicBolt,
  BaseWindowedBolt,
  Duration,
  KafkaBolt,
  KafkaSpout,
  TopologyBuilder,
  type BasicOutputCollector,
  type OutputCollector,
  type OutputFieldsDeclarer,
  type TopologyContext,
  type Tuple,
  type TupleWindow,
} from 'streamctl';

const INPUT_TOPIC = 'sentences';
const OUTPUT_TOPIC = 'window-counts';

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

/** Counts the words of each window; emits word → count for the words in it. */
export class WindowedWordCount extends BaseWindowedBolt {
  #collector!: OutputCollector;

  override prepare(_conf: Readonly<Record<string, unknown>>, _context: TopologyContext, collector: OutputCollector): void {
    this.#collector = collector;
  }

  execute(window: TupleWindow): void {
    const counts = new Map<string, number>();
    for (const t of window.get()) {
      const word = t.getStringByField('word');
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    // Emits are anchored to every tuple of the window.
    for (const [word, count] of counts) this.#collector.emit([word, count]);
  }

  override declareOutputFields(declarer: OutputFieldsDeclarer): void {
    declarer.declare(['word', 'count']);
  }
}

const builder = new TopologyBuilder();
builder.setSpout('sentences', () => new KafkaSpout({ topic: INPUT_TOPIC, firstPollOffsetStrategy: 'UNCOMMITTED_EARLIEST' }), 1);
builder.setBolt('split', () => new SplitSentence(), 2).shuffleGrouping('sentences');
builder.setBolt('window', () => new WindowedWordCount().withWindow(Duration.seconds(10), Duration.seconds(2)), 1).globalGrouping('split');
builder.setBolt('kafka-out', () => new KafkaBolt({ topic: OUTPUT_TOPIC, keyField: 'word', valueField: 'count' }), 1).shuffleGrouping('window');

export default builder.createTopology({
  'topology.workers': 1,
  'topology.message.timeout.secs': 30,
});
