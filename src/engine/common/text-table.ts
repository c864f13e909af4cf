// Plain-text table helpers shared by the CLI and engine formatters: aligned columns in the
// Kafka/rpk style (padded, no borders) and Java-like fixed-width %-Ns columns.

/** Left-aligns `value` in a field of `width` characters, like Java's %-Ns. */
export function padRight(value: string, width: number): string {
  return value.length >= width ? value : value + ' '.repeat(width - value.length);
}

/**
 * Renders rows as a table with upper-case headers; each column is as wide as its widest cell
 * (at least `minWidth`) and columns are separated by `gap` spaces (rpk style: 2).
 */
export function renderTable(headers: string[], rows: string[][], options: { gap?: number; minWidth?: number } = {}): string {
  const gap = options.gap ?? 2;
  const minWidth = options.minWidth ?? 0;
  const widths = headers.map((h, i) => Math.max(minWidth, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : padRight(c, widths[i]! + gap)))
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
