// kcat/rpk-style format strings for `consume --format '%t %p %o %k %v %h %T\n'`: a template
// of %-tokens and backslash escapes, compiled once and applied to each record. Pure.
//
// Tokens: %t topic · %p partition · %o offset · %k key · %K key length (-1 for null) ·
// %v (or kcat's %s) value · %S value length (-1 for null) · %h headers as k=v,k=v ·
// %T timestamp (ms) · %% a literal %. Escapes: \n \r \t \\ \xHH. A null key, value or header
// value prints as nothing.
import { StreamctlError } from '../common/errors.js';
import type { ConsumedRecord } from './message-formatter.js';

type Part = Buffer | ((r: ConsumedRecord) => Buffer);

const text = (s: string | number | bigint) => Buffer.from(String(s), 'utf8');
const EMPTY = Buffer.alloc(0);

const TOKENS: Record<string, (r: ConsumedRecord) => Buffer> = {
  t: (r) => text(r.topic),
  p: (r) => text(r.partition),
  o: (r) => text(r.offset),
  k: (r) => r.key ?? EMPTY,
  K: (r) => text(r.key === null ? -1 : r.key.length),
  v: (r) => r.value ?? EMPTY,
  s: (r) => r.value ?? EMPTY,
  S: (r) => text(r.value === null ? -1 : r.value.length),
  h: (r) => Buffer.concat(r.headers.flatMap(([k, v], i) => [text(`${i > 0 ? ',' : ''}${k}=`), v ?? EMPTY])),
  T: (r) => text(r.timestamp),
};

export const FORMAT_TOKENS = Object.keys(TOKENS);

/** Compiles a format string; throws USAGE naming an unknown token or escape. */
export function compileRecordFormat(format: string): (record: ConsumedRecord) => Buffer {
  const parts: Part[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(Buffer.from(literal, 'latin1'));
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%') {
      const t = format[++i];
      if (t === '%') {
        literal += '%';
        continue;
      }
      const token = t === undefined ? undefined : TOKENS[t];
      if (!token) throw new StreamctlError('USAGE', `Unknown token '%${t ?? ''}' in --format: use %t %p %o %k %K %v %s %S %h %T or %%`);
      flush();
      parts.push(token);
    } else if (c === '\\') {
      const e = format[++i];
      if (e === 'n') literal += '\n';
      else if (e === 'r') literal += '\r';
      else if (e === 't') literal += '\t';
      else if (e === '\\') literal += '\\';
      else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(format.slice(i + 1, i + 3))) {
        literal += String.fromCharCode(parseInt(format.slice(i + 1, i + 3), 16));
        i += 2;
      } else throw new StreamctlError('USAGE', `Unknown escape '\\${e ?? ''}' in --format: use \\n \\r \\t \\\\ or \\xHH`);
    } else {
      // Literal text keeps its UTF-8 bytes: encode now, as latin1 chunks carry only the escapes.
      flush();
      parts.push(Buffer.from(c, 'utf8'));
    }
  }
  flush();
  return (record) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : p(record))));
}
