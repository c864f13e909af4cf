// `streamctl version` (also `--version`, `-v`): the version line, as oclif prints it.
import { BaseCommand } from '../cli/base-command.js';
import { writeOut } from '../cli/kafka-flags.js';

export default class Version extends BaseCommand<typeof Version> {
  static override summary = 'Print the streamctl version (also --version and -v).';
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> --version', '<%= config.bin %> version --json'];

  async run(): Promise<{ version: string; node: string; platform: string }> {
    if (!this.jsonEnabled()) writeOut(`${this.config.userAgent}\n`);
    return { version: this.config.version, node: process.version, platform: `${this.config.platform}-${this.config.arch}` };
  }
}
