// `streamctl dashboard` against a real local cluster (2 brokers, nimbus): --once / --json show
// the topic, the group with lag and the brokers; a source that is down shows its error in its
// own panel; the live app in a real terminal (tmux) drills down into a topic and a group whose
// numbers match `topics describe` and `groups describe`, runs actions behind a y/N
// confirmation (start a killed broker, produce a record), follows a resize to 80x24 and gives
// the shell its screen back on q. Build first (`npm run build`).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/wait-for.js';
import { openTmux, type TmuxTerminal } from '../helpers/tmux.js';
import { streamctl } from './kafka-cli-helpers.js';

interface JsonSnapshot {
  takenAt: string;
  target: { dir: string | null; bootstrapServers: string | null; nimbusUrl: string };
  brokers: { data: { brokers: Array<{ broker: number; up: boolean; processStatus: string | null; leaders: number; controller: boolean }>; health: { healthy: boolean } | null } | null; error: string | null };
  topics: { data: Array<{ name: string; partitions: number; replicationFactor: number; underReplicated: number; logEndOffset: string | null }> | null; error: string | null };
  groups: { data: Array<{ group: string; state: string; members: number; totalLag: string | null; topics: string[] }> | null; error: string | null };
  topologies: { data: unknown[] | null; error: string | null };
}

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/**
 * Runs the live dashboard in a pseudo-terminal (util-linux `script`, 120x50), waits until a
 * frame shows `until`, types `key` and resolves with the exit code and the output (ANSI
 * sequences stripped).
 */
async function liveDashboard(args: string[], until: string, key: string): Promise<{ exitCode: number | undefined; output: string }> {
  const command = `stty cols 120 rows 50; exec node ${[BIN, 'dashboard', ...args].map((a) => `'${a}'`).join(' ')}`;
  const child = execa('script', ['-qfec', command, '/dev/null'], { reject: false, timeout: 60_000, env: { NODE_NO_WARNINGS: '1' } });
  let raw = '';
  child.stdout!.on('data', (d: Buffer) => {
    raw += d.toString('utf8');
  });
  // eslint-disable-next-line no-control-regex -- strips the terminal's escape sequences
  const plain = () => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  await waitFor(`a live frame showing ${until}`, () => plain().includes(until), 30_000);
  child.stdin!.write(key);
  const result = await child;
  return { exitCode: result.exitCode, output: plain() };
}

/** The frame's lines without panel borders, blanks collapsed. */
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.replace(/[│╭╮╰╯─║╔╗╚╝═]/g, '').replace(/\s+/g, ' ').trim())
    .filter(Boolean);

describe('dashboard command against a real cluster', () => {
  let cluster: TestCluster;
  const d = () => ['--dir', cluster.dir];

  beforeAll(async () => {
    // A short broker session so the controller fences a killed broker within seconds.
    cluster = await startTestCluster({ brokers: 2, storm: true, settings: { 'broker.heartbeat.interval.ms': '200', 'broker.session.timeout.ms': '2000' } });
    const b = ['--bootstrap-server', cluster.bootstrap];
    const created = await streamctl(['topics', 'create', '--topic', 'events', '--partitions', '2', '--replication-factor', '2', ...b]);
    expect(created.stdout).toContain('Created topic events.');
    const lines = Array.from({ length: 10 }, (_, i) => `v${i}`).join('\n');
    await streamctl(['produce', '--topic', 'events', ...b], { input: `${lines}\n` });
    const c = await streamctl(['consume', '--topic', 'events', '--group', 'readers', '--from-beginning', '--max-messages', '4', ...b]);
    expect(c.stderr).toContain('Processed a total of 4 messages');
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('--json prints one snapshot with the brokers, the topic, the group and its lag', async () => {
    const r = await streamctl(['dashboard', '--json', ...d()]);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as JsonSnapshot;
    expect(s.target.dir).toBe(cluster.dir);
    expect(s.target.nimbusUrl).toBe(cluster.nimbusUrl);
    expect(s.brokers.error).toBeNull();
    expect(s.brokers.data!.brokers.map((x) => [x.broker, x.up])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(s.brokers.data!.brokers.reduce((n, x) => n + x.leaders, 0)).toBeGreaterThanOrEqual(2);
    expect(s.topics.data).toContainEqual(expect.objectContaining({ topic: 'events', partitions: 2, replicationFactor: 2, logEndOffset: '10' }));
    expect(s.groups.data).toContainEqual(expect.objectContaining({ group: 'readers', state: 'Empty', members: 0, totalLag: '6', topics: ['events'] }));
    expect(s.topologies).toEqual({ data: [], error: null });
  });

  it('--once prints one plain frame with every panel', async () => {
    const r = await streamctl(['dashboard', '--once', ...d()]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    const out = lines(r.stdout);
    expect(out).toEqual(expect.arrayContaining(['[1] Brokers', '[2] Topics', '[3] Consumer groups', '[4] Topologies', 'No topologies running.']));
    expect(out.join(' ')).toContain('Healthy: true');
    const [base] = cluster.bootstrap.split(',');
    expect(out.find((l) => l.startsWith(`1 ${base} up`))).toBeDefined();
    expect(out).toContain('events 2 2 0 0 10 -');
    expect(out).toContain('readers Empty 0 6 events');
  });

  it('prints one frame and exits when stdout is not a terminal, even without --once', async () => {
    const r = await streamctl(['dashboard', '--interval', '1', ...d()], { timeoutMs: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(lines(r.stdout)).toContain('readers Empty 0 6 events');
  });

  it('runs live in a terminal and quits on q with exit code 0', async () => {
    const r = await liveDashboard(['--interval', '1', ...d()], 'Healthy', 'q');
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/1 +127\.0\.0\.1:\d+ +up/);
    expect(r.output).toContain('? keys · q quit');
  });

  it('quits the live dashboard on Ctrl-C with exit code 0', async () => {
    const r = await liveDashboard(['--interval', '1', ...d()], 'Healthy', '\x03');
    expect(r.exitCode).toBe(0);
  });

  it('shows an unreachable nimbus in the topologies panel only, with brokers given by --bootstrap-server', async () => {
    const r = await streamctl(['dashboard', '--once', '--bootstrap-server', cluster.bootstrap, '--nimbus-url', 'http://127.0.0.1:1', ...d()]);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = lines(r.stdout).join('\n');
    expect(out).toContain('error: Cannot reach nimbus at http://127.0.0.1:1.');
    expect(out.match(/error:/g)).toHaveLength(1);
    expect(out).toContain('readers Empty 0 6 events');
    expect(out).toMatch(/^1 127\.0\.0\.1:\d+ up \d+/m);
  });

  it('shows a killed broker as down, and the group again once the cluster has healed', async () => {
    const k = await streamctl(['cluster', 'broker', 'kill', '2', ...d()]);
    expect(k.exitCode, k.stderr).toBe(0);
    const first = await streamctl(['dashboard', '--json', ...d()]);
    expect(first.exitCode, first.stderr).toBe(0);
    const broker2 = (JSON.parse(first.stdout) as JsonSnapshot).brokers.data!.brokers.find((x) => x.broker === 2)!;
    expect([broker2.up, broker2.processStatus]).toEqual([false, 'killed']);
    // Until the controller fences broker 2, clients still try it: panels may show errors, but the
    // dashboard keeps going; afterwards leaders (and the group coordinator) move to broker 1.
    const healed = await waitFor(
      'topics and groups readable with broker 2 down',
      async () => {
        const r = await streamctl(['dashboard', '--once', ...d()]);
        expect(r.exitCode, r.stderr).toBe(0);
        const out = lines(r.stdout);
        return out.includes('readers Empty 0 6 events') && out.includes('events 2 2 2 0 10 -') ? out : undefined;
      },
      60_000,
      500,
    );
    expect(healed.find((l) => l.startsWith('2 ') && l.includes('down (killed)'))).toBeDefined();
    expect(healed.join(' ')).toContain('nodes down: 2');
  }, 90_000);

  it('drives the live app in a terminal: a killed broker in the health line, drill-down, actions with y/N (start, produce, reset with its dry run), a resize, q', async () => {
    // Broker 2 is still down from the previous test.
    let term: TmuxTerminal | undefined;
    try {
      term = await openTmux({ columns: 120, rows: 40 });
      const t = term;
      await t.send(['echo SHELL-BEFORE', 'Enter']);
      await t.send([`node ${BIN} dashboard --interval 1 --dir ${cluster.dir}`, 'Enter']);
      const screen = async () => (await t.screen()).join('\n');
      /** Waits for a screen that passes `check`; every screen seen must have health agreeing with the broker rows. */
      let last = '';
      const until = (what: string, check: (s: string) => boolean, timeoutMs = 30_000) =>
        waitFor(what, async () => {
          const s = (last = await screen());
          if (/down \((killed|stopped|crashed)\)/.test(s) && s.includes('nodes down: none')) throw new Error(`health disagrees with the broker table:\n${s}`);
          return check(s) ? s : undefined;
        }, timeoutMs, 200).catch((e: unknown) => {
          throw new Error(`${e instanceof Error ? e.message : String(e)}; the screen:\n${last}`);
        });
      const first = await until('the brokers list', (s) => /2 +127\.0\.0\.1:\d+ +(up|down)/.test(s));
      await t.send(['j']);
      if (/2 +127\.0\.0\.1:\d+ +up/.test(first)) {
        // (when this test runs alone) kill broker 2 from the screen first
        await t.send(['x']);
        await until('the kill confirmation', (s) => s.includes('Kill broker 2 (SIGKILL)? y/N'));
        await t.send(['y']);
      }
      // Within a refresh of the kill, the health line names the broker the table shows down.
      await until('broker 2 down in the table and the health', (s) => s.includes('Healthy: false · nodes down: 2') && /2 +127\.0\.0\.1:\d+ +down \(killed\)/.test(s), 10_000);

      // Action with confirmation: start broker 2 from the list.
      await t.send(['u']);
      await until('the confirmation line', (s) => s.includes('Start broker 2? y/N'));
      await t.send(['y']);
      await until('broker 2 started and the cluster healthy again', (s) => s.includes('Healthy: true · nodes down: none') && /2 +127\.0\.0\.1:\d+ +up/.test(s), 60_000);

      // Drill down into the topic: the partitions match `topics describe`.
      await t.send(['2']);
      await until('the topics list, drawn in place', (s) => /events +2 +2/.test(s) && s.split('\n').filter((r) => r.startsWith('streamctl')).length === 1);
      await t.send(['Enter']);
      let s = await until('the topic detail', (x) => x.includes('Topic events · 2 partitions') && /1 +\d +[12],[12] +[12],[12] +0 +\d+/.test(x));
      const described = await streamctl(['topics', 'describe', '--topic', 'events', '--bootstrap-server', cluster.bootstrap]);
      for (const m of described.stdout.matchAll(/Partition: (\d+)\tLeader: (\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]+)/g)) {
        s = await until(`partition ${m[1]} as topics describe shows it`, (x) => new RegExp(`^${m[1]} +${m[2]} +${m[3]} +${m[4]} +0 +\\d+`, 'm').test(x));
      }
      // Produce one record from the screen (key, value, y) and see it in the tail.
      await t.send(['p']);
      await until('the key prompt', (x) => x.includes('Key of the record to events'));
      await t.send(['k1'], true);
      await t.send(['Enter']);
      await until('the value prompt', (x) => x.includes('Value of the record to events'));
      await t.send(['hello-from-dashboard'], true);
      await t.send(['Enter']);
      await until('the produce confirmation', (x) => x.includes('Produce one record to events (key k1, value "hello-from-dashboard")? y/N'));
      await t.send(['y']);
      await until('the record in the tail', (x) => x.includes('produced 1 record to events') && / k1 hello-from-dashboard/.test(x));

      // Resize to 80x24: the frame follows, nothing wraps or overflows.
      await t.resize(80, 24);
      s = await until('an 80x24 frame', (x) => {
        const rows = x.split('\n');
        // exactly one header, on the first row: the frame is drawn in place, never scrolled
        return rows.length === 24 && rows[0]!.startsWith('streamctl') && rows.filter((r) => r.startsWith('streamctl')).length === 1 && rows.every((r) => r.length < 80) && x.includes('Topic events');
      });

      // The group detail matches `groups describe` (11 records now, 4 committed).
      await t.send(['Escape', '3']);
      await until('the groups list', (x) => /readers +Empty/.test(x));
      await t.send(['Enter']);
      s = await until('the group detail', (x) => x.includes('Group readers · Empty') && x.includes('lag 7'));
      const groups = await streamctl(['groups', 'describe', '--group', 'readers', '--bootstrap-server', cluster.bootstrap]);
      for (const m of groups.stdout.matchAll(/^readers +events +(\d+) +(\d+) +(\d+) +(\d+)/gm)) {
        expect(s).toMatch(new RegExp(`^events +${m[1]} +${m[2]} +${m[3]} +${m[4]} `, 'm'));
      }

      // Reset the group's offsets from the screen: the dry-run table first, then y.
      await t.send(['R']);
      await until('the reset prompt', (x) => x.includes('Reset readers to'));
      await t.send(['Enter']);
      await until('the dry-run table and the question', (x) => x.includes('Dry run (nothing changed yet)') && /readers +events +0 +0/.test(x) && x.includes('as shown? y/N'));
      await t.send(['y']);
      await until('the reset applied', (x) => x.includes('reset 2 partitions of readers to earliest') && x.includes('lag 11'));

      // q: the dashboard leaves the alternate screen; the shell's screen is as it was.
      await t.send(['q']);
      await waitFor('the shell back', async () => {
        const x = await screen();
        return x.includes('SHELL-BEFORE') && !x.includes('Group readers') ? x : undefined;
      });
    } finally {
      await term?.kill();
    }
  }, 150_000);
});
