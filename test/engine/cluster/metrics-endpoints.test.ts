import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../src/engine/cluster/cluster-report.js';
import { metricsEndpoints } from '../../../src/engine/cluster/local-cluster.js';
import type { ClusterFile } from '../../../src/engine/cluster/process-configs.js';

function file(storm: boolean): ClusterFile {
  const p = { kind: 'broker' as const, host: '127.0.0.1', port: 0, pid: null, status: 'running' as const, logFile: '' };
  return {
    version: 1,
    clusterId: 'c',
    host: '127.0.0.1',
    basePort: 9092,
    startedAt: '',
    daemon: { pid: 1 },
    controller: { ...p, kind: 'controller' },
    brokers: [{ ...p, id: 1 }, { ...p, id: 2 }],
    nimbus: storm ? { ...p, kind: 'nimbus' } : null,
    supervisors: storm ? [{ ...p, kind: 'supervisor', id: 1 }] : [],
    slotsPerSupervisor: 4,
  };
}

describe('metrics endpoints of cluster status', () => {
  it('follow the port scheme and render as one table', () => {
    expect(renderMetrics(metricsEndpoints(file(true)))).toBe(
      [
        'METRICS (Prometheus)',
        '  PROCESS     URL',
        '  controller  http://127.0.0.1:9293/metrics',
        '  broker 1    http://127.0.0.1:9193/metrics',
        '  broker 2    http://127.0.0.1:9194/metrics',
        '  nimbus      http://127.0.0.1:9294/metrics',
        '  workers     http://127.0.0.1:9396-9399/metrics (one port per worker slot)',
      ].join('\n'),
    );
    expect(metricsEndpoints(file(true)).at(-1)).toEqual({ process: 'worker supervisor-1:9395', url: 'http://127.0.0.1:9399/metrics' });
  });

  it('lists no nimbus or workers without Storm', () => {
    expect(metricsEndpoints(file(false)).map((e) => e.process)).toEqual(['controller', 'broker 1', 'broker 2']);
  });
});
