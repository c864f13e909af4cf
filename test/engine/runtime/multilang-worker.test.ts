// Shell components in a real worker process (built dist/): the code dir is the resources/
// folder beside the bundle (as nimbus stores it), and a child that dies makes the worker
// report the error to nimbus and exit 11 so its supervisor restarts it (Storm's die()).
// Also the resources/ upload helpers.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectResources, writeResources } from '../../../src/engine/runtime/resources.js';
import { loadTopology } from '../../../src/engine/topology/load-topology.js';
import { FakeNimbus, STREAMCTL_URL, spawnWorker, writeWorkerConfigs } from './fixtures/worker-harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const RESOURCES = join(import.meta.dirname, '..', 'topology', 'fixtures', 'multilang', 'resources');

const TOPOLOGY = `
import { BaseRichSpout, ShellBolt, TopologyBuilder } from '${STREAMCTL_URL}';
class Words extends BaseRichSpout {
  open(_c, _x, collector) { this.collector = collector; this.n = 0; }
  nextTuple() {
    if (this.n >= 200) return;
    const n = this.n++;
    // 'crash' only after the first 100 words were acked.
    if (n === 150 && this.acked < 100) { this.n--; return; }
    this.collector.emit([n === 150 ? 'crash' : 'w' + n], n);
  }
  ack() { this.acked = (this.acked ?? 0) + 1; }
  declareOutputFields(d) { d.declare(['word']); }
}
const b = new TopologyBuilder();
b.setSpout('words', () => new Words(), 1);
b.setBolt('crashy', () => new ShellBolt('python3', 'crash.py').setDefaultStream(['word']), 1).shuffleGrouping('words');
export default b.createTopology();
`;

let dir: string;
let nimbus: FakeNimbus;
const children: ResultPromise[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'multilang-worker-'));
  nimbus = await FakeNimbus.start();
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await c;
  }
  await nimbus.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('shell components in a worker process', () => {
  it('run in the resources folder beside the bundle, and a dying child makes the worker report it and exit 11', async () => {
    const bundlePath = join(dir, 'topology.mjs');
    writeFileSync(bundlePath, TOPOLOGY);
    cpSync(RESOURCES, join(dir, 'resources'), { recursive: true });
    const topology = await loadTopology(bundlePath);
    const [config] = await writeWorkerConfigs({ dir, spec: topology.spec, bundlePath, numWorkers: 1, nimbusUrl: nimbus.url });
    const child = spawnWorker(config!.path);
    children.push(child);
    await waitFor('100 words acked through the python bolt', () => nimbus.total('words', (e) => e.acked) >= 100, 20_000);
    const result = await Promise.race([child, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
    expect(result, 'the worker exited').not.toBeNull();
    expect(result!.exitCode).toBe(11);
    const errors = nimbus.heartbeats.flatMap((h) => h.body.errors);
    expect(errors.some((e) => e.component === 'crashy' && /exited with code 3/.test(e.error) && /crashing on purpose/.test(e.error))).toBe(true);
    expect(readFileSync(config!.config.logFile, 'utf8')).toMatch(/worker exiting after a fatal component error/);
  });
});

describe('topology resources', () => {
  it('collects the resources folder beside a topology file and writes it back with its owner modes only, refusing paths that leave it', () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'resources', 'lib', '__pycache__'), { recursive: true });
    writeFileSync(join(project, 'topology.ts'), '');
    writeFileSync(join(project, 'resources', 'split.py'), 'print(1)\n', { mode: 0o755 });
    writeFileSync(join(project, 'resources', 'lib', 'storm.py'), '# adapter\n');
    writeFileSync(join(project, 'resources', 'lib', '__pycache__', 'storm.pyc'), 'x');
    writeFileSync(join(project, 'resources', '.hidden'), 'x');
    const files = collectResources(join(project, 'topology.ts'));
    expect(files.map((f) => f.path)).toEqual(['lib/storm.py', 'split.py']);
    const out = join(dir, 'store', 'resources');
    writeResources(out, files);
    expect(readFileSync(join(out, 'lib', 'storm.py'), 'utf8')).toBe('# adapter\n');
    // Owner bits only: the cluster directory is private (0755 → 0700).
    expect(statSync(join(out, 'split.py')).mode & 0o777).toBe(0o700);
    expect(() => writeResources(out, [{ path: '../evil', mode: 0o644, base64: '' }])).toThrow(/leaves the resources folder/);
    expect(existsSync(join(dir, 'store', 'evil'))).toBe(false);
    expect(collectResources(join(dir, 'nothing-here.ts'))).toEqual([]);
  });
});
