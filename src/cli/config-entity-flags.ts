// Entity flags shared by `configs describe` and `configs alter` (kafka-configs.sh options and
// shorthands) and their resolution to an entity type and name.
import { Flags } from '@oclif/core';
import type { ConfigEntityType } from '../engine/client/configs-format.js';
import { StreamctlError, isStreamctlError } from '../engine/common/errors.js';
import { refusedFlags } from './refused-flags.js';

/** kafka-configs 3.9 entity types streamctl has nothing behind (no quotas, SCRAM users, loggers, client metrics). */
const UNBACKED_ENTITY_TYPES: Record<string, string> = {
  users: 'streamctl has no client quotas or SCRAM credentials',
  clients: 'streamctl has no client quotas',
  ips: 'streamctl has no connection quotas',
  'broker-loggers': 'broker log levels are not configurable at run time here',
  'client-metrics': 'streamctl has no client metrics subscriptions',
  groups: 'streamctl has no dynamic group configs',
};

/** The shorthand flags of those types, with the type each stands for. */
const UNBACKED_SHORTHANDS: Record<string, string> = {
  user: 'users',
  'user-defaults': 'users',
  client: 'clients',
  'client-defaults': 'clients',
  ip: 'ips',
  'ip-defaults': 'ips',
  'broker-logger': 'broker-loggers',
  'client-metrics': 'client-metrics',
  group: 'groups',
};

export const entityFlags = {
  'entity-type': Flags.string({ summary: 'Type of entity: topics or brokers (users, clients, ips, broker-loggers, client-metrics and groups are refused).' }),
  'entity-name': Flags.string({ summary: 'Name of the entity: topic name or broker id.' }),
  'entity-default': Flags.boolean({ summary: 'The cluster-wide default (brokers).' }),
  topic: Flags.string({ summary: 'Shorthand for --entity-type topics --entity-name <topic>.' }),
  broker: Flags.string({ summary: 'Shorthand for --entity-type brokers --entity-name <id>.' }),
  'broker-defaults': Flags.boolean({ summary: 'Shorthand for --entity-type brokers --entity-default.' }),
  ...refusedFlags({
    'bootstrap-controller': { takesValue: true, reason: "streamctl's controller does not serve admin clients; broker and topic configs are read and changed through --bootstrap-server (or --dir)" },
  }),
  ...Object.fromEntries(
    Object.keys(UNBACKED_SHORTHANDS).map((name) => [name, Flags.string({ hidden: true, description: `Shorthand for --entity-type ${UNBACKED_SHORTHANDS[name]} (refused).` })]),
  ),
};

export interface EntityFlags {
  [shorthand: string]: unknown;
  'entity-type'?: string;
  'entity-name'?: string;
  'entity-default'?: boolean;
  topic?: string;
  broker?: string;
  'broker-defaults'?: boolean;
}

/** The entity the flags name; `entityName` undefined means "all of that type" (describe only). */
export function resolveEntity(f: EntityFlags): { entityType: ConfigEntityType; entityName: string | undefined } {
  for (const [flag, type] of Object.entries(UNBACKED_SHORTHANDS)) {
    if (f[flag] !== undefined && f[flag] !== false) throw new StreamctlError('USAGE', `--${flag} (entity type ${type}) is not supported: ${UNBACKED_ENTITY_TYPES[type]}; use topics or brokers`);
  }
  const type = f['entity-type'];
  if (type !== undefined && UNBACKED_ENTITY_TYPES[type]) throw new StreamctlError('USAGE', `--entity-type ${type} is not supported: ${UNBACKED_ENTITY_TYPES[type]}; use topics or brokers`);
  if (type !== undefined && type !== 'topics' && type !== 'brokers') {
    throw new StreamctlError('USAGE', `Invalid entity type ${type}, the entity type must be one of topics, brokers`);
  }
  return resolveBackedEntity(f);
}

function resolveBackedEntity(f: EntityFlags): { entityType: ConfigEntityType; entityName: string | undefined } {
  if (f.topic !== undefined) return { entityType: 'topics', entityName: f.topic as string };
  if (f.broker !== undefined) return { entityType: 'brokers', entityName: f.broker as string };
  if (f['broker-defaults']) return { entityType: 'brokers', entityName: '' };
  if (!f['entity-type']) throw new StreamctlError('USAGE', 'an entity-type must be specified with --describe of --alter');
  const entityType = f['entity-type'] as ConfigEntityType;
  if (f['entity-default']) return { entityType, entityName: '' };
  return { entityType, entityName: f['entity-name'] as string | undefined };
}

/** kafka-configs.sh error text (stderr): argument problems alone, other failures with the command line. */
export function configCommandError(error: unknown, argv: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isStreamctlError(error, 'USAGE') || isStreamctlError(error, 'INVALID_CONFIG')) return `${message}\n`;
  return `Error while executing config command with args '${argv.join(' ')}'\n${message}\n`;
}
