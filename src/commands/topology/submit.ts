// `streamctl topology submit <file>`: bundle the topology file (a module, or a Flux YAML
// definition run as Storm's Flux does) with esbuild, validate it, upload it to nimbus and
// wait until its workers run.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { clusterBootstrapServers } from '../../engine/runtime/nimbus-locator.js';
import { parseConfOverrides } from '../../engine/runtime/topology-overrides.js';
import { TopologyClient, type SubmitOptions, type SubmitResult } from '../../engine/runtime/topology-client.js';

export default class TopologySubmit extends BaseCommand<typeof TopologySubmit> {
  static override summary = 'Bundle a topology file (.ts, .js, or a Flux .yaml) and run it on the cluster.';
  static override description = `A .yaml/.yml file is a Storm Flux definition (name, config, components, spouts, bolts, streams, includes): className names a module export (./bolts.ts#SplitBolt, relative to the YAML) or a built-in (KafkaSpout, KafkaBolt, ShellBolt, ShellSpout and Storm's class names such as org.apache.storm.flux.wrappers.bolts.FluxShellBolt). \${ENV-NAME} is replaced by the environment variable NAME and \${key} by the --filter properties. Shell components run in the resources/ folder beside the file.`;
  static override examples = [
    '<%= config.bin %> topology submit wc/topology.ts --name wc',
    '<%= config.bin %> topology submit topology.ts --workers 2 -c topology.max.spout.pending=1000',
    '<%= config.bin %> topology submit topology.yaml --filter dev.properties',
    '<%= config.bin %> topology submit topology.yaml --dry-run',
  ];
  static override args = { file: Args.string({ required: true, description: 'Topology module (default export builder.createTopology()) or Flux YAML file.' }) };
  static override flags = {
    name: Flags.string({ char: 'N', summary: 'Topology name (default: the Flux name, else the file name, or its folder for topology.ts).' }),
    workers: Flags.integer({ char: 'n', summary: 'Number of workers (topology.workers).', min: 1 }),
    inactive: Flags.boolean({ summary: 'Submit INACTIVE (spouts do not run until `topology activate`).' }),
    conf: Flags.string({ char: 'c', summary: 'Topology config override key=value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'wait-timeout': Flags.integer({ summary: 'Seconds to wait for the workers to start (0 = do not wait).', default: 60, min: 0 }),
    filter: Flags.string({ char: 'f', summary: 'Flux: properties file whose keys replace ${key} in the YAML.' }),
    'dry-run': Flags.boolean({ char: 'd', summary: 'Flux: build, validate and print the topology without submitting it.' }),
    'no-splash': Flags.boolean({ summary: 'Flux: do not print the splash banner.' }),
    'no-detail': Flags.boolean({ char: 'q', summary: 'Flux: do not print the topology details.' }),
    ...nimbusFlags,
  };

  async run(): Promise<SubmitResult> {
    // A dry run needs no cluster (Flux's --dry-run works offline).
    const submit = (file: string, options: SubmitOptions) => (this.flags['dry-run'] ? TopologyClient.dryRun(file, options) : topologyClient(this.flags).submit(file, options));
    const result = await submit(this.args.file, {
      ...(this.flags.name !== undefined ? { name: this.flags.name } : {}),
      ...(this.flags.workers !== undefined ? { workers: this.flags.workers } : {}),
      inactive: this.flags.inactive,
      conf: parseConfOverrides(this.flags.conf ?? []),
      waitTimeoutMs: this.flags['wait-timeout'] * 1000,
      defaultConf: { 'kafka.bootstrap.servers': clusterBootstrapServers(this.flags.dir) },
      flux: {
        ...(this.flags.filter !== undefined ? { filter: this.flags.filter } : {}),
        env: { ...process.env },
        noSplash: this.flags['no-splash'],
        noDetail: this.flags['no-detail'],
        version: this.config.version,
      },
      dryRun: this.flags['dry-run'],
    });
    for (const w of result.warnings) this.warn(w);
    if (!this.jsonEnabled()) for (const line of result.fluxInfo ?? []) this.log(line);
    if (result.dryRun) return result;
    this.log(`Submitted topology: ${result.name} (${result.topologyId}) ${result.status}, ${result.workers} worker(s), ${result.tasks} task(s)`);
    return result;
  }
}
