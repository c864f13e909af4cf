// `lag --watch`'s trend: the lag of every group and topic recorded per sample in the session
// history and drawn as a text sparkline column (the same series the dashboard draws). Pure.
import { type GroupLag, lagTable } from '../engine/client/consumer-lag.js';
import { type SeriesHistory, sparkline } from './history.js';
import { seriesKey } from './record-history.js';

/** Points of the TREND column. */
export const LAG_TREND_WIDTH = 20;

const topicKey = (group: string, topic: string) => `lag:${group}:${topic}`;

/** Records one `groupLag` sample. */
export function recordLag(history: SeriesHistory, lag: GroupLag[]): void {
  for (const g of lag) {
    history.record(seriesKey.groupLag(g.group), Number(g.totalLag));
    for (const t of g.topics) history.record(topicKey(g.group, t.topic), Number(t.lag));
  }
}

/** The `lag` table plus a TREND column: the lag of each row over the samples so far. */
export function lagTrendTable(lag: GroupLag[], history: SeriesHistory): { headers: string[]; rows: string[][] } {
  const { headers, rows } = lagTable(lag);
  const trends: string[] = [];
  for (const g of lag) {
    for (const t of g.topics) trends.push(sparkline(history.values(topicKey(g.group, t.topic)), LAG_TREND_WIDTH));
    trends.push(sparkline(history.values(seriesKey.groupLag(g.group)), LAG_TREND_WIDTH));
  }
  return { headers: [...headers, 'TREND'], rows: rows.map((r, i) => [...r, trends[i] ?? '']) };
}
