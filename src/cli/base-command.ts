// Base of every streamctl command: shared global flags, --json support (oclif's
// enableJsonFlag: a command returns a typed result which --json prints), and the one place
// where errors become messages and exit codes (1 runtime, 2 usage).
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { exitCodeFor, isStreamctlError } from '../engine/common/errors.js';

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
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // this.exit(n) inside a command throws ExitError: let oclif exit with that code.
    if (err instanceof Errors.ExitError) throw err;
    // oclif's own parse errors (unknown flag, missing arg) are usage errors: exit 2.
    if (err instanceof Errors.CLIError && !isStreamctlError(err)) {
      if (err.oclif?.exit === 0) throw err;
      this.logToStderr(`Error: ${err.message}`);
      this.exit(err.oclif?.exit === 1 ? 2 : (err.oclif?.exit ?? 2));
    }
    if (isStreamctlError(err)) {
      if (this.jsonEnabled()) {
        this.logJson({ error: { code: err.code, message: err.message, kafkaErrorCode: err.kafkaErrorCode } });
      } else {
        this.logToStderr(`Error: ${err.message}`);
        if (err.hint) this.logToStderr(err.hint);
      }
      this.exit(exitCodeFor(err));
    }
    return super.catch(err);
  }
}
