// Layout of a local cluster directory and the files in it:
//   <dir>/cluster.json             index: ports, pids, statuses (written by the daemon)
//   <dir>/meta.properties          cluster.id, generated once, kept across restarts
//   <dir>/controller/              controller data (metadata.db)
//   <dir>/broker-<id>/             broker data (partition logs)
//   <dir>/nimbus/  <dir>/supervisor-<n>/
//   <dir>/config/<proc>.json       per-process config files the daemon writes
//   <dir>/logs/<proc>.log          JSON-line logs; <proc>.out: captured stdout/stderr
//   <dir>/daemon.sock              control socket of the daemon (JSON lines), 0600
//   <dir>/nimbus.token             bearer token of nimbus's HTTP API, new at each start
// The directory is private (DESIGN.md, Trust model): 0700, and every file in it 0600.
// Files are replaced by write-temp, fsync, rename so readers never see half a file, and a
// leftover `<file>.<pid>.tmp` from a crash or a full disk is never read. Not safe for two
// daemons on one directory; the daemon refuses to start when another one is alive.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomically } from '../common/atomic-file.js';
import { StreamctlError } from '../common/errors.js';
import { nimbusTokenPath } from '../common/nimbus-token.js';
import { ensurePrivateDir, tightenTree } from '../common/private-files.js';
import type { ClusterFile } from './process-configs.js';

/** The cluster dir used when --dir and $STREAMCTL_DIR are not given (CLI, daemon and topology commands alike). */
export function defaultClusterDir(): string {
  return join(homedir(), '.streamctl', 'cluster');
}

export class ClusterDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get clusterFile(): string {
    return join(this.root, 'cluster.json');
  }
  get metaFile(): string {
    return join(this.root, 'meta.properties');
  }
  get logsDir(): string {
    return join(this.root, 'logs');
  }
  get configDir(): string {
    return join(this.root, 'config');
  }
  get daemonLog(): string {
    return join(this.logsDir, 'daemon.log');
  }
  get daemonOut(): string {
    return join(this.logsDir, 'daemon.out');
  }
  /** Written by a daemon that failed to start, read by the starting CLI. */
  get daemonErrorFile(): string {
    return join(this.root, 'daemon-error.json');
  }
  /** Bearer token of nimbus's HTTP API (0600), written by the daemon at start. */
  get nimbusTokenFile(): string {
    return nimbusTokenPath(this.root);
  }
  /** Unix socket path; moved under the temp dir when the directory path is too long for a socket. */
  get controlSocket(): string {
    const path = join(this.root, 'daemon.sock');
    if (Buffer.byteLength(path) < 100) return path;
    const hash = createHash('sha256').update(this.root).digest('hex').slice(0, 16);
    return join(tmpdir(), `streamctl-${hash}.sock`);
  }

  dataDir(proc: string): string {
    return join(this.root, proc);
  }
  logFile(proc: string): string {
    return join(this.logsDir, `${proc}.log`);
  }
  outFile(proc: string): string {
    return join(this.logsDir, `${proc}.out`);
  }
  configFile(proc: string): string {
    return join(this.configDir, `${proc}.json`);
  }

  /** Creates the directory and its logs/ and config/ folders, owner-only (0700). */
  ensure(): void {
    for (const d of [this.root, this.logsDir, this.configDir]) ensurePrivateDir(d);
  }

  /** Removes group/other access from everything under the directory (one made by an older version). */
  tighten(): number {
    return tightenTree(this.root);
  }

  /** The cluster id from meta.properties, generated (Kafka-style 22-char base64url) on first use. */
  ensureClusterId(): string {
    const existing = this.readClusterId();
    if (existing) return existing;
    const id = randomBytes(16).toString('base64url').replace(/^-/, 'A');
    writeAtomic(this.metaFile, `# streamctl local cluster\nversion=1\ncluster.id=${id}\n`);
    return id;
  }

  readClusterId(): string | undefined {
    if (!existsSync(this.metaFile)) return undefined;
    const match = /^cluster\.id=(.+)$/m.exec(readFileSync(this.metaFile, 'utf8'));
    return match?.[1]?.trim();
  }

  readClusterFile(): ClusterFile | undefined {
    if (!existsSync(this.clusterFile)) return undefined;
    try {
      return JSON.parse(readFileSync(this.clusterFile, 'utf8')) as ClusterFile;
    } catch (error) {
      throw new StreamctlError('STORAGE', `${this.clusterFile} is not valid JSON`, { cause: error });
    }
  }

  writeClusterFile(file: ClusterFile): void {
    writeAtomic(this.clusterFile, JSON.stringify(file, null, 2) + '\n');
  }

  writeJson(path: string, value: unknown): void {
    writeAtomic(path, JSON.stringify(value, null, 2) + '\n');
  }

  removeFile(path: string): void {
    rmSync(path, { force: true });
  }
}

/** Writes `path` via a temp file, fsync and rename, so readers see the old or the new content. */
export function writeAtomic(path: string, content: string): void {
  writeFileAtomically(path, content, { tmp: `${path}.${process.pid}.tmp` });
}
