// A small Redis client speaking RESP2 over one TCP connection: commands are written as
// arrays of bulk strings and replies parsed in order (simple strings, errors, integers,
// bulk strings, arrays). Enough for the Redis state provider (AUTH, SELECT, HGETALL,
// HSET, HDEL, DEL, MULTI/EXEC). Pipelined: each call resolves with its own reply. A
// dropped connection rejects every outstanding call. Single-threaded.
import { Socket } from 'node:net';

export type RespValue = string | number | null | RespValue[] | RespError;

export class RespError extends Error {
  override readonly name = 'RespError';
}

interface Pending {
  resolve(v: RespValue): void;
  reject(e: Error): void;
}

export interface RespClientOptions {
  host?: string;
  port?: number;
  timeoutMs?: number;
  password?: string | null;
  database?: number;
}

export class RespClient {
  readonly #socket: Socket;
  readonly #pending: Pending[] = [];
  #buf: Buffer = Buffer.alloc(0);
  #closed: Error | null = null;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (e) => this.#fail(e));
    socket.on('close', () => this.#fail(new Error('Redis connection closed')));
  }

  static async connect(options: RespClientOptions = {}): Promise<RespClient> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 6379;
    const timeoutMs = options.timeoutMs ?? 2000;
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`Could not connect to Redis at ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`Could not connect to Redis at ${host}:${port}: ${e.message}`, { cause: e }));
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    socket.setNoDelay(true);
    const client = new RespClient(socket);
    if (options.password) await client.call('AUTH', options.password);
    if (options.database) await client.call('SELECT', String(options.database));
    return client;
  }

  /** Send one command; resolves with its reply, rejects on a Redis error reply. */
  call(...args: string[]): Promise<RespValue> {
    return this.pipeline([args]).then((r) => r[0]!);
  }

  /** Send several commands in one write; resolves with every reply (rejects on the first error reply). */
  async pipeline(commands: string[][]): Promise<RespValue[]> {
    if (this.#closed) throw this.#closed;
    const parts: Buffer[] = [];
    for (const args of commands) {
      parts.push(Buffer.from(`*${args.length}\r\n`));
      for (const a of args) {
        const b = Buffer.from(a, 'utf8');
        parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
      }
    }
    const replies = commands.map(
      () =>
        new Promise<RespValue>((resolve, reject) => {
          this.#pending.push({ resolve, reject });
        }),
    );
    this.#socket.write(Buffer.concat(parts));
    const out = await Promise.all(replies);
    for (const r of out) {
      if (r instanceof RespError) throw r;
      if (Array.isArray(r)) for (const x of r) if (x instanceof RespError) throw x;
    }
    return out;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.end();
      setTimeout(() => {
        this.#socket.destroy();
        resolve();
      }, 500).unref();
    });
  }

  #fail(e: Error): void {
    if (!this.#closed) this.#closed = e;
    for (const p of this.#pending.splice(0)) p.reject(e);
  }

  #onData(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      let r;
      try {
        r = parseReply(this.#buf, 0);
      } catch (error) {
        this.#fail(error instanceof Error ? error : new Error(String(error)));
        this.#socket.destroy();
        return;
      }
      if (r === undefined) return;
      this.#buf = this.#buf.subarray(r.next);
      const p = this.#pending.shift();
      p?.resolve(r.value);
    }
  }
}

/** Parse one RESP reply at `pos`; undefined when the buffer holds only part of it. */
export function parseReply(buf: Buffer, pos: number): { value: RespValue; next: number } | undefined {
  if (pos >= buf.length) return undefined;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString('utf8', pos + 1, eol);
  const after = eol + 2;
  switch (type) {
    case '+':
      return { value: line, next: after };
    case '-':
      return { value: new RespError(line), next: after };
    case ':':
      return { value: Number(line), next: after };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: after };
      if (buf.length < after + len + 2) return undefined;
      return { value: buf.toString('utf8', after, after + len), next: after + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: after };
      const items: RespValue[] = [];
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (r === undefined) return undefined;
        items.push(r.value);
        p = r.next;
      }
      return { value: items, next: p };
    }
    default:
      throw new RespError(`Unexpected RESP reply type '${type}'`);
  }
}
