// `streamctl log-dirs describe` (kafka-log-dirs.sh --describe): each broker's log dirs with
// the size and offset lag of every partition replica in them.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, failRun, kafkaFlags, writeErr, writeOut } from '../../cli/kafka-flags.js';
import { isStreamctlError, StreamctlError } from '../../engine/common/errors.js';
import { LogAdmin } from '../../engine/client/log-admin.js';
import { formatLogDirs, QUERYING_BROKERS, type BrokerLogDirs } from '../../engine/client/log-dirs-format.js';

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((x) => x !== '');
}

export default class LogDirsDescribe extends BaseCommand<typeof LogDirsDescribe> {
  static override summary = 'Describe the log dirs of brokers (kafka-log-dirs --describe).';
  static override description =
    'Prints "Querying brokers for log directories information", the brokers that answered, and one JSON line as kafka-log-dirs does: per broker and log dir its error and, per partition replica, its size in bytes, offset lag (Kafka\'s: high watermark minus log end offset, never negative) and isFuture.';
  static override examples = [
    '<%= config.bin %> log-dirs describe',
    '<%= config.bin %> log-dirs describe --topic-list orders,payments --broker-list 1,2',
    '<%= config.bin %> log-dirs describe --json',
  ];
  static override flags = {
    ...kafkaFlags,
    'topic-list': Flags.string({ summary: 'Topics to show, as "topic1,topic2,topic3" (default: all topics).', helpValue: 'topics' }),
    'broker-list': Flags.string({ summary: 'Brokers to query, as "0,1,2" (default: every broker of the cluster).', helpValue: 'brokers' }),
  };

  async run(): Promise<{ brokers: BrokerLogDirs[] } | undefined> {
    const f = this.flags;
    const topics = splitList(f['topic-list']);
    const brokerIds = splitList(f['broker-list']).map((b) => {
      if (!/^\d+$/.test(b)) throw new StreamctlError('USAGE', `For input string: "${b}"`);
      return Number(b);
    });
    const admin = LogAdmin.open(connectOptions(f));
    try {
      const described = await admin.describeLogDirs(brokerIds, () => {
        if (!this.jsonEnabled()) writeOut(QUERYING_BROKERS);
      });
      if (!this.jsonEnabled()) writeOut(formatLogDirs(described.brokers, described.queried, topics));
      const wanted = new Set(topics);
      const brokers = described.brokers.map((b) => ({
        broker: b.broker,
        logDirs: b.logDirs.map((d) => ({ ...d, partitions: d.partitions.filter((p) => wanted.size === 0 || wanted.has(p.topic)) })),
      }));
      return { brokers };
    } catch (error) {
      // kafka-log-dirs prints its own errors (unknown --broker-list ids) bare on stderr, exit 1.
      if (this.jsonEnabled() || !isStreamctlError(error, 'NOT_FOUND')) throw error;
      writeErr(`${error.message}\n`);
      failRun();
      return undefined;
    } finally {
      await admin.close();
    }
  }
}
