// `streamctl topology errors <name>`: storm get-errors — the last error of each component.
import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { nimbusFlags, topologyClient } from '../../cli/nimbus-flags.js';
import { formatGetErrors, topologyErrors, type TopologyErrors } from '../../engine/runtime/topology-errors.js';

export default class TopologyErrorsCommand extends BaseCommand<typeof TopologyErrorsCommand> {
  static override summary = 'Show the last error of each component of a topology (storm get-errors).';
  static override description = `Prints Storm's get-errors line, {"Topology Name": NAME, "Comp-Errors": {COMPONENT: ERROR}}, listing only components that reported an error. With --json: every such component with its error, the worker (host, port) that reported it and when (epoch seconds).`;
  static override examples = ['<%= config.bin %> topology errors wc', '<%= config.bin %> topology errors wc --json'];
  static override args = { name: Args.string({ required: true, description: 'Topology name.' }) };
  static override flags = { ...nimbusFlags };

  async run(): Promise<TopologyErrors> {
    const errors = topologyErrors(await topologyClient(this.flags).describe(this.args.name));
    this.log(formatGetErrors(errors));
    return errors;
  }
}
