// The local cluster's port scheme and port checks. From a base port P (default 9092):
// broker i (1-based) on P+i-1, controller on P+100, nimbus HTTP on P+200, supervisor s's
// worker slots on P+300+(s-1)*slots... Prometheus /metrics endpoints: broker i on P+100+i,
// controller on P+201, nimbus on P+202, and the worker in slot k (counted over all
// supervisors) on P+300+S+k, right after the S slot ports. All on 127.0.0.1. A busy port is a PORT_IN_USE error
// naming the port and the process that wanted it. Stateless.
import net from 'node:net';
import { StreamctlError } from '../common/errors.js';

export const DEFAULT_BASE_PORT = 9092;
/** Broker i's metrics port P+100+i must stay below nimbus's P+200. */
export const MAX_BROKERS = 99;

export interface PortPlan {
  controller: number;
  /** Index i is broker id i+1. */
  brokers: number[];
  nimbus: number;
  /** Index s is supervisor s+1's slot ports. */
  supervisorSlots: number[][];
  /** Prometheus /metrics ports. */
  metrics: MetricsPorts;
}

export interface MetricsPorts {
  /** Index i is broker id i+1. */
  brokers: number[];
  controller: number;
  nimbus: number;
  /** Parallel to supervisorSlots: the metrics port of the worker in each slot. */
  workers: number[][];
}

export interface PortPlanOptions {
  basePort: number;
  brokers: number;
  supervisors: number;
  slotsPerSupervisor: number;
}

export function planPorts(o: PortPlanOptions): PortPlan {
  if (o.brokers > MAX_BROKERS) throw new StreamctlError('USAGE', `At most ${MAX_BROKERS} brokers fit the port scheme, asked for ${o.brokers}.`);
  const totalSlots = o.supervisors * o.slotsPerSupervisor;
  const plan: PortPlan = {
    controller: o.basePort + 100,
    brokers: Array.from({ length: o.brokers }, (_, i) => o.basePort + i),
    nimbus: o.basePort + 200,
    supervisorSlots: Array.from({ length: o.supervisors }, (_, s) =>
      Array.from({ length: o.slotsPerSupervisor }, (_, k) => o.basePort + 300 + s * o.slotsPerSupervisor + k),
    ),
    metrics: {
      brokers: Array.from({ length: o.brokers }, (_, i) => o.basePort + 101 + i),
      controller: o.basePort + 201,
      nimbus: o.basePort + 202,
      workers: Array.from({ length: o.supervisors }, (_, s) =>
        Array.from({ length: o.slotsPerSupervisor }, (_, k) => o.basePort + 300 + totalSlots + s * o.slotsPerSupervisor + k),
      ),
    },
  };
  const top = Math.max(plan.controller, plan.nimbus, ...plan.brokers, ...plan.supervisorSlots.flat(), ...plan.metrics.workers.flat());
  if (o.basePort < 1 || top > 65535) {
    throw new StreamctlError('USAGE', `Base port ${o.basePort} puts cluster ports outside 1-65535 (highest would be ${top}).`);
  }
  return plan;
}

/** Every port of a plan with the process that wants it ("broker 1", "controller", ...). */
export function portOwners(plan: PortPlan, storm: boolean): { port: number; owner: string }[] {
  const owners = [
    ...plan.brokers.map((port, i) => ({ port, owner: `broker ${i + 1}` })),
    { port: plan.controller, owner: 'controller' },
    ...plan.metrics.brokers.map((port, i) => ({ port, owner: `broker ${i + 1} (metrics)` })),
    { port: plan.metrics.controller, owner: 'controller (metrics)' },
  ];
  if (storm) {
    owners.push({ port: plan.nimbus, owner: 'nimbus' }, { port: plan.metrics.nimbus, owner: 'nimbus (metrics)' });
    plan.supervisorSlots.forEach((slots, s) => slots.forEach((port) => owners.push({ port, owner: `supervisor ${s + 1} (worker slot)` })));
    plan.metrics.workers.forEach((ports, s) => ports.forEach((port) => owners.push({ port, owner: `supervisor ${s + 1} (worker metrics)` })));
  }
  return owners;
}

/** True when nothing listens on host:port (we can bind it). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws PORT_IN_USE for the first busy port, naming it and its would-be owner. */
export async function checkPortsAvailable(host: string, wanted: { port: number; owner: string }[]): Promise<void> {
  const results = await Promise.all(wanted.map(async (w) => ({ ...w, free: await isPortFree(host, w.port) })));
  const busy = results.filter((r) => !r.free);
  if (busy.length === 0) return;
  const first = busy[0]!;
  const more = busy.length > 1 ? ` (also busy: ${busy.slice(1).map((b) => `${b.port} for ${b.owner}`).join(', ')})` : '';
  throw new StreamctlError('PORT_IN_USE', `Port ${first.port} on ${host} is already in use; it is needed for ${first.owner}${more}.`, {
    hint: `Stop whatever listens there (e.g. \`lsof -i :${first.port}\`), or pick other ports with --base-port.`,
  });
}

/** Test clusters' base ports are 20000, 20500, ... 32000: disjoint ranges of TEST_RANGE_STRIDE ports. */
const TEST_RANGE_STRIDE = 500;
const TEST_RANGE_COUNT = 25;

/**
 * Finds a base port P such that every port of the scheme is free (tests): probes P..P+n-1,
 * P+100, P+200 and the slot range. P is a multiple of 500 from 20000, so the ranges of two
 * bases never overlap (a lock per base is then enough to keep concurrent test clusters
 * apart), and everything stays below Linux's ephemeral range (32768+) so outgoing
 * connections cannot grab them.
 */
export async function findFreeBasePort(o: Omit<PortPlanOptions, 'basePort'>, host = '127.0.0.1', attempts = 50): Promise<number> {
  // The plan's highest port minus its base (the same for every base).
  const reach = Math.max(...portOwners(planPorts({ ...o, basePort: 1 }), true).map((w) => w.port)) - 1;
  if (reach >= TEST_RANGE_STRIDE) throw new StreamctlError('USAGE', `A test cluster of this size needs more than ${TEST_RANGE_STRIDE} ports.`);
  for (let i = 0; i < attempts; i++) {
    const base = 20000 + Math.floor(Math.random() * TEST_RANGE_COUNT) * TEST_RANGE_STRIDE;
    const owners = portOwners(planPorts({ ...o, basePort: base }), true);
    const free = await Promise.all(owners.map((w) => isPortFree(host, w.port)));
    if (free.every(Boolean)) return base;
  }
  throw new StreamctlError('PORT_IN_USE', 'Could not find a free range of ports for a test cluster.');
}
