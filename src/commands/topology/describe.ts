// `streamctl topology describe <name>`: components, executors, tasks, workers and metrics.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import type { TopologyDetail } from '../../engine/runtime/topology-client.js';
import { formatDescribe } from '../../engine/runtime/topology-formatters.js';
import { describeTopologyState, formatStateView, type TopologyStateView } from '../../engine/runtime/topology-state-view.js';

export default class TopologyDescribe extends BaseCommand<typeof TopologyDescribe> {
  static override summary = 'Show a topology: components, executors, tasks, workers, metrics, windows and state (last checkpoint per stateful bolt).';
  static override examples = ['<%= config.bin %> topology describe wc', '<%= config.bin %> topology describe wc --window 600 --json'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = {
    window: Flags.string({ summary: 'Metrics window.', options: ['600', ':all-time'], default: ':all-time' }),
    ...nimbusFlags,
  };

  async run(): Promise<TopologyDetail & { state: TopologyStateView }> {
    const detail = await topologyClient(this.flags).describe(
      this.args.name,
      this.flags.window as '600' | ':all-time',
    );
    const state = await describeTopologyState(detail);
    this.log(formatDescribe(detail) + formatStateView(state));
    return { ...detail, state };
  }
}
