// One Kafka-style config value: its type (Kafka's ConfigDef.Type), bounds and allowed values,
// validation with Kafka's messages (`Invalid value abc for configuration retention.ms: Not a
// number of type LONG`) and conversion of valid text to a typed value. The one home for
// checking a dotted config value; topic configs and process settings both use it. Pure.

export type ConfigType = 'LONG' | 'INT' | 'DOUBLE' | 'BOOLEAN' | 'STRING' | 'LIST';

/** What a value of one key may be. */
export interface ConfigValueRule {
  type: ConfigType;
  /** Numeric bounds (inclusive) for LONG/INT/DOUBLE. */
  min?: number;
  max?: number;
  /** Allowed values for STRING (case-sensitive as Kafka) or LIST items. */
  oneOf?: readonly string[];
  /** LIST only: an empty list is not allowed. */
  nonEmpty?: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^[+-]?\d+$/;

function checkBounds(name: string, rule: ConfigValueRule, value: string, n: number): string | undefined {
  if (rule.min !== undefined && n < rule.min) return `Invalid value ${value} for configuration ${name}: Value must be at least ${rule.min}`;
  if (rule.max !== undefined && n > rule.max) return `Invalid value ${value} for configuration ${name}: Value must be no more than ${rule.max}`;
  return undefined;
}

/** Items of a LIST value: `a,b`, `[a, b]`, or empty. */
export function parseConfigList(value: string): string[] {
  const trimmed = value.trim().replace(/^\[(.*)\]$/, '$1');
  return trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
}

/** Undefined when `raw` is a valid value of `name` under `rule`, else Kafka's error text. */
export function validateConfigValue(name: string, rule: ConfigValueRule, raw: string): string | undefined {
  const value = raw.trim();
  switch (rule.type) {
    case 'LONG': {
      if (!INTEGER.test(value)) return `Invalid value ${raw} for configuration ${name}: Not a number of type LONG`;
      const b = BigInt(value);
      if (b < INT64_MIN || b > INT64_MAX) return `Invalid value ${raw} for configuration ${name}: Not a number of type LONG`;
      return checkBounds(name, rule, value, Number(b));
    }
    case 'INT': {
      if (!INTEGER.test(value)) return `Invalid value ${raw} for configuration ${name}: Not a number of type INT`;
      const n = Number(value);
      if (n < -2147483648 || n > 2147483647) return `Invalid value ${raw} for configuration ${name}: Not a number of type INT`;
      return checkBounds(name, rule, value, n);
    }
    case 'DOUBLE': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) return `Invalid value ${raw} for configuration ${name}: Not a number of type DOUBLE`;
      return checkBounds(name, rule, value, n);
    }
    case 'BOOLEAN': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') return `Invalid value ${raw} for configuration ${name}: Expected value to be either true or false`;
      return undefined;
    }
    case 'STRING': {
      if (rule.oneOf && !rule.oneOf.includes(value)) return `Invalid value ${raw} for configuration ${name}: String must be one of: ${rule.oneOf.join(', ')}`;
      return undefined;
    }
    case 'LIST': {
      const items = parseConfigList(value);
      if (rule.oneOf) {
        for (const item of items) {
          if (!rule.oneOf.includes(item)) return `Invalid value ${item} for configuration ${name}: String must be one of: ${rule.oneOf.join(', ')}`;
        }
      }
      if (rule.nonEmpty && items.length === 0) return `Invalid value ${raw} for configuration ${name}: Empty list`;
      return undefined;
    }
  }
}

/**
 * A valid LONG/INT as a number; int64 values beyond 2^53 (Kafka's Long.MAX_VALUE "never"
 * defaults) clamp to the safe range, which still means "never".
 */
export function configNumber(value: string): number {
  const text = value.trim();
  if (!INTEGER.test(text)) return Number(text);
  const b = BigInt(text);
  if (b > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (b < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(b);
}

/** A valid BOOLEAN as a boolean. */
export function configBoolean(value: string): boolean {
  return value.trim().toLowerCase() === 'true';
}
