// Kafka's client-property flags of the console and perf tools (`--producer-property k=v`,
// `--producer.config file`, `--consumer-property`, `--consumer.config`, `--reader-config`,
// `--formatter-config`): the flags, and merging file and command-line properties (the
// command line wins, as in Kafka).
import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { parseProperties, type Properties, readPropertiesFile } from '../engine/client/properties.js';

const readText = (path: string) => readFileSync(path, 'utf8');

export const producerPropertyFlags = {
  'producer-property': Flags.string({ summary: 'Producer property k=v (repeatable): acks, compression.type, client.id, linger.ms, request.timeout.ms, retries.', multiple: true }),
  'producer.config': Flags.string({ summary: 'Producer properties file (same keys as --producer-property).', helpValue: 'file' }),
};

export const consumerPropertyFlags = {
  'consumer-property': Flags.string({ summary: 'Consumer property k=v (repeatable): group.id, client.id, auto.offset.reset, isolation.level, session.timeout.ms, auto.commit.interval.ms.', multiple: true }),
  'consumer.config': Flags.string({ summary: 'Consumer properties file (same keys as --consumer-property).', helpValue: 'file' }),
};

/** Properties from an optional file, overridden by `k=v` entries of a repeatable flag. */
export function mergedProperties(file: string | undefined, fileFlag: string, entries: readonly string[] | undefined, entryFlag: string): Properties {
  return { ...(file === undefined ? {} : readPropertiesFile(file, fileFlag, readText)), ...parseProperties(entries, entryFlag) };
}
