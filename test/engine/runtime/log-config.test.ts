import { describe, expect, it } from 'vitest';
import { createLogger, LogLevelControl } from '../../../src/engine/common/logger.js';
import { LogConfigStore, parseLogLevelSetting } from '../../../src/engine/runtime/nimbus/log-config.js';
import { formatGetErrors, topologyErrors } from '../../../src/engine/runtime/topology-errors.js';
import type { TopologyDetail } from '../../../src/engine/runtime/nimbus/api-types.js';

describe('set_log_level settings', () => {
  it('parses LOGGER=LEVEL[:TIMEOUT] as Storm does, timeout in seconds', () => {
    expect(parseLogLevelSetting('ROOT=debug:30')).toEqual({ logger: 'ROOT', level: 'DEBUG', timeoutSecs: 30 });
    expect(parseLogLevelSetting('count=WARN')).toEqual({ logger: 'count', level: 'WARN', timeoutSecs: 0 });
    expect(() => parseLogLevelSetting('ROOT')).toThrow(/expected LOGGER=LEVEL\[:TIMEOUT_SECONDS\]/);
    expect(() => parseLogLevelSetting('ROOT=LOUD')).toThrow(/LEVEL one of ALL, TRACE, DEBUG/);
  });

  it('keeps a level until its timeout, then drops it', () => {
    const store = new LogConfigStore();
    store.set('t-1', parseLogLevelSetting('ROOT=DEBUG:2'), 1000);
    store.set('t-1', parseLogLevelSetting('count=ERROR'), 1000);
    expect(store.active('t-1', 2999)).toEqual({ ROOT: { targetLevel: 'DEBUG', expiresAtMs: 3000 }, count: { targetLevel: 'ERROR', expiresAtMs: null } });
    expect(store.active('t-1', 3000)).toEqual({ count: { targetLevel: 'ERROR', expiresAtMs: null } });
  });

  it('applies ROOT and component levels to a logger at run time, a component\'s winning', () => {
    const lines: string[] = [];
    const levels = new LogLevelControl();
    const root = createLogger({ sink: (l) => lines.push(l), level: 'info', levels });
    const count = root.child({ component: 'count' });
    count.debug('hidden');
    levels.set('ROOT', 'debug');
    count.debug('shown');
    levels.set('count', 'error');
    count.warn('hidden too');
    root.debug('root shown');
    levels.clear('ROOT');
    root.debug('hidden again');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown', 'root shown']);
  });
});

describe('topology errors', () => {
  it('prints storm get-errors\' line with the last error of each component that has one', () => {
    const row = { executors: 1, tasks: 1, emitted: 0, transferred: 0, acked: 0, failed: 0, lastError: '', errorHost: '', errorPort: '' as const, errorTime: null, errorLapsedSecs: null };
    const detail = {
      name: 'wc',
      spouts: [{ ...row, spoutId: 'sentences' }],
      bolts: [{ ...row, boltId: 'count', lastError: 'Error: boom', errorHost: '127.0.0.1', errorPort: 9392, errorTime: 1700000000, errorLapsedSecs: 5 }],
    } as unknown as TopologyDetail;
    const e = topologyErrors(detail);
    expect(e.errors).toEqual([{ component: 'count', error: 'Error: boom', host: '127.0.0.1', port: 9392, time: 1700000000, lapsedSecs: 5 }]);
    expect(formatGetErrors(e)).toBe('{"Topology Name":"wc","Comp-Errors":{"count":"Error: boom"}}');
  });
});
