// `streamctl consume`: kafka-console-consumer, printing records with the DefaultMessageFormatter
// properties (or one JSON object per line with --json).
import { Flags } from '@oclif/core';
import { ConsoleConsumer, parseStartOffset, validateConsoleConsumerOptions } from '../engine/client/console-consumer.js';
import { MessageFormatter, recordToJson } from '../engine/client/message-formatter.js';
import { parseProperties } from '../engine/client/properties.js';
import { BaseCommand } from '../cli/base-command.js';
import { connectOptions, interruptSignal, kafkaFlags, writeErr, writeStdout } from '../cli/kafka-flags.js';

export default class Consume extends BaseCommand<typeof Consume> {
  static override summary = 'Print records of a topic (kafka-console-consumer).';
  static override description =
    'Without --group, partitions are read directly (no group membership, nothing committed), from the end unless --from-beginning or --offset. With --group, joins the group, starts from its committed offsets (--from-beginning only matters when it has none), commits as it goes and, on Ctrl-C, SIGTERM or a closed stdout (`| head -1`), commits, leaves and exits 0. Prints `Processed a total of N messages` on stderr at the end. Formatter properties: print.key, print.timestamp, print.partition, print.offset, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal.';
  static override examples = [
    '<%= config.bin %> consume --topic orders --from-beginning --max-messages 10',
    '<%= config.bin %> consume --topic orders --from-beginning --property print.key=true --property print.offset=true',
    '<%= config.bin %> consume --topic orders --partition 0 --offset 42 --timeout-ms 5000',
    '<%= config.bin %> consume --topic orders --group billing --from-beginning',
    '<%= config.bin %> consume --topic orders --from-beginning --json | jq .value',
    '<%= config.bin %> consume --topic orders --from-beginning | head -1',
  ];
  static override flags = {
    ...kafkaFlags,
    topic: Flags.string({ summary: 'Topic to read.', required: true }),
    'from-beginning': Flags.boolean({ summary: 'Start at the earliest offset (when there is no committed offset).' }),
    partition: Flags.integer({ summary: 'Read only this partition.' }),
    offset: Flags.string({ summary: 'With --partition: earliest, latest or an offset.' }),
    group: Flags.string({ summary: 'Consume as a member of this group (commits offsets).' }),
    'max-messages': Flags.integer({ summary: 'Exit after this many records.' }),
    'timeout-ms': Flags.integer({ summary: 'Exit when no record arrived for this long.' }),
    property: Flags.string({ summary: 'Formatter property k=v (repeatable).', multiple: true }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const json = this.jsonEnabled();
    // The command line is checked before anything is contacted or printed (usage errors: exit 2).
    const formatter = MessageFormatter.fromProperties(parseProperties(f.property));
    const runOptions = {
      topic: f.topic,
      partition: f.partition,
      offset: f.offset === undefined ? undefined : parseStartOffset(f.offset),
      fromBeginning: f['from-beginning'],
      group: f.group,
      maxMessages: f['max-messages'],
      timeoutMs: f['timeout-ms'],
    };
    validateConsoleConsumerOptions(runOptions);
    const consumer = ConsoleConsumer.open({ ...connectOptions(f), group: f.group });
    const interrupt = interruptSignal();
    let messages = 0;
    try {
      const result = await consumer.run({
        ...runOptions,
        signal: interrupt.signal,
        onRecord: async (record) => {
          messages += 1;
          await writeStdout(json ? `${recordToJson(record)}\n` : formatter.format(record));
        },
      });
      if (result.timedOut) {
        writeErr('ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException\n');
      }
    } finally {
      interrupt.dispose();
      writeErr(`Processed a total of ${messages} messages\n`);
      await consumer.close();
    }
  }
}
