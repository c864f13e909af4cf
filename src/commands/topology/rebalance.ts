// `streamctl topology rebalance <name> [-w secs] [-n workers] [-e component=parallelism]...`
// (as `storm rebalance`; asking for more executors than tasks is an error, not a cap).
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { parseExecutorOverrides } from '../../engine/runtime/topology-overrides.js';

export default class TopologyRebalance extends BaseCommand<typeof TopologyRebalance> {
  static override summary = 'Change the workers and executors of a running topology (tasks stay fixed).';
  static override examples = ['<%= config.bin %> topology rebalance wc -w 0 -e count=2', '<%= config.bin %> topology rebalance wc -n 3'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    wait: Flags.integer({ char: 'w', summary: 'Seconds to wait first (default: its message timeout).', min: 0 }),
    'num-workers': Flags.integer({ char: 'n', summary: 'New number of workers.', min: 1 }),
    executors: Flags.string({ char: 'e', summary: 'component=parallelism (repeatable).', multiple: true, multipleNonGreedy: true }),
    ...nimbusFlags,
  };

  async run(): Promise<{ topologyOperation: string; topologyId: string; status: string; name: string }> {
    const result = await topologyClient(this.flags).rebalance(this.args.name, {
      ...(this.flags.wait !== undefined ? { waitSecs: this.flags.wait } : {}),
      ...(this.flags['num-workers'] !== undefined ? { numWorkers: this.flags['num-workers'] } : {}),
      executors: parseExecutorOverrides(this.flags.executors ?? []),
    });
    this.log(`Topology ${this.args.name} is rebalancing`);
    return result;
  }
}
