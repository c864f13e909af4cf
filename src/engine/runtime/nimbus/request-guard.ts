// The checks nimbus's HTTP API makes on every request before it reads a body or acts, in
// this order (see DESIGN.md, Trust model):
//   1. Host must be nimbus's own address (127.0.0.1:PORT, localhost:PORT, [::1]:PORT):
//      defeats DNS rebinding (403).
//   2. An Origin header, when present, must be http://127.0.0.1:PORT, http://localhost:PORT
//      or http://[::1]:PORT: a web page of another site cannot act (403).
//   3. A POST must carry Content-Type application/json, so no browser "simple request"
//      (text/plain, form posts) reaches a handler (415).
//   4. Authorization: Bearer <token> must match the cluster's token (401), compared in
//      constant time; with `uiOpen`, the read-only GET /api/v1/... pages skip this check.
// Pure: returns the rejection to send, or null to let the request through.
import type { IncomingMessage } from 'node:http';
import { tokensEqual } from '../../common/nimbus-token.js';

export interface GuardRejection {
  status: 401 | 403 | 415;
  message: string;
}

export interface RequestGuardOptions {
  /** The port nimbus listens on (Host and Origin must name it). */
  port: number;
  token: string;
  /** Let GET /api/v1/... through without a token (`cluster start --ui-open`). */
  uiOpen: boolean;
}

const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

export function checkRequest(req: IncomingMessage, options: RequestGuardOptions): GuardRejection | null {
  const allowedHosts = LOCAL_HOSTS.map((h) => `${h}:${options.port}`);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts.includes(host)) {
    return { status: 403, message: `Host '${req.headers.host ?? ''}' is not this nimbus (expected ${allowedHosts.join(', ')})` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { status: 403, message: `cross-origin requests are refused (Origin '${origin}')` };
  }
  const method = req.method ?? 'GET';
  if (method === 'POST') {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return { status: 415, message: `POST needs Content-Type application/json, got '${req.headers['content-type'] ?? ''}'` };
    }
  }
  // Same URL parsing as the router, so `/api/v1/../internal/...` cannot pass as a UI page.
  if (options.uiOpen && method === 'GET' && new URL(req.url ?? '/', 'http://nimbus').pathname.startsWith('/api/v1/')) return null;
  const auth = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!match) return { status: 401, message: 'nimbus needs Authorization: Bearer <token> (the token is in <cluster dir>/nimbus.token)' };
  if (!tokensEqual(match[1]!, options.token)) return { status: 401, message: 'wrong nimbus token (see <cluster dir>/nimbus.token)' };
  return null;
}
