// `streamctl topology list`: Storm's `storm list` table, or `No topologies running.`

import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import type { ListResult } from '../../engine/runtime/topology-client.js';
import { formatStormList } from '../../engine/runtime/topology-formatters.js';

export default class TopologyList extends BaseCommand<typeof TopologyList> {
  static override summary = 'List the topologies on the cluster (as `storm list`).';
  static override examples = ['<%= config.bin %> topology list', '<%= config.bin %> topology list --json'];
  static override flags = {
    ...nimbusFlags,
  };

  async run(): Promise<ListResult> {
    const result = await topologyClient(this.flags).list();
    this.log(formatStormList(result.topologies));
    return result;
  }
}
