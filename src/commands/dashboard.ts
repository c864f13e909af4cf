// `streamctl dashboard`: the live terminal UI over the whole cluster (brokers and health,
// topics, consumer groups and lag, topologies), refreshed every --interval seconds. --once
// prints one plain frame (also the fallback when stdout is not a terminal); --json prints
// one snapshot of the data.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { nimbusFlags } from '../cli/nimbus-flags.js';
import { locateClusterDir, resolveClusterDir } from '../cli/cluster-locator.js';
import { connectOptions, interruptSignal, kafkaFlags } from '../cli/kafka-flags.js';
import { DashboardPoller } from '../ui/dashboard-snapshot.js';

export default class Dashboard extends BaseCommand<typeof Dashboard> {
  static override summary = 'Live terminal dashboard of the cluster: brokers, topics, consumer groups and topologies.';
  static override description = `Shows brokers (address, up/down, partitions led, controller, a health line as \`cluster status\`), topics (partitions, replication factor, under-replicated and leaderless partitions, sum of log-end offsets, records/s between refreshes), consumer groups (state, members, total lag as \`lag\`) and topologies from nimbus (status, workers, tasks, emitted/acked/failed, complete latency), refreshed every --interval seconds. A source that fails (a broker down, nimbus not running) shows its error in its own panel.

Live (in a terminal): one list per kind (1-4 or tab: brokers, topics, groups, topologies) with ↑↓ scrolling, \`o\` sorting and \`/\` filtering; Enter opens a detail view (topic: partitions and a live tail of records with a filter; group: members, offsets, lag and lag in time with sparklines; topology: component graph, rates, latencies, capacity, errors and worker logs; broker: partitions led, under-replicated, CPU and memory), Esc goes back. Actions ask y/N first: broker s/u/x (stop/start/kill), topic p (produce one record), group R (reset offsets, dry-run table first), topology a/d/x/b (activate/deactivate/kill/rebalance). ? lists every key; q or Ctrl-C quits. The dashboard uses the terminal's alternate screen, so the shell is as it was after q.

--once prints one frame and exits; when stdout is not a terminal the dashboard does that by itself. --json prints one snapshot of all the data (offsets and lag as decimal strings; records/s is null, as it needs two snapshots).`;
  static override examples = [
    '<%= config.bin %> dashboard',
    '<%= config.bin %> dashboard --interval 5',
    '<%= config.bin %> dashboard --once',
    '<%= config.bin %> dashboard --json | jq \'.groups.data[] | {group, totalLag}\'',
    '<%= config.bin %> dashboard --bootstrap-server kafka1:9092 --nimbus-url http://storm:8080',
  ];
  static override flags = {
    ...kafkaFlags,
    'command-timeout': Flags.integer({
      summary: 'Deadline per source and request in milliseconds; a source slower than this shows an error.',
      default: 5_000,
      min: 100,
      helpValue: 'ms',
    }),
    ...nimbusFlags,
    interval: Flags.integer({ summary: 'Seconds between refreshes.', default: 2, min: 1 }),
    once: Flags.boolean({ summary: 'Print one frame and exit (the default when stdout is not a terminal).' }),
  };

  async run(): Promise<unknown> {
    const f = this.flags;
    // Like every command: no cluster in the dir is an error unless both sides are given elsewhere.
    const dir = f['bootstrap-server'] && f['nimbus-url'] ? resolveClusterDir(f.dir) : locateClusterDir(f.dir);
    const poller = DashboardPoller.open({
      dir,
      kafka: () => connectOptions(f),
      remoteKafka: f['bootstrap-server'] !== undefined,
      nimbusUrl: f['nimbus-url'],
      sourceTimeoutMs: f['command-timeout'],
    });
    if (this.jsonEnabled()) {
      try {
        const snapshot = await poller.poll();
        return { takenAt: new Date(snapshot.takenAtMs).toISOString(), ...snapshot };
      } finally {
        await poller.close();
      }
    }
    // ink renders only the final frame when it believes it runs in CI (CI or
    // CONTINUOUS_INTEGRATION set); a live dashboard in a real terminal must redraw anyway. ink
    // reads those variables when it is first imported, hence the late import.
    if (!f.once && process.stdout.isTTY) {
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
    }
    const { runDashboard } = await import('../ui/run-dashboard.js');
    const { EngineDetailSources } = await import('../ui/detail-sources.js');
    const { EngineActions } = await import('../ui/dashboard-actions.js');
    const engine = { kafka: () => poller.kafkaOptions(), topologies: poller.topologies, clusterDir: poller.clusterDir };
    const interrupt = interruptSignal();
    try {
      await runDashboard({ poller, intervalMs: f.interval * 1000, once: f.once, signal: interrupt.signal, details: new EngineDetailSources(engine), actions: new EngineActions(engine) });
    } finally {
      interrupt.dispose();
    }
    return undefined;
  }
}
