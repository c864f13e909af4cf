// `streamctl topology export <file> --out <dir>`: write a Flux definition plus multilang
// wrappers so the topology runs on Apache Storm (storm jar flux-core.jar ... --remote).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { clusterBootstrapServers } from '../../engine/runtime/nimbus-locator.js';
import { defaultTopologyName } from '../../engine/runtime/topology-client.js';
import { exportTopology, type ExportResult } from '../../engine/runtime/topology-export.js';

export default class TopologyExport extends BaseCommand<typeof TopologyExport> {
  static override summary = 'Export a topology to Apache Storm: a Flux topology.yaml plus multilang wrappers in resources/.';
  static override description =
    'Each TypeScript spout and bolt becomes a FluxShellSpout/FluxShellBolt running `node resources/streamctl-topology.mjs <id>` (one esbuild bundle of the topology and streamctl, speaking Storm\'s multilang protocol); KafkaSpout and KafkaBolt become storm-kafka-client\'s classes; groupings, parallelism, tasks and config are kept. Run it with `storm jar flux-core.jar org.apache.storm.flux.Flux --remote topology.yaml`, or here with `streamctl topology submit DIR/topology.yaml`.';
  static override examples = ['<%= config.bin %> topology export wc/topology.ts --out wc-storm'];
  static override args = { file: Args.string({ required: true, description: 'Topology module (.ts or .js).' }) };
  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Directory to write (must be empty or absent).', required: true }),
    name: Flags.string({ char: 'N', summary: 'Topology name in the Flux file (default: the file name, or its folder for topology.ts).' }),
    'bootstrap-server': Flags.string({ summary: 'Kafka bootstrap servers for Kafka components that name none (default: the local cluster\'s, else 127.0.0.1:9092).' }),
  };

  async run(): Promise<ExportResult> {
    const result = await exportTopology(this.args.file, {
      out: this.flags.out,
      name: this.flags.name ?? defaultTopologyName(this.args.file),
      bootstrapServers: this.flags['bootstrap-server'] ?? clusterBootstrapServers(this.flags.dir) ?? '127.0.0.1:9092',
    });
    for (const w of result.warnings) this.warn(w);
    for (const c of result.components) this.log(`${c.kind} ${c.id}: ${c.exportedAs}`);
    this.log(`Wrote ${result.files.map((f) => `${this.flags.out}/${f}`).join(', ')}`);
    this.log(`Run on Apache Storm: storm jar flux-core.jar org.apache.storm.flux.Flux --remote ${this.flags.out}/topology.yaml`);
    return result;
  }
}
