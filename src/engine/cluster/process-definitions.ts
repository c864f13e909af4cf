// What the cluster daemon starts: each process's name, kind, port, entry script, config file
// content and readiness check, from the cluster spec and the port plan. Pure (reads only the
// cluster dir's broker folders, for the controller's data guard).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterDir } from './cluster-dir.js';
import type { PortPlan } from './ports.js';
import type { BrokerProcessConfig, ClusterSpec, ControllerProcessConfig, ProcessKind } from './process-configs.js';
import type { ProcessMains } from './process-mains.js';
import { listsSupervisor } from './readiness-probes.js';

/** Config of nimbus-main (mirrors runtime/nimbus-main's NimbusProcessConfig; cluster must not import runtime). */
interface NimbusConfig {
  host: string;
  port: number;
  dataDir: string;
  logFile: string;
  clusterDir: string;
  tokenFile: string;
  uiOpen: boolean;
  metricsPort: number;
}

/** Config of supervisor-main (mirrors runtime/supervisor-main's SupervisorProcessConfig). */
interface SupervisorConfig {
  supervisorId: string;
  host: string;
  slotPorts: number[];
  nimbusUrl: string;
  nimbusTokenFile: string;
  dataDir: string;
  logFile: string;
  workerMetricsPorts: number[];
}

/** Ready when a Kafka listener answers (controller: ApiVersions; broker: lists itself), or an HTTP GET is accepted. */
export type ReadyCheck =
  | { kind: 'kafka'; port: number; brokerId?: number }
  | { kind: 'http'; url: string; accept: (body: unknown) => boolean };

export interface ProcessDefinition {
  proc: string;
  kind: ProcessKind;
  id?: number;
  port: number;
  main: string;
  config: object;
  ready: ReadyCheck;
}

export function nimbusUrlFor(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/** Controller, brokers, then (with Storm) nimbus and supervisors. */
export function defineProcesses(o: { spec: ClusterSpec; dir: ClusterDir; plan: PortPlan; clusterId: string; mains: ProcessMains }): ProcessDefinition[] {
  const { spec, dir, plan, clusterId, mains } = o;
  const { host, settings } = spec;
  const defs: ProcessDefinition[] = [];
  const controllerConfig: ControllerProcessConfig = {
    clusterId: clusterId,
    host,
    port: plan.controller,
    dataDir: dir.dataDir('controller'),
    logFile: dir.logFile('controller'),
    settings,
    brokerDataDirs: brokerDataDirsIn(dir.root),
    force: spec.force ?? false,
    metricsPort: plan.metrics.controller,
  };
  defs.push({ proc: 'controller', kind: 'controller', port: plan.controller, main: mains.controller, config: controllerConfig, ready: { kind: 'kafka', port: plan.controller } });
  plan.brokers.forEach((port, i) => {
    const brokerId = i + 1;
    const proc = `broker-${brokerId}`;
    const config: BrokerProcessConfig = {
      brokerId,
      clusterId: clusterId,
      host,
      port,
      dataDir: dir.dataDir(proc),
      logFile: dir.logFile(proc),
      controller: { host, port: plan.controller },
      settings,
      metricsPort: plan.metrics.brokers[i]!,
    };
    defs.push({ proc, kind: 'broker', id: brokerId, port, main: mains.broker, config, ready: { kind: 'kafka', port, brokerId } });
  });
  if (!spec.storm) return defs;
  const nimbusUrl = nimbusUrlFor(host, plan.nimbus);
  const nimbusConfig: NimbusConfig = {
    host,
    port: plan.nimbus,
    dataDir: dir.dataDir('nimbus'),
    logFile: dir.logFile('nimbus'),
    clusterDir: dir.root,
    tokenFile: dir.nimbusTokenFile,
    uiOpen: spec.uiOpen === true,
    metricsPort: plan.metrics.nimbus,
  };
  defs.push({ proc: 'nimbus', kind: 'nimbus', port: plan.nimbus, main: mains.nimbus, config: nimbusConfig, ready: { kind: 'http', url: `${nimbusUrl}/api/v1/cluster/summary`, accept: () => true } });
  plan.supervisorSlots.forEach((slotPorts, s) => {
    const n = s + 1;
    const proc = `supervisor-${n}`;
    const config: SupervisorConfig = {
      supervisorId: proc,
      host,
      slotPorts,
      nimbusUrl,
      nimbusTokenFile: dir.nimbusTokenFile,
      dataDir: dir.dataDir(proc),
      logFile: dir.logFile(proc),
      workerMetricsPorts: plan.metrics.workers[s] ?? [],
    };
    const ready: ReadyCheck = { kind: 'http', url: `${nimbusUrl}/api/v1/supervisor/summary`, accept: (b) => listsSupervisor(b, proc) };
    defs.push({ proc, kind: 'supervisor', id: n, port: slotPorts[0] ?? 0, main: mains.supervisor, config, ready });
  });
  return defs;
}

/** `broker-<n>` folders of the cluster dir, including those of brokers no longer configured. */
function brokerDataDirsIn(root: string): string[] {
  try {
    return readdirSync(root)
      .filter((n) => /^broker-\d+$/.test(n))
      .map((n) => join(root, n));
  } catch {
    return [];
  }
}
