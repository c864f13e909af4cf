// StateFactory (Storm's): the state of a namespace from the provider named by
// topology.state.provider: InMemoryKeyValueStateProvider (default), RedisKeyValueStateProvider
// (Storm's Redis layout and config keys) or TopicKeyValueStateProvider (a compacted topic of
// this cluster). Java class names are accepted as Storm writes them. The provider's settings
// come from topology.state.provider.config (a JSON string, as Storm, or an object).
import { RedisStateBackend, type RedisStateConfig } from '../../connectors/state/redis-state-backend.js';
import { TopicStateBackend, type TopicStateConfig } from '../../connectors/state/topic-state-backend.js';
import { InMemoryStateBackend } from './in-memory-state-provider.js';
import { CachedKeyValueState } from './key-value-state.js';

export const StateConfig = {
  STATE_PROVIDER: 'topology.state.provider',
  STATE_PROVIDER_CONFIG: 'topology.state.provider.config',
  CHECKPOINT_INTERVAL_MS: 'topology.state.checkpoint.interval.ms',
} as const;

export type StateProviderName = 'InMemoryKeyValueStateProvider' | 'RedisKeyValueStateProvider' | 'TopicKeyValueStateProvider';

const ALIASES: Record<string, StateProviderName> = {
  'org.apache.storm.state.InMemoryKeyValueStateProvider': 'InMemoryKeyValueStateProvider',
  InMemoryKeyValueStateProvider: 'InMemoryKeyValueStateProvider',
  memory: 'InMemoryKeyValueStateProvider',
  'org.apache.storm.redis.state.RedisKeyValueStateProvider': 'RedisKeyValueStateProvider',
  RedisKeyValueStateProvider: 'RedisKeyValueStateProvider',
  redis: 'RedisKeyValueStateProvider',
  TopicKeyValueStateProvider: 'TopicKeyValueStateProvider',
  'streamctl.state.TopicKeyValueStateProvider': 'TopicKeyValueStateProvider',
  topic: 'TopicKeyValueStateProvider',
};

/** The provider a config names; throws a clear error on an unknown name. */
export function stateProviderOf(conf: Readonly<Record<string, unknown>>): StateProviderName {
  const raw = conf[StateConfig.STATE_PROVIDER];
  if (raw === undefined || raw === null || raw === '') return 'InMemoryKeyValueStateProvider';
  const name = ALIASES[String(raw)];
  if (name === undefined) {
    throw new Error(`Unknown topology.state.provider '${String(raw)}' (use InMemoryKeyValueStateProvider, RedisKeyValueStateProvider or TopicKeyValueStateProvider)`);
  }
  return name;
}

/** topology.state.provider.config as an object (Storm passes a JSON string). */
export function stateProviderConfigOf(conf: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const raw = conf[StateConfig.STATE_PROVIDER_CONFIG];
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'object') return raw as Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(String(raw));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (error) {
    throw new Error(`topology.state.provider.config is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  throw new Error('topology.state.provider.config must be a JSON object');
}

/** Open the key-value state of `namespace` (Storm's StateFactory.getState). */
export async function getState<K = unknown, V = unknown>(namespace: string, conf: Readonly<Record<string, unknown>>): Promise<CachedKeyValueState<K, V>> {
  const provider = stateProviderOf(conf);
  const config = stateProviderConfigOf(conf);
  switch (provider) {
    case 'RedisKeyValueStateProvider':
      return CachedKeyValueState.open(namespace, await RedisStateBackend.open(namespace, config as RedisStateConfig));
    case 'TopicKeyValueStateProvider':
      return CachedKeyValueState.open(namespace, await TopicStateBackend.open(namespace, config as TopicStateConfig, conf));
    default:
      return CachedKeyValueState.open(namespace, new InMemoryStateBackend(namespace));
  }
}
