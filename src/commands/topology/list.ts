// `streamctl topology list`: Storm's `storm list` table, or `No topologies running.`
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { formatStormList, TopologyClient, type ListResult } from '../../engine/runtime/topology-client.js';

export default class TopologyList extends BaseCommand<typeof TopologyList> {
  static override summary = 'List the topologies on the cluster (as `storm list`).';
  static override examples = ['<%= config.bin %> topology list', '<%= config.bin %> topology list --json'];
  static override flags = {
    'nimbus-url': Flags.string({ summary: 'Nimbus REST URL (default: from the cluster dir, else http://127.0.0.1:9292).' }),
  };

  async run(): Promise<ListResult> {
    const result = await TopologyClient.fromCluster({ dir: this.flags.dir, nimbusUrl: this.flags['nimbus-url'] }).list();
    this.log(formatStormList(result.topologies));
    return result;
  }
}
