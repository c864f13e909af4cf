// `consume --filter EXPR`: which records to print. An expression is TARGET OP OPERAND:
//   TARGET  key | value | header.NAME | $.json.path (a JSON path into the value, e.g. $.user.id
//           or $.items[0].sku; a value that is not JSON never matches)
//   OP      ~  the target's text matches the regular expression OPERAND (JavaScript syntax)
//           == / != the target equals / differs from OPERAND (for a JSON path, OPERAND is read
//           as JSON when it parses — 42, true, null, "x" — else as a string)
// A null or missing target never matches `~` or `==`, and always matches `!=`. Several
// --filter flags must all match. Pure.
import { StreamctlError } from '../common/errors.js';
import type { ConsumedRecord } from './message-formatter.js';

export type RecordFilter = (record: ConsumedRecord) => boolean;

type Op = '~' | '==' | '!=';

const MISSING = Symbol('missing');

function parsePath(path: string, expr: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/gy;
  re.lastIndex = 1; // after '$'
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) throw new StreamctlError('USAGE', `Invalid JSON path in --filter '${expr}': use $.field.sub, $.list[0] or $["odd key"]`);
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
  }
  return steps;
}

function walk(value: unknown, steps: Array<string | number>): unknown {
  let v = value;
  for (const s of steps) {
    if (v === null || typeof v !== 'object' || !(s in (v as object))) return MISSING;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** Compiles one --filter expression; throws USAGE naming what is wrong. */
export function compileRecordFilter(expr: string): RecordFilter {
  const m = /^(.*?)(==|!=|~)(.*)$/s.exec(expr);
  if (!m || m[1]!.trim() === '') {
    throw new StreamctlError('USAGE', `Invalid --filter '${expr}': expected TARGET~REGEX, TARGET==VALUE or TARGET!=VALUE with TARGET key, value, header.NAME or $.json.path`);
  }
  const target = m[1]!.trim();
  const op = m[2] as Op;
  const operand = m[3]!;
  let regex: RegExp | undefined;
  if (op === '~') {
    try {
      regex = new RegExp(operand);
    } catch (error) {
      throw new StreamctlError('USAGE', `Invalid regular expression in --filter '${expr}': ${(error as Error).message}`);
    }
  }
  const compare = (actual: string | null): boolean => {
    if (op === '~') return actual !== null && regex!.test(actual);
    return op === '==' ? actual === operand : actual !== operand;
  };
  if (target === 'key') return (r) => compare(r.key === null ? null : r.key.toString('utf8'));
  if (target === 'value') return (r) => compare(r.value === null ? null : r.value.toString('utf8'));
  if (target.startsWith('header.') && target.length > 'header.'.length) {
    const name = target.slice('header.'.length);
    return (r) => {
      const values = r.headers.filter(([k]) => k === name).map(([, v]) => (v === null ? null : v.toString('utf8')));
      if (op === '!=') return values.every((v) => compare(v));
      return values.some((v) => compare(v));
    };
  }
  if (target.startsWith('$')) {
    const steps = parsePath(target, expr);
    let expected: unknown = operand;
    try {
      expected = JSON.parse(operand);
    } catch {
      // not JSON: compared as a string
    }
    return (r) => {
      let found: unknown = MISSING;
      if (r.value !== null) {
        try {
          found = walk(JSON.parse(r.value.toString('utf8')), steps);
        } catch {
          found = MISSING;
        }
      }
      if (op === '~') return found !== MISSING && found !== null && regex!.test(typeof found === 'string' ? found : JSON.stringify(found));
      const equal = found !== MISSING && JSON.stringify(found) === JSON.stringify(expected);
      return op === '==' ? equal : !equal;
    };
  }
  throw new StreamctlError('USAGE', `Invalid --filter target '${target}': use key, value, header.NAME or a JSON path starting with $`);
}

/** All filters must match (no filter: every record). */
export function compileRecordFilters(exprs: readonly string[] | undefined): RecordFilter | undefined {
  if (!exprs || exprs.length === 0) return undefined;
  const filters = exprs.map((e) => compileRecordFilter(e));
  return (r) => filters.every((f) => f(r));
}
