import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../../../src/engine/runtime/nimbus/request-guard.js';

const PORT = 19292;
const TOKEN = 'a'.repeat(43);

function req(options: { method?: string; url?: string; headers?: Record<string, string> }): IncomingMessage {
  return {
    method: options.method ?? 'GET',
    url: options.url ?? '/api/v1/cluster/summary',
    headers: { host: `127.0.0.1:${PORT}`, ...options.headers },
  } as unknown as IncomingMessage;
}

const auth = { authorization: `Bearer ${TOKEN}` };
const guard = (r: IncomingMessage, uiOpen = false) => checkRequest(r, { port: PORT, token: TOKEN, uiOpen });

describe('nimbus request guard', () => {
  it('lets a request with its own host and the right token through', () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`]) {
      expect(guard(req({ headers: { host, ...auth } }))).toBeNull();
    }
  });

  it('refuses a foreign or missing Host with 403 even with the token', () => {
    for (const host of ['attacker.example', `attacker.example:${PORT}`, `127.0.0.1:${PORT + 1}`, '127.0.0.1', '']) {
      expect(guard(req({ headers: { host, ...auth } }))?.status).toBe(403);
    }
  });

  it('refuses a foreign Origin with 403 and accepts nimbus\'s own', () => {
    for (const origin of ['http://attacker.example', 'null', `https://127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT + 1}`]) {
      expect(guard(req({ headers: { origin, ...auth } }))?.status).toBe(403);
    }
    expect(guard(req({ headers: { origin: `http://localhost:${PORT}`, ...auth } }))).toBeNull();
  });

  it('refuses a POST whose Content-Type is not application/json with 415', () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const r = req({ method: 'POST', url: '/internal/v1/submit', headers: { ...auth, ...(type ? { 'content-type': type } : {}) } });
      expect(guard(r)?.status).toBe(415);
    }
    expect(guard(req({ method: 'POST', url: '/internal/v1/submit', headers: { ...auth, 'content-type': 'application/json; charset=utf-8' } }))).toBeNull();
  });

  it('checks Host and Origin before the Content-Type and the token', () => {
    const r = req({ method: 'POST', url: '/internal/v1/submit', headers: { host: 'attacker.example', 'content-type': 'text/plain' } });
    expect(guard(r)?.status).toBe(403);
  });

  it('refuses a missing, malformed or wrong token with 401', () => {
    expect(guard(req({}))?.status).toBe(401);
    expect(guard(req({ headers: { authorization: TOKEN } }))?.status).toBe(401);
    expect(guard(req({ headers: { authorization: `Basic ${TOKEN}` } }))?.status).toBe(401);
    expect(guard(req({ headers: { authorization: `Bearer ${TOKEN}x` } }))?.status).toBe(401);
    expect(guard(req({ headers: { authorization: 'Bearer ' } }))?.status).toBe(401);
  });

  it('with uiOpen lets read-only GET /api/v1 pages through without a token, and nothing else', () => {
    expect(guard(req({}), true)).toBeNull();
    expect(guard(req({ url: '/api/v1/topology/x-1-1?window=600' }), true)).toBeNull();
    expect(guard(req({ method: 'POST', url: '/api/v1/topology/x-1-1/kill/0', headers: { 'content-type': 'application/json' } }), true)?.status).toBe(401);
    expect(guard(req({ url: '/api/v1/../internal/v1/submit' }), true)?.status).toBe(401);
    expect(guard(req({ url: '/api/v1/%2e%2e/internal/v1/submit' }), true)?.status).toBe(401);
    expect(guard(req({ headers: { host: 'attacker.example' } }), true)?.status).toBe(403);
    expect(guard(req({ headers: { origin: 'http://attacker.example' } }), true)?.status).toBe(403);
  });
});
