// Storm's topology status state machine (Nimbus.java's transition table) as data plus one
// pure function. Nimbus applies the outcome (persist status, schedule the delayed
// DO_REBALANCE / REMOVE). Pure; no I/O.
import { StreamctlError } from '../../common/errors.js';
import type { TopologyStatus } from '../contracts.js';

export type TopologyEvent = 'ACTIVATE' | 'INACTIVATE' | 'REBALANCE' | 'KILL' | 'DO_REBALANCE' | 'REMOVE';

export type TransitionOutcome =
  /** Nothing changes. */
  | { kind: 'noop' }
  /** New status; `delayed` names the event nimbus must fire after the wait time. */
  | { kind: 'status'; status: TopologyStatus; delayed?: 'DO_REBALANCE' | 'REMOVE'; rememberPrevious?: boolean }
  /** DO_REBALANCE: recompute the assignment, then go back to the status before REBALANCE. */
  | { kind: 'rebalance-done' }
  /** REMOVE: delete the topology from the cluster. */
  | { kind: 'remove' };

type Table = Record<TopologyStatus, Partial<Record<TopologyEvent, TransitionOutcome>>>;

/** Storm's table; a missing entry means "No transition for event". */
export const TRANSITIONS: Table = {
  ACTIVE: {
    ACTIVATE: { kind: 'noop' },
    INACTIVATE: { kind: 'status', status: 'INACTIVE' },
    REBALANCE: { kind: 'status', status: 'REBALANCING', delayed: 'DO_REBALANCE', rememberPrevious: true },
    KILL: { kind: 'status', status: 'KILLED', delayed: 'REMOVE' },
  },
  INACTIVE: {
    ACTIVATE: { kind: 'status', status: 'ACTIVE' },
    INACTIVATE: { kind: 'noop' },
    REBALANCE: { kind: 'status', status: 'REBALANCING', delayed: 'DO_REBALANCE', rememberPrevious: true },
    KILL: { kind: 'status', status: 'KILLED', delayed: 'REMOVE' },
  },
  REBALANCING: {
    KILL: { kind: 'status', status: 'KILLED', delayed: 'REMOVE' },
    DO_REBALANCE: { kind: 'rebalance-done' },
  },
  KILLED: {
    // Storm re-kills: the removal is rescheduled with the new wait time.
    KILL: { kind: 'status', status: 'KILLED', delayed: 'REMOVE' },
    REMOVE: { kind: 'remove' },
  },
};

/** The outcome of `event` in `status`, or Storm's error when there is no transition. */
export function transition(status: TopologyStatus, event: TopologyEvent, topologyId: string): TransitionOutcome {
  const outcome = TRANSITIONS[status][event];
  if (!outcome) {
    throw new StreamctlError('INVALID_STATE', `No transition for event: ${event}, status: ${status} storm-id: ${topologyId}`);
  }
  return outcome;
}
