// Flux parsing and building without processes: substitution, includes, errors that name the
// bad field, the dry-run listing, and storm-kafka-client components mapped onto streamctl's
// Kafka spout and bolt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFluxTopology } from '../../../src/engine/flux/flux-builder.js';
import { parseFluxFile, parseJavaProperties } from '../../../src/engine/flux/flux-parser.js';
import { formatFluxInfo } from '../../../src/engine/flux/flux-printer.js';
import { BaseBasicBolt } from '../../../src/engine/topology/bolt.js';
import type { OutputFieldsDeclarer } from '../../../src/engine/topology/output-fields-declarer.js';
import { BaseWindowedBolt } from '../../../src/engine/topology/windowing/base-windowed-bolt.js';
import type { TupleWindow } from '../../../src/engine/topology/windowing/tuple-window.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flux-parser-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const MINIMAL = `
name: "t"
spouts:
  - id: "words"
    className: "org.apache.storm.testing.TestWordSpout"
    parallelism: 2
bolts:
  - id: "count"
    className: "TestWordCounter"
    parallelism: 3
    numTasks: 6
streams:
  - from: "words"
    to: "count"
    grouping:
      type: FIELDS
      args: ["word"]
`;

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('Flux parsing', () => {
  it('rejects YAML syntax errors with the line and column', () => {
    const file = write('bad.yaml', 'name: "t"\nspouts:\n  - id: [unclosed\n');
    expect(errorOf(() => parseFluxFile(file))).toMatch(new RegExp(`^${file}:\\d+:\\d+: not valid YAML`));
  });

  it('names the path of a bad field', () => {
    const bad = (text: string) => errorOf(() => parseFluxFile(write('t.yaml', text)));
    expect(bad(MINIMAL.replace('parallelism: 3', 'parallelism: "three"'))).toMatch(/: bolts\[0\]\.parallelism: must be an integer >= 1, got string "three"$/);
    expect(bad(MINIMAL.replace('type: FIELDS', 'type: ROUND_ROBIN'))).toMatch(/: streams\[0\]\.grouping\.type: must be one of ALL, CUSTOM/);
    expect(bad(MINIMAL.replace('to: "count"', 'to: "counter"'))).toMatch(/: streams\[0\]\.to: unknown bolt 'counter' \(bolts: count\)$/);
    expect(bad(MINIMAL.replace('args: ["word"]', ''))).toMatch(/: streams\[0\]\.grouping\.args: FIELDS grouping needs args/);
    expect(bad(MINIMAL.replace('numTasks: 6', 'numTask: 6'))).toMatch(/: bolts\[0\]\.numTask: unknown field/);
    expect(bad(MINIMAL.replace('name: "t"', ''))).toMatch(/: name: a topology needs a name$/);
  });

  it('substitutes ${ENV-NAME} and --filter ${key} (with list elements) per line, keeping unknown ones with a warning', () => {
    const file = write('t.yaml', MINIMAL.replace('name: "t"', 'name: "${ENV-TOPO_NAME}"\nconfig:\n  a: ${kafka.host}\n  b: ${hosts[1]}\n  c: "${missing}"'));
    const { def, warnings } = parseFluxFile(file, { env: { TOPO_NAME: 'from-env' }, properties: parseJavaProperties('kafka.host = h1:9092\nhosts: ["x", "y"]\n# comment\n') });
    expect(def.name).toBe('from-env');
    expect(def.config).toEqual({ a: 'h1:9092', b: 'y', c: '${missing}' });
    expect(warnings).toEqual(['Could not find replacement for property: missing']);
  });

  it('merges includes: new ids are added, existing ones replaced only with override', () => {
    write('inc.yaml', 'name: "included"\nconfig:\n  topology.workers: 3\n  extra: 1\nbolts:\n  - id: "count"\n    className: "LogInfoBolt"\n');
    const file = write('t.yaml', `${MINIMAL}\nconfig:\n  topology.workers: 1\nincludes:\n  - file: "inc.yaml"\n`);
    const kept = parseFluxFile(file);
    expect(kept.def.name).toBe('t');
    expect(kept.def.config).toEqual({ 'topology.workers': 1, extra: 1 });
    expect(kept.def.bolts[0]!.className).toBe('TestWordCounter');
    expect(kept.warnings).toContain("Ignoring attempt to set topology config property 'topology.workers' with override == false");
    const over = parseFluxFile(write('t.yaml', `${MINIMAL}\nincludes:\n  - file: "inc.yaml"\n    override: true\n`));
    expect(over.def.name).toBe('included');
    expect(over.def.bolts[0]!.className).toBe('LogInfoBolt');
  });

  it("prints Flux's banner and topology details", () => {
    const { def, file } = parseFluxFile(write('t.yaml', MINIMAL));
    const lines = formatFluxInfo(def, file, { version: '9.9.9' });
    expect(lines.slice(6)).toEqual([
      '+-         Apache Storm        -+',
      '+-  data FLow User eXperience  -+',
      'Version: 9.9.9',
      `Parsing file: ${file}`,
      '---------- TOPOLOGY DETAILS ----------',
      'Topology Name: t',
      '--------------- SPOUTS ---------------',
      'words [2] (org.apache.storm.testing.TestWordSpout)',
      '---------------- BOLTS ---------------',
      'count [3] (TestWordCounter)',
      '--------------- STREAMS ---------------',
      'words --FIELDS--> count',
      '--------------- WORKER HOOKS ---------------',
      '--------------------------------------',
    ]);
  });
});

class Upper extends BaseBasicBolt {
  prefix = '';
  suffix = '';
  setPrefix(p: string) {
    this.prefix = `<${p}>`;
  }
  withSuffix(s: string) {
    this.suffix = s;
  }
  execute() {}
  override declareOutputFields(d: OutputFieldsDeclarer) {
    d.declare(['word']);
  }
}

describe('Flux building', () => {
  it('maps storm-kafka-client components onto the Kafka spout and bolt, keeping groupings, parallelism and tasks', () => {
    const file = write(
      'k.yaml',
      `
name: "kafka-topology"
components:
  - id: "spoutConfigBuilder"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder"
    constructorArgs: ["localhost:9092", ["sentences"]]
    properties:
      - name: "firstPollOffsetStrategy"
        value: EARLIEST
    configMethods:
      - name: "setProp"
        args: [{"group.id": "g1", "key.deserializer": "org.apache.kafka.common.serialization.StringDeserializer"}]
      - name: "setOffsetCommitPeriodMs"
        args: [500]
  - id: "spoutConfig"
    className: "org.apache.storm.kafka.spout.KafkaSpoutConfig"
    constructorArgs: [{ref: "spoutConfigBuilder"}]
  - id: "producerProps"
    className: "java.util.Properties"
    configMethods:
      - name: "put"
        args: ["bootstrap.servers", "localhost:9093"]
      - name: "put"
        args: ["acks", "1"]
  - id: "selector"
    className: "org.apache.storm.kafka.bolt.selector.DefaultTopicSelector"
    constructorArgs: ["counts"]
  - id: "mapper"
    className: "org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper"
    constructorArgs: ["word", "count"]
spouts:
  - id: "kafka-spout"
    className: "org.apache.storm.kafka.spout.KafkaSpout"
    constructorArgs: [{ref: "spoutConfig"}]
bolts:
  - id: "upper"
    className: "./bolts.ts#Upper"
    parallelism: 2
    numTasks: 4
    properties:
      - name: "prefix"
        value: "p"
    configMethods:
      - name: "withSuffix"
        args: ["!"]
  - id: "kafka-out"
    className: "org.apache.storm.kafka.bolt.KafkaBolt"
    configMethods:
      - name: "withProducerProperties"
        args: [{ref: "producerProps"}]
      - name: "withTopicSelector"
        args: [{ref: "selector"}]
      - name: "withTupleToKafkaMapper"
        args: [{ref: "mapper"}]
streams:
  - from: "kafka-spout"
    to: "upper"
    grouping: {type: LOCAL_OR_SHUFFLE}
  - from: "upper"
    to: "kafka-out"
    grouping: {type: GLOBAL}
`,
    );
    const { def } = parseFluxFile(file);
    const topology = buildFluxTopology(def, { './bolts.ts': { Upper } }, file);
    const byId = Object.fromEntries(topology.spec.components.map((c) => [c.id, c]));
    expect(byId.upper).toMatchObject({ parallelism: 2, numTasks: 4, inputs: [{ component: 'kafka-spout', stream: 'default', grouping: { type: 'local-or-shuffle' } }] });
    expect(byId['kafka-out']!.inputs[0]!.grouping).toEqual({ type: 'global' });
    expect(byId['kafka-spout']!.streams.default!.fields).toEqual(['topic', 'partition', 'offset', 'key', 'value']);
    expect((topology.createComponent('kafka-spout') as unknown as { options: unknown }).options).toEqual({
      topic: 'sentences',
      bootstrapServers: 'localhost:9092',
      firstPollOffsetStrategy: 'EARLIEST',
      commitIntervalMs: 500,
      groupId: 'g1',
    });
    expect((topology.createComponent('kafka-out') as unknown as { options: unknown }).options).toEqual({ bootstrapServers: 'localhost:9093', acks: 1, topic: 'counts', keyField: 'word', valueField: 'count' });
    const a = topology.createComponent('upper') as Upper;
    expect([a.prefix, a.suffix]).toEqual(['<p>', '!']);
    expect(topology.createComponent('upper')).not.toBe(a);
  });

  it("builds Storm's flux-examples kafka_spout.yaml unchanged", () => {
    const file = join(import.meta.dirname, 'fixtures', 'storm-kafka', 'kafka_spout.yaml');
    const topology = buildFluxTopology(parseFluxFile(file).def, {}, file);
    const spout = topology.spec.components.find((c) => c.id === 'kafka-spout')!;
    expect(spout.streams.default!.fields).toEqual(['value']);
    const { options } = topology.createComponent('kafka-spout') as unknown as { options: Record<string, unknown> };
    expect(options).toMatchObject({ topic: 'myKafkaTopic', bootstrapServers: 'localhost:9092', firstPollOffsetStrategy: 'EARLIEST', outputFields: ['value'] });
    const translate = options.translator as (r: { value: Buffer | null }) => unknown[];
    expect(translate({ value: Buffer.from('the cow') })).toEqual(['the cow']);
  });

  it("configures a module's windowed bolt with Storm's Count and Duration components", () => {
    class Summer extends BaseWindowedBolt {
      execute(_window: TupleWindow): void {}
    }
    const file = write(
      't.yaml',
      MINIMAL.replace(
        'name: "t"',
        `name: "t"
components:
  - id: "ten"
    className: "org.apache.storm.topology.base.BaseWindowedBolt$Count"
    constructorArgs: [10]
  - id: "five"
    className: "org.apache.storm.topology.base.BaseWindowedBolt$Count"
    constructorArgs: [5]
  - id: "lag"
    className: "org.apache.storm.topology.base.BaseWindowedBolt$Duration"
    factory: "seconds"
    factoryArgs: [2]`,
      ).replace('className: "TestWordCounter"', `className: "./bolts.ts#Summer"
    configMethods:
      - name: "withWindow"
        args: [{ref: "ten"}, {ref: "five"}]
      - name: "withLag"
        args: [{ref: "lag"}]`),
    );
    const topology = buildFluxTopology(parseFluxFile(file).def, { './bolts.ts': { Summer } }, file);
    const count = topology.spec.components.find((c) => c.id === 'count')!;
    expect(count.config).toMatchObject({ 'topology.bolts.window.length.count': 10, 'topology.bolts.sliding.interval.count': 5, 'topology.bolts.tuple.timestamp.max.lag.ms': 2000 });
  });

  it('takes a module path without # as its default export', () => {
    const file = write('t.yaml', MINIMAL.replace('className: "TestWordCounter"', 'className: "./upper.ts"'));
    const topology = buildFluxTopology(parseFluxFile(file).def, { './upper.ts': { default: Upper } }, file);
    expect(topology.createComponent('count')).toBeInstanceOf(Upper);
  });

  it('names the field when a class or method does not exist', () => {
    const bad = (text: string) => {
      const file = write('t.yaml', text);
      return errorOf(() => buildFluxTopology(parseFluxFile(file).def, { './bolts.ts': { Upper } }, file));
    };
    expect(bad(MINIMAL.replace('className: "TestWordCounter"', 'className: "com.example.Nope"'))).toMatch(/: bolts\[0\]\.className: unknown class 'com.example.Nope': name a module export/);
    expect(bad(MINIMAL.replace('className: "TestWordCounter"', 'className: "./bolts.ts#Lower"'))).toMatch(/: bolts\[0\]\.className: \.\/bolts\.ts has no export 'Lower' \(exports: Upper\)/);
    expect(bad(MINIMAL.replace('numTasks: 6', 'configMethods:\n      - name: "frobnicate"'))).toMatch(/: bolts\[0\]\.configMethods\[0\]\.name: TestWordCounter has no method 'frobnicate'$/);
    expect(bad(MINIMAL.replace('className: "TestWordCounter"', 'className: "KafkaBolt"'))).toMatch(/: bolts\[0\]: KafkaBolt needs a topic/);
  });
});
