// This broker's configs as Kafka's broker describes them (ConfigHelper.createBrokerConfigEntry):
// every config it has with its effective value, source and synonyms (DYNAMIC_BROKER_CONFIG >
// DYNAMIC_DEFAULT_BROKER_CONFIG > STATIC_BROKER_CONFIG > DEFAULT_CONFIG, over the names of
// one setting such as log.retention.ms/minutes/hours, leading names other than the entry's
// own dropped), read-only unless Kafka can change it at run time; for the cluster default
// (resource name '') only the dynamic default configs. Also the effective settings a broker
// runs with (static < dynamic default < dynamic per broker). Pure functions.
import { brokerSynonymGroup, isDynamicBrokerConfig, topicSynonymDefault } from '../common/broker-dynamic-configs.js';
import type { ConfigType } from '../common/config-value.js';
import { TOPIC_CONFIG_DEFS } from '../common/topic-config.js';
import { BROKER_SETTINGS } from './broker-settings.js';

/** The layers of one broker's configs. */
export interface BrokerConfigLayers {
  brokerId: number;
  /** Settings the broker process was started with (cluster settings). */
  staticSettings: Readonly<Record<string, string>>;
  dynamicDefault: Readonly<Record<string, string>>;
  dynamicBroker: Readonly<Record<string, string>>;
}

export interface BrokerConfigEntry {
  name: string;
  value: string | null;
  configSource: number;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
  configType: number;
  synonyms: Array<{ name: string; value: string | null; source: number }>;
}

const SOURCE = { DYNAMIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;
const CONFIG_TYPE: Record<ConfigType, number> = { BOOLEAN: 1, STRING: 2, INT: 3, LONG: 5, DOUBLE: 6, LIST: 7 };
const TOPIC_ONLY_KEYS = new Set(TOPIC_CONFIG_DEFS.map((d) => d.name).filter((name) => !TOPIC_CONFIG_DEFS.some((d) => d.brokerSynonyms.some((s) => s.name === name))));

/** Kafka's default and type of every broker config this broker knows. */
function catalogue(): Map<string, { value: string | null; type: ConfigType }> {
  const out = new Map<string, { value: string | null; type: ConfigType }>();
  out.set('broker.id', { value: '-1', type: 'INT' });
  out.set('node.id', { value: '-1', type: 'INT' });
  for (const d of BROKER_SETTINGS.defs) {
    if (TOPIC_ONLY_KEYS.has(d.key)) continue; // topic keys the settings accept as shorthands are not broker configs
    const synonym = topicSynonymDefault(d.key);
    out.set(d.key, synonym ?? { value: d.default ?? null, type: d.type });
  }
  return out;
}

const CATALOGUE = catalogue();

/** The settings a broker runs with: static < dynamic default < dynamic for this broker. */
export function effectiveSettings(layers: Omit<BrokerConfigLayers, 'brokerId'>): Record<string, string> {
  return { ...layers.staticSettings, ...layers.dynamicDefault, ...layers.dynamicBroker };
}

/** DescribeConfigs entries for broker resource `name` ('' = the cluster-wide default), sorted by name. */
export function describeBrokerConfigs(name: string, layers: BrokerConfigLayers): BrokerConfigEntry[] {
  const perBroker = name !== '';
  const staticLayer = { ...layers.staticSettings, 'broker.id': String(layers.brokerId), 'node.id': String(layers.brokerId) };
  const defaults = new Map([...CATALOGUE].filter(([, d]) => d.value !== null).map(([k, d]) => [k, d.value!]));
  const sources: Array<[ReadonlyMap<string, string> | Readonly<Record<string, string>>, number]> = [
    [layers.dynamicBroker, SOURCE.DYNAMIC_BROKER_CONFIG],
    [layers.dynamicDefault, SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [staticLayer, SOURCE.STATIC_BROKER_CONFIG],
    [defaults, SOURCE.DEFAULT_CONFIG],
  ];
  const lookup = (map: ReadonlyMap<string, string> | Readonly<Record<string, string>>, key: string) =>
    map instanceof Map ? map.get(key) : Object.hasOwn(map, key) ? (map as Record<string, string>)[key] : undefined;
  const names = perBroker
    ? [...new Set([...CATALOGUE.keys(), ...Object.keys(layers.staticSettings).filter((k) => !TOPIC_ONLY_KEYS.has(k)), ...Object.keys(layers.dynamicDefault), ...Object.keys(layers.dynamicBroker)])]
    : Object.keys(layers.dynamicDefault);
  return names.sort().map((key) => {
    const group = brokerSynonymGroup(key);
    let synonyms: BrokerConfigEntry['synonyms'] = [];
    for (const [map, source] of sources) {
      for (const n of group) {
        const v = lookup(map, n);
        if (v !== undefined) synonyms.push({ name: n, value: v, source });
      }
    }
    if (!perBroker) synonyms = synonyms.filter((s) => s.source === SOURCE.DYNAMIC_DEFAULT_BROKER_CONFIG);
    const firstOwn = synonyms.findIndex((s) => s.name === key);
    synonyms = firstOwn < 0 ? [] : synonyms.slice(firstOwn);
    const own = synonyms[0];
    const value = own ? own.value : null;
    const source = own ? own.source : SOURCE.DEFAULT_CONFIG;
    return {
      name: key,
      value,
      configSource: source,
      readOnly: !group.some(isDynamicBrokerConfig),
      isDefault: source === SOURCE.DEFAULT_CONFIG,
      isSensitive: false,
      configType: CONFIG_TYPE[CATALOGUE.get(key)?.type ?? 'STRING'],
      synonyms,
    };
  });
}
