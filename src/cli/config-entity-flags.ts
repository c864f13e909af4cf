// Entity flags shared by `configs describe` and `configs alter` (kafka-configs.sh options and
// shorthands) and their resolution to an entity type and name.
import { Flags } from '@oclif/core';
import type { ConfigEntityType } from '../engine/client/configs-format.js';
import { StreamctlError, isStreamctlError } from '../engine/common/errors.js';

export const entityFlags = {
  'entity-type': Flags.string({ summary: 'Type of entity.', options: ['topics', 'brokers'] }),
  'entity-name': Flags.string({ summary: 'Name of the entity: topic name or broker id.' }),
  'entity-default': Flags.boolean({ summary: 'The cluster-wide default (brokers).' }),
  topic: Flags.string({ summary: 'Shorthand for --entity-type topics --entity-name <topic>.' }),
  broker: Flags.string({ summary: 'Shorthand for --entity-type brokers --entity-name <id>.' }),
  'broker-defaults': Flags.boolean({ summary: 'Shorthand for --entity-type brokers --entity-default.' }),
};

export interface EntityFlags {
  'entity-type'?: string;
  'entity-name'?: string;
  'entity-default'?: boolean;
  topic?: string;
  broker?: string;
  'broker-defaults'?: boolean;
}

/** The entity the flags name; `entityName` undefined means "all of that type" (describe only). */
export function resolveEntity(f: EntityFlags): { entityType: ConfigEntityType; entityName: string | undefined } {
  if (f.topic !== undefined) return { entityType: 'topics', entityName: f.topic };
  if (f.broker !== undefined) return { entityType: 'brokers', entityName: f.broker };
  if (f['broker-defaults']) return { entityType: 'brokers', entityName: '' };
  if (!f['entity-type']) throw new StreamctlError('USAGE', 'an entity-type must be specified with --describe of --alter');
  const entityType = f['entity-type'] as ConfigEntityType;
  if (f['entity-default']) return { entityType, entityName: '' };
  return { entityType, entityName: f['entity-name'] };
}

/** kafka-configs.sh error text (stderr): argument problems alone, other failures with the command line. */
export function configCommandError(error: unknown, argv: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isStreamctlError(error, 'USAGE') || isStreamctlError(error, 'INVALID_CONFIG')) return `${message}\n`;
  return `Error while executing config command with args '${argv.join(' ')}'\n${message}\n`;
}
