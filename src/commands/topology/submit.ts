// `streamctl topology submit <file>`: bundle the topology file with esbuild, validate it,
// upload it to nimbus and wait until its workers run.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { clusterBootstrapServers, parseConfOverrides, type SubmitResult } from '../../engine/runtime/topology-client.js';

export default class TopologySubmit extends BaseCommand<typeof TopologySubmit> {
  static override summary = 'Bundle a topology file (.ts or .js) and run it on the cluster.';
  static override examples = [
    '<%= config.bin %> topology submit wc/topology.ts --name wc',
    '<%= config.bin %> topology submit topology.ts --workers 2 -c topology.max.spout.pending=1000',
  ];
  static override args = { file: Args.string({ required: true, description: 'Topology module; its default export is builder.createTopology().' }) };
  static override flags = {
    name: Flags.string({ char: 'N', summary: 'Topology name (default: the file name, or its folder for topology.ts).' }),
    workers: Flags.integer({ char: 'n', summary: 'Number of workers (topology.workers).', min: 1 }),
    inactive: Flags.boolean({ summary: 'Submit INACTIVE (spouts do not run until `topology activate`).' }),
    conf: Flags.string({ char: 'c', summary: 'Topology config override key=value (repeatable).', multiple: true, multipleNonGreedy: true }),
    'wait-timeout': Flags.integer({ summary: 'Seconds to wait for the workers to start (0 = do not wait).', default: 60, min: 0 }),
    ...nimbusFlags,
  };

  async run(): Promise<SubmitResult> {
    const client = topologyClient(this.flags);
    const result = await client.submit(this.args.file, {
      ...(this.flags.name !== undefined ? { name: this.flags.name } : {}),
      ...(this.flags.workers !== undefined ? { workers: this.flags.workers } : {}),
      inactive: this.flags.inactive,
      conf: parseConfOverrides(this.flags.conf ?? []),
      waitTimeoutMs: this.flags['wait-timeout'] * 1000,
      defaultConf: { 'kafka.bootstrap.servers': clusterBootstrapServers(this.flags.dir) },
    });
    for (const w of result.warnings) this.warn(w);
    this.log(`Submitted topology: ${result.name} (${result.topologyId}) ${result.status}, ${result.workers} worker(s), ${result.tasks} task(s)`);
    return result;
  }
}
