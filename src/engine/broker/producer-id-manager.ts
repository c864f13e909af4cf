// Allocates idempotent-producer ids unique across the cluster without a round trip: the id
// is (brokerId << 32) + a counter, and the counter is reserved in blocks persisted to
// `<dataDir>/producer-id-block` (write-then-rename) before any id of a block is handed out,
// so a restarted broker never reuses one. Ids stay below 2^53 for brokers < 2^20 (safe for
// JavaScript clients). Single-threaded.
import { readFileSync, mkdirSync } from 'node:fs';
import { writeFileAtomically } from '../common/atomic-file.js';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE } from '../common/private-files.js';

const BLOCK_SIZE = 1000;
const FILE = 'producer-id-block';

export class ProducerIdManager {
  readonly #brokerId: bigint;
  readonly #path: string;
  #next: number;
  #blockEnd: number;

  private constructor(brokerId: number, dir: string, start: number) {
    this.#brokerId = BigInt(brokerId);
    this.#path = join(dir, FILE);
    this.#next = start;
    this.#blockEnd = start;
  }

  static open(options: { brokerId: number; dataDir: string }): ProducerIdManager {
    mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    let start = 0;
    try {
      const n = Number(readFileSync(join(options.dataDir, FILE), 'utf8').trim());
      if (Number.isInteger(n) && n >= 0) start = n;
    } catch {
      // first start
    }
    return new ProducerIdManager(options.brokerId, options.dataDir, start);
  }

  /** A new producer id (epoch starts at 0). */
  nextProducerId(): bigint {
    if (this.#next >= this.#blockEnd) {
      const end = this.#next + BLOCK_SIZE;
      writeFileAtomically(this.#path, `${end}\n`);
      this.#blockEnd = end;
    }
    const id = (this.#brokerId << 32n) + BigInt(this.#next);
    this.#next++;
    return id;
  }
}
