// Runs the built streamctl CLI (node bin/run.js) as a child process and captures its output.
// Build first (`npm run build`).
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function streamctl(args: string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> {
  const result = await execa('node', [BIN, ...args], {
    input: options.input ?? '',
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs ?? 60_000,
    env: { NODE_NO_WARNINGS: '1' },
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}
