// Base of every streamctl command: shared global flags, --json support (oclif's
// enableJsonFlag: a command returns a typed result which --json prints), and the one place
// where errors become messages and exit codes: 2 for usage errors (the command line is wrong:
// oclif's parse errors and StreamctlError USAGE), printed with the command's usage text; 1 for
// every runtime failure. No stack trace reaches the user (set DEBUG=streamctl to see one).
import { Command, Errors, Flags, Help, type Interfaces } from '@oclif/core';
import { exitCodeFor, isStreamctlError, StreamctlError } from '../engine/common/errors.js';
import { watchStdoutClosed } from './interrupt.js';
import { toJsonValue } from './output.js';
import { refusedFlagMessage } from './refused-flags.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    dir: Flags.string({
      helpGroup: 'GLOBAL',
      summary: 'Directory of the local cluster.',
      description: 'Defaults to $STREAMCTL_DIR, else ~/.streamctl/cluster.',
      env: 'STREAMCTL_DIR',
    }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;

  public override async init(): Promise<void> {
    await super.init();
    watchStdoutClosed();
    // Arguments never come from stdin (oclif fills a missing argument from piped stdin
    // otherwise): only commands that read records read stdin, and they do it themselves.
    const args = Object.fromEntries(Object.entries(this.ctor.args ?? {}).map(([name, arg]) => [name, { ...arg, ignoreStdin: true }]));
    try {
      const parsed = await this.parse({
        flags: this.ctor.flags,
        baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
        enableJsonFlag: this.ctor.enableJsonFlag,
        args,
        strict: this.ctor.strict,
      });
      this.flags = parsed.flags as BaseFlags<T>;
      this.args = parsed.args as BaseArgs<T>;
    } catch (error) {
      if (error instanceof Errors.ExitError || (error as Errors.CLIError).oclif?.exit === 0) throw error;
      // Every parse failure (unknown flag, bad value, missing or unexpected argument) is a usage error.
      throw new StreamctlError('USAGE', parseErrorMessage(error), { cause: error });
    }
    // Kafka options declared as refused (see refused-flags) are usage errors naming the flag.
    const refused = refusedFlagMessage(this.ctor.flags ?? {}, this.flags as Record<string, unknown>);
    if (refused) throw new StreamctlError('USAGE', refused);
  }

  /** Every --json result follows the one convention (src/cli/output.ts). */
  protected override toSuccessJson(result: unknown): unknown {
    return toJsonValue(result);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // this.exit(n) inside a command throws ExitError: let oclif exit with that code.
    if (err instanceof Errors.ExitError) throw err;
    if (err instanceof Errors.CLIError && !isStreamctlError(err) && err.oclif?.exit === 0) throw err;
    const error = isStreamctlError(err) ? err : err instanceof Errors.CLIError ? new StreamctlError('USAGE', parseErrorMessage(err)) : err;
    const exitCode = exitCodeFor(error);
    if (process.env.DEBUG?.includes('streamctl')) this.logToStderr(err.stack ?? String(err));
    if (this.jsonEnabled()) {
      const e = error as Partial<StreamctlError>;
      this.logJson({ error: { code: e.code ?? 'INTERNAL', message: error.message, kafkaErrorCode: e.kafkaErrorCode ?? null } });
    } else {
      this.logToStderr(`Error: ${error.message}`);
      if (isStreamctlError(error) && error.hint) this.logToStderr(error.hint);
      if (exitCode === 2) this.logToStderr(`\n${this.usageText()}See more help with --help`);
    }
    this.exit(exitCode);
  }

  /** oclif's USAGE section of this command's help. */
  private usageText(): string {
    const command = this.id ? this.config.findCommand(this.id) : undefined;
    if (!command) return '';
    try {
      return `${new UsageHelp(this.config, { sections: ['usage'], stripAnsi: true }).usageOf(command).trimEnd()}\n\n`;
    } catch {
      return '';
    }
  }
}

/** oclif's Help, reduced to the USAGE section of one command. */
class UsageHelp extends Help {
  usageOf(command: Parameters<Help['formatCommand']>[0]): string {
    return this.formatCommand(command);
  }
}

/** oclif's parse error message without its "See more help" tail and indentation. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/\nSee more help with --help\s*$/, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(': ')
    .replace(/: :/g, ':');
}
