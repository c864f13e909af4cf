// `streamctl cluster health` (rpk cluster health): the health overview of the local cluster
// or of any Kafka cluster (--bootstrap-server); exits 1 while unhealthy. --exit-when-healthy
// waits until healthy (or --timeout), --watch prints every change. For CI jobs that must
// wait for a cluster.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { locateClusterDir } from '../../cli/cluster-locator.js';
import { interruptSignal, writeErr, writeOut } from '../../cli/kafka-flags.js';
import { parseBootstrapServers } from '../../engine/client/client-options.js';
import { checkTimeout, watchHealth, type HealthTarget } from '../../engine/cluster/cluster-health.js';
import { renderHealth } from '../../engine/cluster/cluster-report.js';
import type { ClusterHealth } from '../../engine/cluster/local-cluster.js';

export default class ClusterHealthCommand extends BaseCommand<typeof ClusterHealthCommand> {
  static override summary = 'Show whether the cluster is healthy (rpk cluster health); exit 1 while it is not.';
  static override description = `Healthy means every broker is up, the controller is up, and no partition is leaderless or under-replicated. Reads the local cluster in --dir (its processes and a broker's Metadata), or any Kafka cluster with --bootstrap-server (a broker named as a replica but missing from Metadata counts as down).

--exit-when-healthy polls once a second until the cluster is healthy and exits 0, or exits 1 when --timeout passes first. --watch prints the overview again whenever it changes, until --timeout or Ctrl-C. With --json only the last overview is printed.`;
  static override examples = [
    '<%= config.bin %> cluster health',
    '<%= config.bin %> cluster health --exit-when-healthy --timeout 60000',
    '<%= config.bin %> cluster health --watch',
    '<%= config.bin %> cluster health --bootstrap-server 127.0.0.1:9092 --json',
  ];
  static override flags = {
    'exit-when-healthy': Flags.boolean({ summary: 'Wait until the cluster is healthy, then exit 0.' }),
    watch: Flags.boolean({ char: 'w', summary: 'Print the overview again whenever it changes.' }),
    timeout: Flags.integer({ summary: 'Stop waiting or watching after this many milliseconds (exit 1 if still unhealthy).', helpValue: 'ms', min: 0 }),
    'bootstrap-server': Flags.string({ summary: 'Check this Kafka cluster instead of the local one (host:port[,host:port]).', helpValue: 'host:port' }),
  };

  async run(): Promise<ClusterHealth> {
    const flags = this.flags;
    checkTimeout(flags.timeout);
    const target: HealthTarget = flags['bootstrap-server']
      ? {
          kind: 'remote',
          bootstrapServers: parseBootstrapServers(flags['bootstrap-server']).map((s) => {
            const i = s.lastIndexOf(':');
            return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
          }),
        }
      : { kind: 'local', dir: locateClusterDir(flags.dir) };
    const json = this.jsonEnabled();
    const waiting = flags['exit-when-healthy'] || flags.watch;
    const interrupt = waiting ? interruptSignal() : undefined;
    let printed = 0;
    let lastPrinted: ClusterHealth | undefined;
    try {
      const { health, timedOut } = await watchHealth(target, {
        exitWhenHealthy: flags['exit-when-healthy'],
        watch: flags.watch,
        ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
        ...(interrupt ? { signal: interrupt.signal } : {}),
        onChange: (h) => {
          // Without --watch, --exit-when-healthy prints only the first and the last overview.
          if (json || (!flags.watch && printed > 0)) return;
          writeOut((printed++ > 0 ? '\n' : '') + renderHealth(h));
          lastPrinted = h;
        },
      });
      // --exit-when-healthy alone: the first overview, then the one that ended the wait.
      if (!json && !flags.watch && lastPrinted !== health) writeOut('\n' + renderHealth(health));
      if (timedOut && !health.healthy && !json) writeErr(`Timed out after ${flags.timeout} ms waiting for a healthy cluster.\n`);
      if (!health.healthy) process.exitCode = 1;
      return health;
    } finally {
      interrupt?.dispose();
    }
  }
}
