// CheckPointState (Storm's): the checkpoint spout's transaction state machine. States
// COMMITTED → PREPARING → COMMITTING → COMMITTED (txid + 1 on each new checkpoint); in
// recovery PREPARING rolls back to (txid - 1, COMMITTED), COMMITTING finishes its commit,
// and COMMITTED re-sends INITSTATE. nextAction says which action the spout emits. Pure.

export type CheckpointTxState = 'COMMITTED' | 'PREPARING' | 'COMMITTING';
export type CheckpointAction = 'PREPARE' | 'COMMIT' | 'ROLLBACK' | 'INITSTATE';

export const CHECKPOINT_ACTIONS: readonly CheckpointAction[] = ['PREPARE', 'COMMIT', 'ROLLBACK', 'INITSTATE'];

export class CheckPointState {
  readonly txid: number;
  readonly state: CheckpointTxState;

  constructor(txid: number, state: CheckpointTxState) {
    this.txid = txid;
    this.state = state;
  }

  /** The state after the current action was acked. */
  nextState(recovering: boolean): CheckPointState {
    if (recovering) {
      switch (this.state) {
        case 'PREPARING':
          return new CheckPointState(this.txid - 1, 'COMMITTED');
        case 'COMMITTING':
          return new CheckPointState(this.txid, 'COMMITTED');
        default:
          return this;
      }
    }
    switch (this.state) {
      case 'PREPARING':
        return new CheckPointState(this.txid, 'COMMITTING');
      case 'COMMITTING':
        return new CheckPointState(this.txid, 'COMMITTED');
      default:
        return new CheckPointState(this.txid + 1, 'PREPARING');
    }
  }

  /** The action to emit in this state. */
  nextAction(recovering: boolean): CheckpointAction {
    switch (this.state) {
      case 'PREPARING':
        return recovering ? 'ROLLBACK' : 'PREPARE';
      case 'COMMITTING':
        return 'COMMIT';
      default:
        return recovering ? 'INITSTATE' : 'PREPARE';
    }
  }

  equals(o: CheckPointState): boolean {
    return o.txid === this.txid && o.state === this.state;
  }

  toJSON(): { txid: number; state: CheckpointTxState } {
    return { txid: this.txid, state: this.state };
  }

  static fromJSON(v: unknown): CheckPointState {
    const o = v as { txid?: unknown; state?: unknown } | null;
    if (o && typeof o.txid === 'number' && (o.state === 'COMMITTED' || o.state === 'PREPARING' || o.state === 'COMMITTING')) return new CheckPointState(o.txid, o.state);
    return new CheckPointState(0, 'COMMITTED');
  }

  toString(): string {
    return `CheckPointState{txid=${this.txid}, state=${this.state}}`;
  }
}
