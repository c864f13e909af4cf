// Values: the list of values of one tuple, as Storm's `new Values(a, b)`. A plain array
// subclass; any array works wherever Values is accepted.

/** `new Values('word', 1)`: the values of a tuple, in the order of the stream's fields. */
export class Values extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(...items: unknown[]) {
    super();
    for (let i = 0; i < items.length; i++) this.push(items[i]);
  }
}
