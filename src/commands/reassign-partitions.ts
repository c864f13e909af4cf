// `streamctl reassign-partitions` (kafka-reassign-partitions.sh): --generate a plan, --execute
// it (new replicas copy the data, then the old ones are dropped), --verify, --cancel, --list.
import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { connectOptions, failRun, kafkaFlags, writeOut } from '../cli/kafka-flags.js';
import { refusedFlags } from '../cli/refused-flags.js';
import { StreamctlError } from '../engine/common/errors.js';
import {
  cancelReassignment,
  executeReassignment,
  generateReassignment,
  listPartitionReassignments,
  verifyReassignment,
} from '../engine/client/partition-reassignment.js';
import {
  formatCancel,
  formatClearThrottles,
  formatExecuteDone,
  formatExecuteStart,
  formatGenerate,
  formatList,
  formatPartitionErrors,
  formatVerify,
  ReassignInputError,
} from '../engine/client/reassign-format.js';

const ACTIONS = ['generate', 'execute', 'verify', 'cancel', 'list'] as const;
type Action = (typeof ACTIONS)[number];

/** Kafka's required and permitted options per action (besides the connection flags). */
const REQUIRED: Record<Action, string[]> = {
  generate: ['topics-to-move-json-file', 'broker-list'],
  execute: ['reassignment-json-file'],
  verify: ['reassignment-json-file'],
  cancel: ['reassignment-json-file'],
  list: [],
};
const PERMITTED: Record<Action, string[]> = {
  generate: ['disable-rack-aware'],
  execute: ['additional', 'timeout'],
  verify: ['preserve-throttles'],
  cancel: ['preserve-throttles', 'timeout'],
  list: [],
};
const ACTION_ARGS = ['topics-to-move-json-file', 'broker-list', 'reassignment-json-file', 'additional', 'preserve-throttles', 'disable-rack-aware', 'timeout'];

const THROTTLE_REASON = 'replication between brokers is not throttled in streamctl (a local cluster copies at disk speed); run the reassignment without it';

export default class ReassignPartitions extends BaseCommand<typeof ReassignPartitions> {
  static override summary = 'Move partition replicas between brokers (kafka-reassign-partitions).';
  static override description = [
    '--generate proposes a placement of whole topics over --broker-list; --execute starts the reassignments in a file: the new replicas',
    'copy the data from the leader, and once all of them are in sync the old replicas are dropped (their logs deleted) and leadership',
    'moves to a new replica if needed; --verify reports each partition; --cancel reverts running ones; --list shows them.',
    'Files are kafka-reassign-partitions\' JSON ({"version":1,"partitions":[{"topic","partition","replicas"}]}). --throttle is refused:',
    'replication is not throttled here.',
  ].join(' ');
  static override examples = [
    '<%= config.bin %> reassign-partitions --topics-to-move-json-file topics.json --broker-list 2,3 --generate',
    '<%= config.bin %> reassign-partitions --reassignment-json-file plan.json --execute',
    '<%= config.bin %> reassign-partitions --reassignment-json-file plan.json --verify',
    '<%= config.bin %> reassign-partitions --reassignment-json-file plan.json --cancel',
  ];
  static override flags = {
    ...kafkaFlags,
    generate: Flags.boolean({ summary: 'Propose a reassignment of the topics in --topics-to-move-json-file over --broker-list.' }),
    execute: Flags.boolean({ summary: 'Start the reassignments in --reassignment-json-file.' }),
    verify: Flags.boolean({ summary: 'Report the state of the reassignments in --reassignment-json-file.' }),
    cancel: Flags.boolean({ summary: 'Cancel (revert) the running reassignments of the partitions in --reassignment-json-file.' }),
    list: Flags.boolean({ summary: 'List the reassignments in progress.' }),
    'topics-to-move-json-file': Flags.string({ summary: 'JSON file of topics to move: {"version":1,"topics":[{"topic":"t"}]}.', helpValue: 'file' }),
    'broker-list': Flags.string({ summary: 'Brokers to place the topics on, as "1,2,3" (--generate).', helpValue: 'ids' }),
    'reassignment-json-file': Flags.string({ summary: 'JSON file of target replicas per partition.', helpValue: 'file' }),
    additional: Flags.boolean({ summary: 'Execute in addition to reassignments already running.' }),
    'preserve-throttles': Flags.boolean({ summary: 'Do not clear the replication throttle configs (--verify, --cancel).' }),
    'disable-rack-aware': Flags.boolean({ summary: 'Place without rack awareness (brokers here have no racks, so placement is always rack-unaware).' }),
    timeout: Flags.integer({ summary: 'Time to wait for log directory moves to start, in ms (no log directory moves here).', default: 10_000, helpValue: 'ms' }),
    ...refusedFlags({
      throttle: { takesValue: true, reason: THROTTLE_REASON },
      'replica-alter-log-dirs-throttle': { takesValue: true, reason: 'each broker here has one log dir, so replicas never move between log dirs' },
      'bootstrap-controller': { takesValue: true, reason: "streamctl's controller does not serve admin clients; use --bootstrap-server (or --dir)" },
    }),
  };

  async run(): Promise<unknown> {
    const action = this.#action();
    const { flags } = this;
    const options = connectOptions(flags);
    const read = (flag: 'topics-to-move-json-file' | 'reassignment-json-file') => readInput(flags[flag]!);
    try {
      switch (action) {
        case 'generate': {
          const plan = await generateReassignment(options, read('topics-to-move-json-file'), flags['broker-list']!);
          this.#print(formatGenerate(plan.current, plan.proposed));
          return plan;
        }
        case 'execute': {
          const result = await executeReassignment(options, read('reassignment-json-file'), flags.additional);
          this.#print(formatExecuteStart(result.current));
          if (result.errors.length > 0) throw new ReassignInputError(formatPartitionErrors(result.errors).trimEnd());
          this.#print(formatExecuteDone(result.targets));
          return result;
        }
        case 'verify': {
          const result = await verifyReassignment(options, read('reassignment-json-file'), flags['preserve-throttles']);
          this.#print(formatVerify(result.states));
          if (result.cleared) this.#print(formatClearThrottles(result.cleared.brokers, result.cleared.topics));
          return result;
        }
        case 'cancel': {
          const result = await cancelReassignment(options, read('reassignment-json-file'), flags['preserve-throttles']);
          if (result.errors.length > 0) {
            const n = result.errors.length;
            throw new ReassignInputError(`Error cancelling partition reassignment${n === 1 ? '' : 's'} for:\n${result.errors.map((e) => `${e.topic}-${e.partition}: ${e.message}`).join('\n')}`);
          }
          this.#print(formatCancel(result.cancelled));
          if (result.cleared) this.#print(formatClearThrottles(result.cleared.brokers, result.cleared.topics));
          return result;
        }
        case 'list': {
          const reassignments = await listPartitionReassignments(options);
          this.#print(formatList(reassignments));
          return { reassignments };
        }
      }
    } catch (error) {
      if (this.jsonEnabled() || error instanceof StreamctlError && error.code === 'USAGE') throw error;
      // The tool prints its errors on stdout: its own checks tersely, anything else after "Error: ".
      this.#print(error instanceof ReassignInputError ? `${error.message}\n` : `Error: ${error instanceof Error ? error.message : String(error)}\n`);
      failRun();
      return undefined;
    }
  }

  #print(text: string): void {
    if (!this.jsonEnabled()) writeOut(text);
  }

  /** The one action given, with Kafka's checks of required and permitted options. */
  #action(): Action {
    const given = ACTIONS.filter((a) => this.flags[a]);
    if (given.length !== 1) throw new StreamctlError('USAGE', `Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`);
    const action = given[0]!;
    const present = (name: string) => {
      const v: unknown = Reflect.get(this.flags, name);
      return v !== undefined && v !== false && !(name === 'timeout' && !this.argv.some((a) => a === '--timeout' || a.startsWith('--timeout=')));
    };
    for (const name of REQUIRED[action]) if (!present(name)) throw new StreamctlError('USAGE', `Missing required argument "[${name}]"`);
    for (const name of ACTION_ARGS) {
      if (present(name) && !REQUIRED[action].includes(name) && !PERMITTED[action].includes(name)) {
        throw new StreamctlError('USAGE', `Option "[${name}]" can't be used with action "[${action}]"`);
      }
    }
    return action;
  }
}

function readInput(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ReassignInputError(`Error: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
