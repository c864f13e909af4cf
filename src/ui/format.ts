// Pure text helpers for the dashboard components: numbers, rates, ages and fixed-width
// table lines. No React, no I/O.
import { padRight } from '../engine/common/text-table.js';

/** '-' for unknown values, else the decimal text (bigint, number or string). */
export function cell(value: bigint | number | string | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

/** Records per second: '-' unknown, one decimal below 10, whole numbers above. */
export function rate(perSec: number | null): string {
  if (perSec === null) return '-';
  return perSec < 10 ? perSec.toFixed(1) : Math.round(perSec).toString();
}

/** Clock time of a snapshot, HH:MM:SS local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Column widths: each as wide as its widest cell. */
export function columnWidths(headers: string[], rows: string[][]): number[] {
  return headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
}

/** One table line: cells padded to `widths`, two spaces apart, no trailing blanks. */
export function tableLine(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : padRight(c, (widths[i] ?? 0) + 2)))
    .join('')
    .trimEnd();
}
