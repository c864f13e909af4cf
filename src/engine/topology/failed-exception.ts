// FailedException: thrown from a BasicBolt's execute to fail the input tuple (Storm's
// FailedException). ReportedFailedException also reports the error.

/** Throw from `BaseBasicBolt.execute` to fail the input (its spout tuple is replayed). */
export class FailedException extends Error {
  /** Duck-typed marker: instances from a user bundle's copy of this class are recognised too. */
  readonly isFailedException = true;
  constructor(message = 'failed', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailedException';
  }
}

/** Like FailedException, and the error is also reported (shown in the component's errors). */
export class ReportedFailedException extends FailedException {
  readonly reported = true;
  constructor(message = 'failed', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportedFailedException';
  }
}

export function isFailedException(e: unknown): e is FailedException & { reported?: boolean } {
  return typeof e === 'object' && e !== null && (e as { isFailedException?: unknown }).isFailedException === true;
}
