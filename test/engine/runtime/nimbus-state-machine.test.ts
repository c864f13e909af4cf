import { describe, expect, it } from 'vitest';
import type { TopologyStatus } from '../../../src/engine/runtime/contracts.js';
import { transition, type TopologyEvent } from '../../../src/engine/runtime/nimbus/topology-state-machine.js';

// Storm's table (storm.md): outcome per (status, event); 'error' = No transition for event.
const TABLE: Array<[TopologyStatus, TopologyEvent, string]> = [
  ['ACTIVE', 'ACTIVATE', 'noop'],
  ['ACTIVE', 'INACTIVATE', 'INACTIVE'],
  ['ACTIVE', 'REBALANCE', 'REBALANCING+DO_REBALANCE'],
  ['ACTIVE', 'KILL', 'KILLED+REMOVE'],
  ['ACTIVE', 'DO_REBALANCE', 'error'],
  ['ACTIVE', 'REMOVE', 'error'],
  ['INACTIVE', 'ACTIVATE', 'ACTIVE'],
  ['INACTIVE', 'INACTIVATE', 'noop'],
  ['INACTIVE', 'REBALANCE', 'REBALANCING+DO_REBALANCE'],
  ['INACTIVE', 'KILL', 'KILLED+REMOVE'],
  ['REBALANCING', 'ACTIVATE', 'error'],
  ['REBALANCING', 'INACTIVATE', 'error'],
  ['REBALANCING', 'REBALANCE', 'error'],
  ['REBALANCING', 'KILL', 'KILLED+REMOVE'],
  ['REBALANCING', 'DO_REBALANCE', 'rebalance-done'],
  ['KILLED', 'ACTIVATE', 'error'],
  ['KILLED', 'INACTIVATE', 'error'],
  ['KILLED', 'REBALANCE', 'error'],
  ['KILLED', 'KILL', 'KILLED+REMOVE'],
  ['KILLED', 'REMOVE', 'remove'],
];

describe('topology state machine', () => {
  it.each(TABLE)('in %s on %s gives %s', (status, event, expected) => {
    let actual: string;
    try {
      const o = transition(status, event, 'wc-1-1');
      actual = o.kind === 'status' ? o.status + (o.delayed ? `+${o.delayed}` : '') : o.kind;
    } catch (error) {
      actual = 'error';
      expect((error as Error).message).toBe(`No transition for event: ${event}, status: ${status} storm-id: wc-1-1`);
    }
    expect(actual).toBe(expected);
  });

  it('remembers the previous status when rebalancing', () => {
    const o = transition('INACTIVE', 'REBALANCE', 'x');
    expect(o).toMatchObject({ kind: 'status', rememberPrevious: true });
  });
});
