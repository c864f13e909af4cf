// The bearer token of nimbus's HTTP API: 32 random bytes (base64url) written at `cluster
// start` to <cluster dir>/nimbus.token (0600), read by nimbus and by every client of it (CLI,
// dashboard, supervisors, workers, tests). Compared in constant time. Plain file helpers;
// the token never appears in logs, config files or process arguments.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamctlError } from './errors.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

export const NIMBUS_TOKEN_FILE = 'nimbus.token';

/** <dir>/nimbus.token */
export function nimbusTokenPath(clusterDir: string): string {
  return join(clusterDir, NIMBUS_TOKEN_FILE);
}

/** Generates a fresh token and writes it (0600, write-then-rename) to `path`. */
export function writeNewNimbusToken(path: string): string {
  const token = randomBytes(32).toString('base64url');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, path);
  return token;
}

/** The token in `path`, or undefined when there is no such file. */
export function readNimbusToken(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const token = readFileSync(path, 'utf8').trim();
  if (!token) throw new StreamctlError('STORAGE', `${path} is empty; restart the cluster to generate a new nimbus token.`);
  return token;
}

/** The `authorization` header value for `token`. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** Headers that authenticate a request to nimbus (none without a token). */
export function nimbusAuthHeaders(token: string | undefined): Record<string, string> {
  return token ? { authorization: bearer(token) } : {};
}

/** Constant-time comparison (digests first, so neither content nor length leaks through timing). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
