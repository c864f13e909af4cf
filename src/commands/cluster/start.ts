// `streamctl cluster start`: starts the local cluster (controller, brokers, nimbus,
// supervisors) detached, or in the foreground, and prints its processes and how to connect.
// --ephemeral: a throwaway cluster (temporary dir, free ports) in the foreground that prints
// its bootstrap servers (or, with --json, its description) and is removed when stopped.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { isDefaultClusterDir, resolveClusterDir } from '../../cli/cluster-locator.js';
import { parseStartSettings, runEphemeral } from '../../cli/ephemeral-run.js';
import { renderStarted } from '../../engine/cluster/cluster-report.js';
import { startCluster, type StartClusterResult } from '../../engine/cluster/local-cluster.js';

export default class ClusterStart extends BaseCommand<typeof ClusterStart> {
  static override summary = 'Start the local cluster: a controller, Kafka-protocol brokers, nimbus and supervisors.';
  static override description = `Every process runs as its own OS process, listens on 127.0.0.1 only, and is restarted by a small daemon if it crashes. Ports follow the base port P (default 9092): broker i on P+i-1, the controller on P+100, nimbus's REST API on P+200, supervisor worker slots from P+300. The command returns once every broker answers Metadata. Starting a cluster that is already running prints its processes and changes nothing. Data and the cluster id live in the cluster directory (--dir, $STREAMCTL_DIR, or ~/.streamctl/cluster) and survive stop and start; flags left out reuse the previous run's values.`;
  static override examples = [
    { description: 'One broker plus Storm, on 127.0.0.1:9092:', command: '<%= config.bin %> cluster start' },
    { description: 'Three brokers for replication, Kafka only:', command: '<%= config.bin %> cluster start --brokers 3 --no-storm' },
    { description: 'A second cluster next to the first:', command: '<%= config.bin %> cluster start --dir /tmp/c2 --base-port 19092' },
    { description: 'In the foreground until Ctrl-C (CI, containers):', command: '<%= config.bin %> cluster start --foreground' },
    { description: 'A throwaway Kafka-only cluster for a test run; prints its bootstrap servers:', command: '<%= config.bin %> cluster start --ephemeral --no-storm' },
    { description: 'With broker settings:', command: '<%= config.bin %> cluster start --set num.partitions=3 --set auto.create.topics.enable=true' },
  ];
  static override flags = {
    brokers: Flags.integer({ summary: 'Number of brokers (ids 1..N).', helpValue: 'N', min: 0, max: 99 }),
    supervisors: Flags.integer({ summary: 'Number of Storm supervisors.', helpValue: 'N', min: 0, max: 50 }),
    slots: Flags.integer({ summary: 'Worker slots per supervisor.', helpValue: 'N', min: 1, max: 100 }),
    'base-port': Flags.integer({ summary: 'First broker port; the other ports follow from it.', helpValue: 'P', min: 1, max: 65535 }),
    storm: Flags.boolean({ summary: 'Start nimbus and supervisors (--no-storm for Kafka only).', allowNo: true }),
    foreground: Flags.boolean({ summary: 'Run in this terminal until Ctrl-C instead of detaching.' }),
    ephemeral: Flags.boolean({
      summary: 'A throwaway cluster: new temporary dir, free ports, in the foreground until Ctrl-C/SIGTERM, then removed.',
      description:
        'Prints the bootstrap servers on the first line of stdout (with --json: the whole cluster description, including dir and nimbusUrl) once the cluster serves requests, and stays until interrupted. Ignores --dir and $STREAMCTL_DIR. Its processes exit when this command dies, even by SIGKILL.',
      exclusive: ['foreground', 'force', 'ui-open'],
    }),
    'ui-open': Flags.boolean({
      summary: "Let nimbus's read-only Storm UI API (GET /api/v1/...) answer without the token.",
      description: 'By default every request to nimbus needs the bearer token in <dir>/nimbus.token. Host and Origin checks apply either way.',
    }),
    force: Flags.boolean({ summary: 'Start even when a new, empty controller database would ignore (and later delete) partitions on the brokers\' disks.' }),
    set: Flags.string({ summary: 'A broker/controller setting key=value (repeatable).', helpValue: 'key=value', multiple: true }),
  };

  async run(): Promise<StartClusterResult> {
    // A bad value is a usage error here, before any process starts (each process checks again).
    const settings = parseStartSettings(this.flags.set);
    if (this.flags.ephemeral) return this.#runEphemeral(settings);
    const dir = resolveClusterDir(this.flags.dir);
    const print = (r: Omit<StartClusterResult, 'dir'>) => {
      if (!this.jsonEnabled()) {
        process.stdout.write(renderStarted(r.cluster, dir, { alreadyRunning: r.alreadyRunning, defaultDir: isDefaultClusterDir(dir), bin: this.config.bin }));
      }
    };
    const result = await startCluster({
      dir,
      brokers: this.flags.brokers,
      supervisors: this.flags.supervisors,
      slots: this.flags.slots,
      basePort: this.flags['base-port'],
      storm: this.flags.storm,
      uiOpen: this.flags['ui-open'],
      settings,
      foreground: this.flags.foreground,
      force: this.flags.force,
      onReady: (cluster) => {
        print({ alreadyRunning: false, cluster });
        if (!this.jsonEnabled()) process.stdout.write('Running in the foreground; press Ctrl-C to stop.\n');
      },
    });
    if (!this.flags.foreground || result.alreadyRunning) print(result);
    return result;
  }

  /** --ephemeral: start, print the address, wait for SIGINT/SIGTERM, remove everything, exit 0. */
  async #runEphemeral(settings: Record<string, string>): Promise<never> {
    await runEphemeral({
      brokers: this.flags.brokers,
      storm: this.flags.storm,
      supervisors: this.flags.supervisors,
      slots: this.flags.slots,
      basePort: this.flags['base-port'],
      settings,
      json: this.jsonEnabled(),
    });
    return this.exit(0);
  }
}
