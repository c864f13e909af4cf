import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, withTable } from '../scripts/api-table.js';

describe('README API table', () => {
  it('lists exactly the APIs and versions the broker handler table serves', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme === withTable(readme), 'README.md API table is stale: run npm run readme:apis').toBe(true);
  });
});
