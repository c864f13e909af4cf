// kafka-configs.sh texts as pure functions: `--add-config` parsing with square brackets,
// the describe header and entry lines (sensitive, synonyms), and the alter confirmation.

export type ConfigSourceName =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'CLIENT_METRICS_CONFIG'
  | 'GROUP_CONFIG';

const SOURCE_NAMES: ConfigSourceName[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];

/** DescribeConfigs `config_source` number → Java's ConfigSource name. */
export function configSourceName(source: number): ConfigSourceName {
  return SOURCE_NAMES[source] ?? 'UNKNOWN';
}

export interface ConfigSynonymView {
  name: string;
  value: string | null;
  source: ConfigSourceName;
}

export interface ConfigEntryDescription {
  name: string;
  value: string | null;
  source: ConfigSourceName;
  sensitive: boolean;
  readOnly: boolean;
  synonyms: ConfigSynonymView[];
}

export type ConfigEntityType = 'topics' | 'brokers';

export interface ConfigResourceDescription {
  entityType: ConfigEntityType;
  /** Topic name, broker id, or '' for the cluster-wide broker default. */
  entityName: string;
  entries: ConfigEntryDescription[];
}

/** Splits `k1=v1,k2=[a,b]` the way ConfigCommand does (commas inside [] kept, brackets removed). */
export function parseAddConfig(value: string): Array<[string, string]> {
  const lookahead = '(?=[^\\]]*(?:\\[|$))';
  const pairs = value.split(new RegExp(`,${lookahead}`));
  return pairs.map((pair) => {
    const parts = pair.split(new RegExp(`\\s*=\\s*${lookahead}`));
    if (parts.length !== 2) {
      throw new Error('requirement failed: Invalid entity config: all configs to be added must be in the format "key=val".');
    }
    return [parts[0]!.trim(), parts[1]!.replace(/\[?\]?/g, '').trim()];
  });
}

/** `k1,k2` → keys, trimmed. */
export function parseDeleteConfig(value: string): string[] {
  return value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

function singular(entityType: ConfigEntityType): string {
  return entityType.slice(0, -1);
}

/** Which entries `--describe` shows: all with --all, else only the entity's dynamic source. */
export function visibleConfigEntries(resource: ConfigResourceDescription, all: boolean): ConfigEntryDescription[] {
  const wanted: ConfigSourceName =
    resource.entityType === 'topics'
      ? 'DYNAMIC_TOPIC_CONFIG'
      : resource.entityName === ''
        ? 'DYNAMIC_DEFAULT_BROKER_CONFIG'
        : 'DYNAMIC_BROKER_CONFIG';
  return resource.entries.filter((e) => all || e.source === wanted).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function formatConfigDescription(resource: ConfigResourceDescription, all: boolean): string[] {
  const header =
    resource.entityType === 'brokers' && resource.entityName === ''
      ? 'Default configs for brokers in the cluster are:'
      : `${all ? 'All' : 'Dynamic'} configs for ${singular(resource.entityType)} ${resource.entityName} are:`;
  const lines = [header];
  for (const e of visibleConfigEntries(resource, all)) {
    const synonyms = e.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ');
    lines.push(`  ${e.name}=${e.value} sensitive=${e.sensitive} synonyms={${synonyms}}`);
  }
  return lines;
}

export function formatAlterConfigDone(entityType: ConfigEntityType, entityName: string): string {
  if (entityType === 'brokers' && entityName === '') return 'Completed updating default config for brokers in the cluster.';
  return `Completed updating config for ${singular(entityType)} ${entityName}.`;
}
