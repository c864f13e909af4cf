// `streamctl topology init <dir> [--template word-count]`: scaffold a runnable topology project.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { initProject } from '../../engine/runtime/topology-init.js';

export default class TopologyInit extends BaseCommand<typeof TopologyInit> {
  static override summary = 'Create a topology project from a template.';
  static override examples = ['<%= config.bin %> topology init wc && <%= config.bin %> topology submit wc/topology.ts --name wc'];
  static override args = { dir: Args.string({ required: true, description: 'Directory to create.' }) };
  static override flags = {
    template: Flags.string({ summary: 'Template name: word-count, windowed-count (sliding 10 s windows) or stateful-count (counts that survive restarts).', default: 'word-count' }),
  };

  async run(): Promise<{ dir: string; files: string[] }> {
    const result = initProject({ dir: this.args.dir, template: this.flags.template });
    this.log(`Created ${this.args.dir} from template ${this.flags.template}: ${result.files.join(', ')}`);
    this.log(`Next: streamctl topology submit ${this.args.dir}/topology.ts`);
    return result;
  }
}
