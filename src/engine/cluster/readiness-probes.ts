// Readiness of the cluster's processes as the daemon checks it: the controller answers
// ApiVersions, a broker lists itself in Metadata, nimbus answers its cluster summary, nimbus
// lists a supervisor; and what a process said last before it exited. Stateless.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { nimbusAuthHeaders } from '../common/nimbus-token.js';
import { KafkaConnection } from '../network/connection.js';
import { ApiKey } from '../protocol/api-keys.js';

/** Kafka listener ready: the controller (no broker id) answers ApiVersions; a broker lists itself in Metadata. */
export async function probeKafka(host: string, port: number, brokerId: number | undefined): Promise<boolean> {
  const conn = await KafkaConnection.connect({ host, port, clientId: 'streamctl-daemon', connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
  try {
    if (brokerId === undefined) {
      const res = await conn.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'streamctl', clientSoftwareVersion: '0' });
      return res.errorCode === 0;
    }
    const res = await conn.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    return res.brokers.some((b) => b.nodeId === brokerId);
  } finally {
    conn.close();
  }
}

/** An HTTP GET answering 200 with a body `accept` likes (nimbus's API, with its token). */
export async function probeHttp(url: string, token: string | undefined, accept: (body: unknown) => boolean): Promise<boolean> {
  const res = await fetch(url, { headers: nimbusAuthHeaders(token), signal: AbortSignal.timeout(2000) });
  if (res.status !== 200) return false;
  return accept(await res.json().catch(() => null));
}

export function listsSupervisor(body: unknown, supervisorId: string): boolean {
  const list = (body as { supervisors?: Record<string, unknown>[] } | null)?.supervisors ?? [];
  return list.some((s) => Object.values(s).includes(supervisorId));
}

/** The last non-empty line of a process's .out file (what it said before exiting), cut to 500 chars. */
export function lastLine(path: string): string | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 4096);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      const line = buf.toString('utf8').trim().split('\n').at(-1)?.trim();
      return line ? line.slice(0, 500) : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
