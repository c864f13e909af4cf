// Flags shared by the Kafka-side commands (--bootstrap-server, --command-timeout) and the
// resolution of the bootstrap servers: the flag, else the local cluster's cluster.json in
// --dir (default ~/.streamctl/cluster, via cluster-locator). Also the small helpers those commands share for
// Kafka-tool style output (stdout/stderr text, exit codes).
import { Flags } from '@oclif/core';
import type { AdminClient } from '../engine/client/admin-client.js';
import { type KafkaConnectOptions, parseBootstrapServers } from '../engine/client/client-options.js';
import { bootstrapServersFromCluster, isClusterLocatorError, resolveClusterDir } from './cluster-locator.js';
import { isStdoutClosed } from './interrupt.js';
import { isStreamctlError } from '../engine/common/errors.js';
import { refusedFlags } from './refused-flags.js';

export const kafkaFlags = {
  'bootstrap-server': Flags.string({
    summary: 'Kafka brokers to connect to (host:port[,host:port]).',
    description: 'Defaults to the brokers of the local cluster in --dir.',
    helpValue: 'host:port',
  }),
  'command-timeout': Flags.integer({
    summary: 'Request timeout in milliseconds.',
    default: 30_000,
    helpValue: 'ms',
  }),
  ...refusedFlags({
    'command-config': { takesValue: true, reason: 'streamctl connects in plaintext without client security or admin properties' },
  }),
};

/** Connection options from the parsed flags. */
export function connectOptions(flags: { 'bootstrap-server'?: string; 'command-timeout'?: number; dir?: string }): KafkaConnectOptions {
  const bootstrapServers = flags['bootstrap-server']
    ? parseBootstrapServers(flags['bootstrap-server'])
    : bootstrapServersFromCluster(resolveClusterDir(flags.dir));
  return { bootstrapServers, requestTimeoutMs: flags['command-timeout'] };
}

/** Writes text to stdout/stderr without adding newlines (Kafka tools control their own). */
export function writeOut(text: string): void {
  if (text && !isStdoutClosed()) process.stdout.write(text);
}

export function writeErr(text: string): void {
  if (text) process.stderr.write(text);
}

/** Marks the run as failed without throwing (the Kafka tools print their own error text). */
export function failRun(code = 1): void {
  process.exitCode = code;
}

/** kafka-topics.sh's error line (stdout, exit 1). */
export function topicCommandError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Error while executing topic command : ${message}\n`;
}

export { interruptSignal, writeStdout } from './interrupt.js';

/**
 * Runs one admin action the way the Kafka tools do: the AdminClient is opened on first use
 * (so flag validation inside `action` fails before any connection) and always closed; a
 * usage error, a missing local cluster, or any error with --json, is re-thrown for the base command; otherwise `report` prints it in the tool's own words and the
 * run exits 1.
 */
export async function runAdminCommand<T>(
  options: { jsonEnabled: boolean; flags: Parameters<typeof connectOptions>[0]; report: (error: unknown) => void },
  action: (admin: () => AdminClient) => Promise<T>,
): Promise<T | undefined> {
  // Loaded here, not at the top: @platformatic/kafka costs ~0.2 s of start-up (ajv schema
  // compilation), which commands that never open an admin client should not pay.
  const { AdminClient: Admin } = await import('../engine/client/admin-client.js');
  let client: AdminClient | undefined;
  const admin = () => (client ??= Admin.open(connectOptions(options.flags)));
  try {
    return await action(admin);
  } catch (error) {
    // Usage errors and --json errors go to the base command (exit 2 / one JSON error shape).
    if (options.jsonEnabled || isStreamctlError(error, 'USAGE') || isClusterLocatorError(error)) throw error;
    options.report(error);
    failRun();
    return undefined;
  } finally {
    await client?.close();
  }
}

/** kafka-topics.sh's error report: `Error while executing topic command : <msg>` on stdout. */
export const reportTopicCommandError = (error: unknown): void => writeOut(topicCommandError(error));
