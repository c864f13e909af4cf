// Props-only table: a bold header line and one line per row, columns padded to the widest
// cell; with `maxRows`, extra rows collapse into a "… N more" line.
import { Text } from 'ink';
import { columnWidths, tableLine } from '../format.js';

export interface TableProps {
  headers: string[];
  rows: string[][];
  /** Rows shown before "… N more"; all when undefined. */
  maxRows?: number | undefined;
  /** Per-row text colour (e.g. red for a broker that is down). */
  rowColor?: (index: number) => string | undefined;
}

export function Table({ headers, rows, maxRows, rowColor }: TableProps) {
  const widths = columnWidths(headers, rows);
  const shown = maxRows === undefined ? rows : rows.slice(0, maxRows);
  const hidden = rows.length - shown.length;
  return (
    <>
      <Text bold>{tableLine(headers, widths)}</Text>
      {shown.map((r, i) => (
        <Text key={i} color={rowColor?.(i)}>
          {tableLine(r, widths)}
        </Text>
      ))}
      {hidden > 0 ? <Text dimColor>{`… ${hidden} more (focus this panel to see all)`}</Text> : null}
    </>
  );
}
