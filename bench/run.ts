// `npm run bench`: runs every benchmark in bench/ one after another (they each start and
// stop their own processes) and prints their figures. Optional arguments filter by name:
// `npm run bench -- broker storm`. Benchmarks are not tests: they print, they don't assert.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('-bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const r = await execa('npx', ['tsx', join(here, file)], { stdio: 'inherit', reject: false });
  if (r.exitCode !== 0) {
    failed++;
    console.log(`${file} exited with ${r.exitCode}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
