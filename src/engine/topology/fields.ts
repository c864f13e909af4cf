// Fields: the ordered, named schema of a stream's tuples (Storm's backtype Fields).
// Immutable after construction; safe to share between tasks (single-threaded workers).

/** The ordered list of field names of a stream. `new Fields('word', 'count')` or `new Fields(['word'])`. */
export class Fields implements Iterable<string> {
  readonly #names: readonly string[];
  readonly #index: Map<string, number>;

  constructor(...names: string[] | [readonly string[]]) {
    const list: readonly string[] = names.length === 1 && Array.isArray(names[0]) ? [...(names[0] as readonly string[])] : (names as string[]);
    this.#index = new Map();
    list.forEach((name, i) => {
      if (typeof name !== 'string' || name.length === 0) {
        throw new TypeError(`Field names must be non-empty strings, got ${JSON.stringify(name)}`);
      }
      if (this.#index.has(name)) throw new TypeError(`Duplicate field name '${name}' in [${list.join(', ')}]`);
      this.#index.set(name, i);
    });
    this.#names = Object.freeze([...list]);
  }

  /** Number of fields. */
  size(): number {
    return this.#names.length;
  }

  /** The name of the field at position `index`. */
  get(index: number): string {
    const name = this.#names[index];
    if (name === undefined) throw new RangeError(`Field index ${index} out of range (fields: ${this.toString()})`);
    return name;
  }

  /** Position of `field`; throws if the field is not declared. */
  fieldIndex(field: string): number {
    const i = this.#index.get(field);
    if (i === undefined) throw new RangeError(`Field '${field}' does not exist (fields: ${this.toString()})`);
    return i;
  }

  contains(field: string): boolean {
    return this.#index.has(field);
  }

  /** The values of the `selector` fields, picked out of a tuple's values in this schema. */
  select(selector: Fields | readonly string[], values: readonly unknown[]): unknown[] {
    const names = selector instanceof Fields ? selector.toList() : selector;
    return names.map((n) => values[this.fieldIndex(n)]);
  }

  toList(): string[] {
    return [...this.#names];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.#names[Symbol.iterator]();
  }

  toString(): string {
    return `[${this.#names.join(', ')}]`;
  }

  toJSON(): string[] {
    return this.toList();
  }
}

/** Accepts a Fields or a plain array of names (duck-typed: Fields copies from user bundles work too). */
export function toFieldList(fields: Fields | readonly string[] | { toList(): string[] }): string[] {
  if (Array.isArray(fields)) return [...fields];
  if (fields && typeof (fields as { toList?: unknown }).toList === 'function') return (fields as { toList(): string[] }).toList();
  throw new TypeError(`Expected Fields or an array of field names, got ${String(fields)}`);
}
