// The topology commands' repeatable flags: `-c key=value` config overrides (storm's -c) and
// `-e component=parallelism` executor counts (storm rebalance -e). Pure parsing.
import { StreamctlError } from '../common/errors.js';
import { parseKeyValues } from '../common/key-value.js';

/** `-c key=value` flags → config; values parse as JSON when they can (numbers, booleans, null), else strings. */
export function parseConfOverrides(pairs: readonly string[] = []): Record<string, unknown> {
  const conf: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(parseKeyValues(pairs, '-c'))) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    conf[key] = value;
  }
  return conf;
}

/** `-e component=parallelism` flags → executors map. */
export function parseExecutorOverrides(pairs: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const n = Number(pair.slice(at + 1));
    if (at <= 0 || !Number.isInteger(n)) throw new StreamctlError('USAGE', `-e expects component=parallelism, got '${pair}'`);
    if (n < 1) throw new StreamctlError('USAGE', 'Number of executors must be greater than 0');
    out[pair.slice(0, at)] = n;
  }
  return out;
}
