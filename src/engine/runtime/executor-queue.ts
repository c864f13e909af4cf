// A growable ring-buffer FIFO for an executor's receive queue. The capacity that matters
// for backpressure is soft and lives in the executor; the ring itself grows when needed
// (a bounded amount past the soft capacity: in-flight tuples). Single-threaded.

export class ExecutorQueue<T> {
  #items: (T | undefined)[];
  #mask: number;
  #head = 0;
  #tail = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap <<= 1;
    this.#items = new Array(cap);
    this.#mask = cap - 1;
  }

  get length(): number {
    return (this.#tail - this.#head) & this.#mask;
  }

  push(item: T): void {
    this.#items[this.#tail] = item;
    this.#tail = (this.#tail + 1) & this.#mask;
    if (this.#tail === this.#head) this.#grow();
  }

  shift(): T | undefined {
    if (this.#head === this.#tail) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    return item;
  }

  #grow(): void {
    // Called when full (tail caught up with head): double and unroll.
    const old = this.#items;
    const cap = old.length;
    const next: (T | undefined)[] = new Array(cap * 2);
    for (let i = 0; i < cap; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#items = next;
    this.#head = 0;
    this.#tail = cap;
    this.#mask = cap * 2 - 1;
  }
}
