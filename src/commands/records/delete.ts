// `streamctl records delete` (kafka-delete-records.sh): deletes the records of the given
// partitions before the given offsets, as listed in Kafka's offset JSON file.
import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { connectOptions, kafkaFlags, writeOut } from '../../cli/kafka-flags.js';
import { StreamctlError } from '../../engine/common/errors.js';
import { LogAdmin } from '../../engine/client/log-admin.js';
import { DELETE_RECORDS_STARTED, formatDeleteRecords, parseOffsetJson, type DeletedRecordsResult } from '../../engine/client/records-format.js';

export default class RecordsDelete extends BaseCommand<typeof RecordsDelete> {
  static override summary = 'Delete records of partitions before given offsets (kafka-delete-records).';
  static override description = [
    'Moves each partition\'s log start offset to the offset given (-1: the high watermark) on the leader and its followers, and deletes the segments wholly below it. Consumers positioned below it get OFFSET_OUT_OF_RANGE and reset as their auto.offset.reset says.',
    'The offset JSON file is Kafka\'s:',
    '{"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}',
    'Exits 1 when any partition failed (each is printed with its error).',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> records delete --offset-json-file offsets.json',
    '<%= config.bin %> records delete --offset-json-file offsets.json --json',
  ];
  static override flags = {
    ...kafkaFlags,
    'offset-json-file': Flags.string({ summary: 'The JSON file with the offset per partition.', required: true, helpValue: 'path' }),
  };

  async run(): Promise<{ partitions: DeletedRecordsResult[] }> {
    const f = this.flags;
    // The cluster first (as every Kafka-side command), then the file.
    const options = connectOptions(f);
    let text: string;
    try {
      text = readFileSync(f['offset-json-file'], 'utf8');
    } catch (error) {
      throw new StreamctlError('INVALID_INPUT', `Cannot read the offset JSON file ${f['offset-json-file']}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const entries = parseOffsetJson(text);
    const admin = LogAdmin.open(options);
    try {
      if (!this.jsonEnabled()) writeOut(DELETE_RECORDS_STARTED);
      const partitions = await admin.deleteRecords(entries);
      if (!this.jsonEnabled()) writeOut(formatDeleteRecords(partitions));
      if (partitions.some((p) => p.error !== null)) process.exitCode = 1;
      return { partitions };
    } finally {
      await admin.close();
    }
  }
}
