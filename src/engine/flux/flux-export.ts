// Writes the Flux definition of an exported topology (`topology export`): every spout and
// bolt keeps its id, parallelism, tasks, component config and input groupings; TypeScript
// components become FluxShellSpout/FluxShellBolt running `node <wrapper> <id>` with their
// declared streams, shell components keep their own command, and the Kafka spout and bolt
// become storm-kafka-client's KafkaSpout (KafkaSpoutConfig$Builder components) and KafkaBolt
// (producer Properties, DefaultTopicSelector, FieldNameBasedTupleToKafkaMapper). Pure.
import { stringify } from 'yaml';
import { StreamctlError } from '../common/errors.js';
import type { ComponentSpec, GroupingSpec, TopologySpec } from '../topology/topology-spec.js';
import type { FluxBeanDef, FluxConfigMethodDef, FluxGroupingType, FluxStreamDef, FluxVertexDef } from './flux-model.js';

export interface KafkaSpoutExport {
  topics: string[];
  bootstrapServers: string;
  groupId: string;
  firstPollOffsetStrategy?: string;
  commitIntervalMs?: number;
  maxUncommittedOffsets?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

export interface KafkaBoltExport {
  topic: string;
  bootstrapServers: string;
  keyField: string;
  valueField: string;
  acks: -1 | 0 | 1;
}

/** How one component is exported. */
export type ComponentExport =
  | { as: 'node' }
  | { as: 'shell'; command: string[] }
  | { as: 'kafka-spout'; kafka: KafkaSpoutExport }
  | { as: 'kafka-bolt'; kafka: KafkaBoltExport };

const SHELL_SPOUT = 'org.apache.storm.flux.wrappers.spouts.FluxShellSpout';
const SHELL_BOLT = 'org.apache.storm.flux.wrappers.bolts.FluxShellBolt';

const GROUPINGS: Record<GroupingSpec['type'], FluxGroupingType | undefined> = {
  shuffle: 'SHUFFLE',
  fields: 'FIELDS',
  all: 'ALL',
  global: 'GLOBAL',
  none: 'NONE',
  direct: 'DIRECT',
  'local-or-shuffle': 'LOCAL_OR_SHUFFLE',
  // Storm's PartialKeyGrouping needs a Fields object Flux cannot build: fields grouping keeps the key → task rule.
  'partial-key': 'FIELDS',
  custom: undefined,
};

function unsupported(message: string): StreamctlError {
  return new StreamctlError('UNSUPPORTED', message);
}

function vertex(c: ComponentSpec, how: ComponentExport, wrapper: string, components: FluxBeanDef[]): FluxVertexDef {
  const base = { id: c.id, parallelism: c.parallelism, ...(c.numTasks !== c.parallelism ? { numTasks: c.numTasks } : {}), ...(Object.keys(c.config).length ? { config: { ...c.config } } : {}) };
  if (how.as === 'kafka-spout') {
    const k = how.kafka;
    const methods: FluxConfigMethodDef[] = [{ name: 'setProp', args: [{ 'group.id': k.groupId, 'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer', 'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer' }] }];
    if (k.firstPollOffsetStrategy) methods.push({ name: 'setFirstPollOffsetStrategy', args: [k.firstPollOffsetStrategy] });
    if (k.commitIntervalMs !== undefined) methods.push({ name: 'setOffsetCommitPeriodMs', args: [k.commitIntervalMs] });
    if (k.maxUncommittedOffsets !== undefined) methods.push({ name: 'setMaxUncommittedOffsets', args: [k.maxUncommittedOffsets] });
    if (k.sessionTimeoutMs !== undefined) methods.push({ name: 'setProp', args: ['session.timeout.ms', k.sessionTimeoutMs] });
    if (k.heartbeatIntervalMs !== undefined) methods.push({ name: 'setProp', args: ['heartbeat.interval.ms', k.heartbeatIntervalMs] });
    components.push(
      { id: `${c.id}-config-builder`, className: 'org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder', constructorArgs: [k.bootstrapServers, k.topics], configMethods: methods },
      { id: `${c.id}-config`, className: 'org.apache.storm.kafka.spout.KafkaSpoutConfig', constructorArgs: [{ ref: `${c.id}-config-builder` }] },
    );
    return { ...base, className: 'org.apache.storm.kafka.spout.KafkaSpout', constructorArgs: [{ ref: `${c.id}-config` }] };
  }
  if (how.as === 'kafka-bolt') {
    const k = how.kafka;
    components.push(
      {
        id: `${c.id}-producer-props`,
        className: 'java.util.Properties',
        configMethods: [
          { name: 'put', args: ['bootstrap.servers', k.bootstrapServers] },
          { name: 'put', args: ['acks', k.acks === -1 ? 'all' : String(k.acks)] },
          { name: 'put', args: ['key.serializer', 'org.apache.kafka.common.serialization.StringSerializer'] },
          { name: 'put', args: ['value.serializer', 'org.apache.kafka.common.serialization.StringSerializer'] },
        ],
      },
      { id: `${c.id}-topic-selector`, className: 'org.apache.storm.kafka.bolt.selector.DefaultTopicSelector', constructorArgs: [k.topic] },
      { id: `${c.id}-mapper`, className: 'org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper', constructorArgs: [k.keyField, k.valueField] },
    );
    return {
      ...base,
      className: 'org.apache.storm.kafka.bolt.KafkaBolt',
      configMethods: [
        { name: 'withProducerProperties', args: [{ ref: `${c.id}-producer-props` }] },
        { name: 'withTopicSelector', args: [{ ref: `${c.id}-topic-selector` }] },
        { name: 'withTupleToKafkaMapper', args: [{ ref: `${c.id}-mapper` }] },
      ],
    };
  }
  const command = how.as === 'shell' ? how.command : ['node', wrapper, c.id];
  const streams = Object.entries(c.streams);
  const direct = streams.find(([, s]) => s.direct);
  if (direct) throw unsupported(`Component '${c.id}' declares direct stream '${direct[0]}': Storm's FluxShellBolt/FluxShellSpout cannot declare direct streams`);
  const configMethods = streams.map(([id, s]) => (id === 'default' ? { name: 'setDefaultStream', args: [s.fields] } : { name: 'setNamedStream', args: [id, s.fields] }));
  return { ...base, className: c.kind === 'spout' ? SHELL_SPOUT : SHELL_BOLT, constructorArgs: [command], ...(configMethods.length ? { configMethods } : {}) };
}

/** The Flux YAML text of `spec` exported under `name`; `wrapper` is the bundled script in resources/. */
export function exportFluxYaml(name: string, spec: TopologySpec, how: ReadonlyMap<string, ComponentExport>, wrapper: string): { yaml: string; warnings: string[] } {
  const warnings: string[] = [];
  const components: FluxBeanDef[] = [];
  const spouts: FluxVertexDef[] = [];
  const bolts: FluxVertexDef[] = [];
  const streams: FluxStreamDef[] = [];
  for (const c of spec.components) {
    const v = vertex(c, how.get(c.id) ?? { as: 'node' }, wrapper, components);
    // Flux's usual field order: id and className first.
    const { id, className, parallelism, numTasks, config, ...rest } = v;
    (c.kind === 'spout' ? spouts : bolts).push({ id, className, ...rest, parallelism, ...(numTasks !== undefined ? { numTasks } : {}), ...(config ? { config } : {}) });
    for (const input of c.inputs) {
      const type = GROUPINGS[input.grouping.type];
      if (type === undefined) throw unsupported(`Component '${c.id}' subscribes to '${input.component}' with a custom grouping, which cannot be exported (Flux needs a Java CustomStreamGrouping class)`);
      if (input.grouping.type === 'partial-key') warnings.push(`'${c.id}': partial-key grouping on ${input.grouping.fields?.join(', ')} exported as FIELDS grouping`);
      const grouping: FluxStreamDef['grouping'] = { type, ...(input.stream !== 'default' ? { streamId: input.stream } : {}), ...(type === 'FIELDS' ? { args: [...(input.grouping.fields ?? [])] } : {}) };
      streams.push({ name: `${input.component} --> ${c.id}`, from: input.component, to: c.id, grouping });
    }
  }
  const doc = { name, config: { ...spec.config }, ...(components.length ? { components } : {}), spouts, bolts, streams };
  const header = `# Flux definition of topology '${name}', written by streamctl topology export.\n# Run on Apache Storm: storm jar flux-core.jar org.apache.storm.flux.Flux --remote topology.yaml\n# (TypeScript components run as multilang shell components: node resources/${wrapper} <component id>.)\n`;
  return { yaml: header + stringify(doc, { lineWidth: 0 }), warnings };
}
