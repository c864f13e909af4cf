// `streamctl log verify` run as a user would (node bin/run.js, from dist/) over a cluster dir
// whose broker log dirs are written by the real PartitionLog.
import { execa } from 'execa';
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batch, config, flipByte, makeTempDir, openLog } from '../engine/storage/helpers.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const verify = (dir: string, ...args: string[]) =>
  execa('node', [join(REPO_ROOT, 'bin/run.js'), 'log', 'verify', '--dir', dir, ...args], { reject: false, env: { STREAMCTL_DIR: '' } });

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('log-verify-');
  // broker-1/topic-0 and broker-2/topic-0, several segments each, indexed every ~100 bytes.
  for (const broker of ['broker-1', 'broker-2']) {
    const log = openLog(join(tmp.dir, broker), { config: config({ 'segment.bytes': '2000', 'index.interval.bytes': '100' }) });
    for (let i = 0; i < 40; i++) log.appendAsLeader(batch(2, { start: i * 2, valueSize: 30 }), 1);
    log.close();
  }
  // What makes it a (stopped) cluster dir for the command's cluster lookup.
  writeFileSync(join(tmp.dir, 'cluster.json'), '{}');
});
afterEach(() => tmp.cleanup());

const firstSegment = (broker: string) => join(tmp.dir, broker, 'topic-0', '00000000000000000000.log');

describe('streamctl log verify', () => {
  it('fails like every command when --dir holds no cluster', async () => {
    const r = await verify(join(tmp.dir, 'nothing-here'));
    expect([r.exitCode, r.stderr.split('\n')[0]]).toEqual([1, `Error: No local cluster found in ${join(tmp.dir, 'nothing-here')}.`]);
  });

  it('finds no problems in intact logs and exits 0', async () => {
    const r = await verify(tmp.dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Verified 2 partition\(s\), \d+ segment\(s\), 80 batch\(es\) in .*: no problems found\./);
  });

  it('reports a batch whose CRC fails in an older segment and exits 1', async () => {
    flipByte(firstSegment('broker-2'), 200);
    const r = await verify(tmp.dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^broker-2 topic-0 00000000000000000000\.log position \d+: batch at offset \d+ fails its CRC check/m);
    expect(r.stdout).toContain('1 problem(s)');
  });

  it('reports garbage after the last batch and a bad index entry as JSON', async () => {
    const seg = firstSegment('broker-1');
    const fd = openSync(seg, 'a');
    writeSync(fd, Buffer.from('junk'));
    closeSync(fd);
    const index = seg.replace(/\.log$/, '.index');
    expect(statSync(index).size).toBeGreaterThan(8);
    flipByte(index, 7); // low byte of the first entry's position
    const r = await verify(tmp.dir, '--json');
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as { problems: { broker: string; file: string; problem: string }[] };
    expect(out.problems.map((p) => [p.broker, p.file.split('/').pop(), p.problem.replace(/\d+/g, 'N')])).toEqual([
      ['broker-1', '00000000000000000000.log', 'N trailing bytes after the last batch'],
      ['broker-1', '00000000000000000000.index', 'entry N (offset N, position N): no batch starts at that position of the .log file'],
    ]);
  });

  it('checks only the partitions of --topic', async () => {
    flipByte(firstSegment('broker-2'), 200);
    const r = await verify(tmp.dir, '--topic', 'other', '--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ partitions: 0, problems: [] });
  });
});
