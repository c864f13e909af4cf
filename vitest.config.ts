// Two projects: `unit` (in-process tests: fast, no build needed; `npx vitest run --project unit`)
// and `process` (tests that start real processes from dist/: clusters, brokers, the CLI, real
// clients; `npm test` builds first). A test file belongs to `process` when it starts
// processes, which its source says (the markers below: a cluster or broker started, a child
// process, a multilang ShellBolt/ShellSpout child); everything else is `unit`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const TESTS = ['test/**/*.test.ts', 'test/**/*.test.tsx'];
const STARTS_PROCESSES = /startTestCluster|startKafka|from 'execa'|node:child_process|cluster-harness|kafka-cli-helpers|helpers\/cluster\.js|kafka-processes|raw-kafka|\bstartCluster\(|new Shell(?:Bolt|Spout)\(|\bspawn\(|\bfork\(|dist\/|embedded\/start-cluster|streamctl\/testing/;
const processTests = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .map((f) => join('test', f))
  .filter((f) => /\.test\.tsx?$/.test(f) && STARTS_PROCESSES.test(readFileSync(f, 'utf8')));

// A run of the unit project alone reuses each fork's loaded modules from file to file (no
// isolation): loading the engine once per fork instead of once per file cuts that run's CPU
// from ~85 s to ~34 s. Unit tests therefore keep no module-level state between files and do
// not vi.mock modules. Any run that includes process tests keeps every file isolated.
const argv = process.argv;
const unitOnly = argv.some((a, i) => a === '--project=unit' || (a === '--project' && argv[i + 1] === 'unit')) && !argv.some((a, i) => a === '--project=process' || (a === '--project' && argv[i + 1] === 'process'));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Both projects share the 2 cores: at most two test files at a time, in forks.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: !unitOnly } },
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      { extends: true, test: { name: 'unit', include: TESTS, exclude: processTests } },
      {
        extends: true,
        test: {
          name: 'process',
          include: processTests,
        },
      },
    ],
  },
});
