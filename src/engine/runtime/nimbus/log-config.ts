// Storm's dynamic log levels (`storm set_log_level -l LOGGER=LEVEL[:TIMEOUT]`, the UI's
// /api/v1/topology/:id/logconfig): per topology, named loggers ("ROOT" or a component id)
// with a target level and an optional timeout in seconds after which the workers go back to
// their configured level. Nimbus keeps them in memory (lost on a nimbus restart) and hands
// the active ones to every worker in its heartbeat answer; the worker applies them to its
// logger. Pure data plus the parser of the command-line form.
import { StreamctlError } from '../../common/errors.js';
import type { NamedLogLevel } from '../../common/logger.js';

/** Storm's (log4j) level names and what they mean here. */
const LEVELS: Record<string, NamedLogLevel> = {
  ALL: 'debug',
  TRACE: 'debug',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
  FATAL: 'error',
  OFF: 'off',
};

export interface LogLevelSetting {
  logger: string;
  /** Storm's level name, upper case. */
  level: string;
  /** Seconds until it reverts; 0: until changed. */
  timeoutSecs: number;
}

/** An active named level as the workers get it. */
export interface NamedLoggerLevel {
  targetLevel: string;
  /** Epoch ms when it reverts, or null. */
  expiresAtMs: number | null;
}

/** `LOGGER=LEVEL[:TIMEOUT]` (timeout in seconds, as Storm's set_log_level). */
export function parseLogLevelSetting(text: string): LogLevelSetting {
  const m = /^([^=\s]+)=([A-Za-z]+)(?::(\d+))?$/.exec(text);
  const level = m?.[2]?.toUpperCase();
  if (!m || !level || !(level in LEVELS)) {
    throw new StreamctlError('USAGE', `Invalid log level setting '${text}': expected LOGGER=LEVEL[:TIMEOUT_SECONDS], LOGGER being ROOT or a component id and LEVEL one of ${Object.keys(LEVELS).join(', ')}.`);
  }
  return { logger: m[1]!, level, timeoutSecs: m[3] === undefined ? 0 : Number(m[3]) };
}

/** The level the logger applies for a Storm level name. */
export function namedLogLevel(level: string): NamedLogLevel | undefined {
  return LEVELS[level.toUpperCase()];
}

export class LogConfigStore {
  readonly #byTopology = new Map<string, Map<string, NamedLoggerLevel>>();

  set(topologyId: string, setting: LogLevelSetting, nowMs: number): void {
    let m = this.#byTopology.get(topologyId);
    if (!m) this.#byTopology.set(topologyId, (m = new Map()));
    m.set(setting.logger, { targetLevel: setting.level, expiresAtMs: setting.timeoutSecs > 0 ? nowMs + setting.timeoutSecs * 1000 : null });
  }

  /** The topology's levels still in force (expired ones are dropped). */
  active(topologyId: string, nowMs: number): Record<string, NamedLoggerLevel> {
    const m = this.#byTopology.get(topologyId);
    if (!m) return {};
    for (const [name, l] of m) if (l.expiresAtMs !== null && l.expiresAtMs <= nowMs) m.delete(name);
    return Object.fromEntries(m);
  }

  forget(topologyId: string): void {
    this.#byTopology.delete(topologyId);
  }
}
