// Start-up benchmark (issue: a cluster a test suite starts in under a second, in under
// 200 MB). For each variant, N cold starts of `streamctl cluster start --ephemeral`:
// time until the bootstrap servers are printed, time until a CreateTopics round trip has
// succeeded, and the resident memory of every process of the cluster once ready (ps's RSS,
// from /proc). Variants: Kafka only (--no-storm) and the default cluster (controller, a
// broker, nimbus, a supervisor), each with the bundled process entries (what ships) and,
// as the peer measured in the same run, with the unbundled dist/engine files
// (STREAMCTL_NO_BUNDLE=1), and through oclif instead of bin/run.js's fast path
// (STREAMCTL_NO_FAST_PATH=1). The starting figures (2.3 s, 318 MB for the default
// cluster started the old way) are printed beside them. Run after `npm run build`:
//   npx tsx bench/startup-bench.ts [--runs 5]
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { processesUnder } from '../src/engine/cluster/ephemeral-cleanup.js';
import { KafkaConnection } from '../src/engine/network/connection.js';
import { ApiKey } from '../src/engine/protocol/api-keys.js';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;

interface Sample {
  printedMs: number;
  createTopicsMs: number;
  rssMb: Record<string, number>;
  totalRssMb: number;
  /** Proportional set size: shared pages (the node binary, ~34 MB of every process's RSS) counted once overall. */
  totalPssMb: number;
}

function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function kindOf(pid: number): string {
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  const m = /(controller|broker|nimbus|supervisor|worker)-main/.exec(cmd);
  return m ? m[1]! : 'other';
}

async function createTopicOnce(bootstrap: string): Promise<void> {
  const [host, port] = bootstrap.split(',')[0]!.split(':');
  const conn = await KafkaConnection.connect({ host: host!, port: Number(port), clientId: 'startup-bench', connectTimeoutMs: 2000, requestTimeoutMs: 10_000 });
  try {
    const res = await conn.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'bench', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
    const code = (res.topics as Array<{ errorCode: number }>)[0]?.errorCode;
    if (code !== 0) throw new Error(`CreateTopics answered error ${code}`);
  } finally {
    conn.close();
  }
}

async function once(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'cluster', 'start', '--ephemeral', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const bootstrap = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`cluster start exited with ${code}`)));
    });
    const printedMs = performance.now() - started;
    await createTopicOnce(bootstrap);
    const createTopicsMs = performance.now() - started;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The dir is in the stderr note; find the cluster's processes through it.
    const dir = await new Promise<string>((resolve) => {
      const tryFind = () => {
        const m = /Ephemeral cluster in (\S+?)[;.] /.exec(stderr);
        if (m) resolve(m[1]!);
        else setTimeout(tryFind, 10);
      };
      tryFind();
    });
    const rssMb: Record<string, number> = { 'owner (CLI + daemon)': rssKb(child.pid!) / 1024 };
    let pss = pssKb(child.pid!);
    for (const pid of processesUnder(dir)) {
      pss += pssKb(pid);
      const kind = kindOf(pid);
      rssMb[kind] = (rssMb[kind] ?? 0) + rssKb(pid) / 1024;
    }
    const totalRssMb = Object.values(rssMb).reduce((a, b) => a + b, 0);
    return { printedMs, createTopicsMs, rssMb, totalRssMb, totalPssMb: pss / 1024 };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `ships`: what the package does; `oclif`: the command through oclif, without bin/run.js's fast path; `unbundled`: that, and the processes from dist/engine. */
async function variant(label: string, args: string[], mode: 'ships' | 'oclif' | 'unbundled'): Promise<void> {
  const env = { ...process.env, ...(mode === 'ships' ? {} : { STREAMCTL_NO_FAST_PATH: '1' }), ...(mode === 'unbundled' ? { STREAMCTL_NO_BUNDLE: '1' } : {}) };
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(args, env));
  const kinds = Object.keys(samples[0]!.rssMb);
  const rss = kinds.map((k) => `${k} ${median(samples.map((s) => s.rssMb[k] ?? 0)).toFixed(0)}`).join(', ');
  console.log(
    `${label.padEnd(38)} printed ${median(samples.map((s) => s.printedMs)).toFixed(0).padStart(5)} ms  CreateTopics ok ${median(samples.map((s) => s.createTopicsMs)).toFixed(0).padStart(5)} ms  RSS ${median(samples.map((s) => s.totalRssMb)).toFixed(0)} MB (${rss}); PSS ${median(samples.map((s) => s.totalPssMb)).toFixed(0)} MB`,
  );
}

console.log(`median of ${RUNS} cold starts each; load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
await variant('--no-storm (ships)', ['--no-storm'], 'ships');
await variant('--no-storm via oclif (peer)', ['--no-storm'], 'oclif');
await variant('--no-storm via oclif, unbundled (peer)', ['--no-storm'], 'unbundled');
await variant('default cluster (ships)', [], 'ships');
await variant('default cluster via oclif (peer)', [], 'oclif');
await variant('default cluster via oclif, unbundled (peer)', [], 'unbundled');
const bare = JSON.parse(
  execFileSync(process.execPath, ['-e', "const s=require('fs').readFileSync('/proc/self/status','utf8');console.log(JSON.stringify({rss:+s.match(/VmRSS:\\s+(\\d+)/)[1],file:+s.match(/RssFile:\\s+(\\d+)/)[1]}))"], { encoding: 'utf8' }),
) as { rss: number; file: number };
console.log(`a bare node process here: RSS ${(bare.rss / 1024).toFixed(0)} MB, of which ${(bare.file / 1024).toFixed(0)} MB are file pages (the node binary) shared by every process; ps counts them in each`);
console.log('previous (issue #16, default cluster, detached `cluster start`): 2.3 s to ready, 318 MB RSS; targets: < 0.5 s Kafka only, < 1 s default, < 200 MB');
