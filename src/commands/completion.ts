// `streamctl completion bash|zsh`: prints a completion script built from the command list.
import { Args } from '@oclif/core';
import { bashCompletion, type CompletionCommand, zshCompletion } from '../engine/client/shell-completion.js';
import { BaseCommand } from '../cli/base-command.js';
import { writeOut } from '../cli/kafka-flags.js';

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Print a shell completion script for bash or zsh.';
  static override description = 'Completes command names and their flags. Load it in the current shell with `source <(streamctl completion bash)`.';
  static override examples = ['source <(<%= config.bin %> completion bash)', '<%= config.bin %> completion zsh > "${fpath[1]}/_streamctl"'];
  static override args = { shell: Args.string({ description: 'bash or zsh', options: ['bash', 'zsh'], default: 'bash' }) };
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({ id: c.id, summary: c.summary, flags: Object.keys(c.flags ?? {}).sort() }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const bin = this.config.bin;
    writeOut(this.args.shell === 'zsh' ? zshCompletion(bin, commands) : bashCompletion(bin, commands));
  }
}
