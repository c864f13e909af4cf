// The unit every dashboard view renders to: lines of text with an optional colour, cut to the
// terminal's width (never wrapped), plus table and section helpers. Pure.
import { columnWidths, tableLine } from '../format.js';

export interface Line {
  text: string;
  color?: string | undefined;
  bold?: boolean;
  inverse?: boolean;
}

/** Cuts a line to `width` columns (an ellipsis marks the cut). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function section(title: string): Line {
  return { text: title, bold: true, color: 'cyan' };
}

/** A header line and one line per row, columns padded to the widest cell. */
export function tableLines(headers: string[], rows: string[][], colors: Array<string | undefined> = []): Line[] {
  const widths = columnWidths(headers, rows);
  return [{ text: tableLine(headers, widths), bold: true }, ...rows.map((r, i) => ({ text: tableLine(r, widths), color: colors[i] }))];
}

/** "12.3 KiB" style sizes; '-' for unknown. */
export function bytes(n: number | null): string {
  if (n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** Printable text of record bytes: UTF-8, control characters escaped; 'null' for none. */
export function printable(b: Buffer | null, max = 200): string {
  if (b === null) return 'null';
  // eslint-disable-next-line no-control-regex -- escapes control characters so a record cannot move the cursor
  return b.subarray(0, max).toString('utf8').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
