// `streamctl completion bash|zsh|fish`: prints a completion script. The scripts ask the hidden
// `__complete` command for candidates, so flags, their values and names from the running
// cluster (topics, groups, topologies, broker ids) are completed alike in every shell.
import { Args } from '@oclif/core';
import { bashCompletion, fishCompletion, zshCompletion } from '../engine/client/shell-completion.js';
import { BaseCommand } from '../cli/base-command.js';
import { writeOut } from '../cli/kafka-flags.js';

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Print a shell completion script for bash, zsh or fish.';
  static override description =
    'Completes command names, flags and their values; --topic, --group, topology names and broker ids come from the running cluster (asked with a short timeout; nothing when there is none). Load it in the current shell with `source <(streamctl completion bash)`.';
  static override examples = [
    'source <(<%= config.bin %> completion bash)',
    '<%= config.bin %> completion zsh > "${fpath[1]}/_streamctl"',
    '<%= config.bin %> completion fish > ~/.config/fish/completions/streamctl.fish',
  ];
  static override args = { shell: Args.string({ description: 'bash, zsh or fish', options: ['bash', 'zsh', 'fish'], default: 'bash' }) };
  static override enableJsonFlag = false;

  async run(): Promise<void> {
    const bin = this.config.bin;
    const scripts = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion } as const;
    writeOut(scripts[this.args.shell as keyof typeof scripts](bin));
  }
}
