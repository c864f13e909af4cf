// The cluster daemon's control socket: <dir>/daemon.sock (0600 from the first moment),
// one JSON command per line (status, stop, broker stop|start|kill) answered with one JSON
// line {ok, result} or {ok: false, error}. What the commands do is the daemon's (passed in).
import { chmodSync } from 'node:fs';
import net from 'node:net';
import { StreamctlError, isStreamctlError } from '../common/errors.js';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import type { ClusterDir } from './cluster-dir.js';
import type { ClusterFile, ProcessInfo } from './process-configs.js';

export interface DaemonCommands {
  status(): ClusterFile;
  stop(): Promise<void>;
  brokerControl(action: 'stop' | 'start' | 'kill', brokerId: number): Promise<ProcessInfo>;
}

/** Listens on the dir's control socket; resolves once it is bound. */
export async function listenControl(dir: ClusterDir, commands: DaemonCommands): Promise<net.Server> {
  const path = dir.controlSocket;
  dir.removeFile(path);
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) void onCommand(line, socket, commands);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The socket file is created by bind() inside listen(), synchronously: a umask of 177
    // around it makes it 0600 from the first moment (the chmod below makes sure).
    const umask = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(path, PRIVATE_FILE_MODE);
  return server;
}

async function onCommand(line: string, socket: net.Socket, commands: DaemonCommands): Promise<void> {
  const reply = (value: unknown) => {
    if (!socket.destroyed) socket.write(JSON.stringify(value) + '\n');
  };
  try {
    const cmd = JSON.parse(line) as { cmd: string; action?: string; id?: number };
    switch (cmd.cmd) {
      case 'status':
        reply({ ok: true, result: commands.status() });
        return;
      case 'stop':
        reply({ ok: true, result: null });
        await commands.stop();
        return;
      case 'broker': {
        const action = cmd.action;
        if (action !== 'stop' && action !== 'start' && action !== 'kill') throw new StreamctlError('USAGE', `Unknown broker action ${String(action)}.`);
        reply({ ok: true, result: await commands.brokerControl(action, Number(cmd.id)) });
        return;
      }
      default:
        throw new StreamctlError('USAGE', `Unknown daemon command ${cmd.cmd}.`);
    }
  } catch (error) {
    const e = isStreamctlError(error) ? error : new StreamctlError('INTERNAL', (error as Error).message);
    reply({ ok: false, error: { code: e.code, message: e.message, hint: e.hint } });
  }
}
