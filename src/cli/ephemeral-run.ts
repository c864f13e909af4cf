// `cluster start --ephemeral`: starts a throwaway cluster, prints its bootstrap servers (or,
// with --json, its description), stays until SIGINT/SIGTERM, then stops and removes it.
// Shared by the oclif command and by bin/run.js's fast path, which runs this one command line
// without loading oclif (about 0.2 s of the start-up budget). The fast path understands only
// the flags below in their plain forms; anything else (help, a bad value, another flag) goes
// to oclif, which owns the error messages.
import { parseArgs } from 'node:util';
import { startCluster as startEphemeral } from '../embedded/start-cluster.js';
import { BROKER_SETTINGS } from '../engine/broker/broker-settings.js';
import { StreamctlError } from '../engine/common/errors.js';
import { parseKeyValues } from '../engine/common/key-value.js';
import { CONTROLLER_SETTINGS } from '../engine/controller/controller-settings.js';

export interface EphemeralOptions {
  brokers?: number | undefined;
  storm?: boolean | undefined;
  supervisors?: number | undefined;
  slots?: number | undefined;
  basePort?: number | undefined;
  settings: Record<string, string>;
  json: boolean;
}

/** `--set` values: a bad key or value is a usage error before any process starts. */
export function parseStartSettings(set: readonly string[] | undefined): Record<string, string> {
  const settings = parseKeyValues(set ? [...set] : undefined, '--set', { trimValue: true });
  const bad = BROKER_SETTINGS.check(settings) ?? CONTROLLER_SETTINGS.check(settings);
  if (bad) throw new StreamctlError('USAGE', `Invalid --set: ${bad}`);
  return settings;
}

/** Starts, prints, waits for SIGINT/SIGTERM, removes everything; resolves once it is gone. */
export async function runEphemeral(options: EphemeralOptions): Promise<void> {
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const cluster = await startEphemeral({
    brokers: options.brokers ?? 1,
    storm: options.storm ?? true,
    ...(options.supervisors === undefined ? {} : { supervisors: options.supervisors }),
    ...(options.slots === undefined ? {} : { slots: options.slots }),
    ...(options.basePort === undefined ? {} : { basePort: options.basePort }),
    config: options.settings,
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...cluster.describe(), dir: cluster.dir, ephemeral: true }, null, 2)}\n`);
  } else {
    process.stdout.write(`${cluster.bootstrapServers}\n`);
    const nimbus = cluster.nimbusUrl ? `; nimbus ${cluster.nimbusUrl} (token in ${cluster.dir}/nimbus.token)` : '';
    process.stderr.write(`Ephemeral cluster in ${cluster.dir}${nimbus}. Other commands reach it with --dir ${cluster.dir}. Ctrl-C or SIGTERM stops and removes it.\n`);
  }
  await stopped;
  await cluster.stop();
}

const INTEGER_FLAGS = { brokers: [0, 100], supervisors: [0, 50], slots: [1, 100], 'base-port': [1, 65535] } as const;

/** The fast path's reading of `cluster start` arguments; undefined when oclif should handle them. */
export function fastEphemeralOptions(args: readonly string[]): EphemeralOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      allowNegative: true,
      options: {
        ephemeral: { type: 'boolean' },
        json: { type: 'boolean' },
        storm: { type: 'boolean' },
        brokers: { type: 'string' },
        supervisors: { type: 'string' },
        slots: { type: 'string' },
        'base-port': { type: 'string' },
        set: { type: 'string', multiple: true },
      },
    });
  } catch {
    return undefined;
  }
  const values = parsed.values;
  if (values.ephemeral !== true) return undefined;
  const ints: Partial<Record<keyof typeof INTEGER_FLAGS, number>> = {};
  for (const [name, [min, max]] of Object.entries(INTEGER_FLAGS) as Array<[keyof typeof INTEGER_FLAGS, readonly [number, number]]>) {
    const text = values[name];
    if (text === undefined) continue;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) return undefined;
    ints[name] = Number(text);
  }
  let settings: Record<string, string>;
  try {
    settings = parseStartSettings(values.set);
  } catch {
    return undefined;
  }
  return {
    brokers: ints.brokers,
    supervisors: ints.supervisors,
    slots: ints.slots,
    basePort: ints['base-port'],
    storm: values.storm,
    settings,
    json: values.json === true,
  };
}

/** bin/run.js's entry: true when it ran the command (the process should then exit 0). */
export async function runFastEphemeral(args: readonly string[]): Promise<boolean> {
  const options = fastEphemeralOptions(args);
  if (!options) return false;
  try {
    await runEphemeral(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) process.stdout.write(`${JSON.stringify({ error: { code: (error as Partial<StreamctlError>).code ?? 'INTERNAL', message, kafkaErrorCode: null } }, null, 2)}\n`);
    else process.stderr.write(`Error: ${message}\n`);
    process.exit(1);
  }
  return true;
}
