// Small formatting helpers shared by nimbus's REST views and the topology commands: Storm
// UI's pretty uptime ("1d 2h 0m 5s") and 3-decimal number strings. Pure.

/** Storm UI's prettyUptimeSec: leading zero units dropped, inner ones kept ("1m 5s", "3h 0m 0s"). */
export function prettyUptime(secs: number): string {
  let rest = Math.max(0, Math.floor(secs));
  const s = rest % 60;
  rest = Math.floor(rest / 60);
  const m = rest % 60;
  rest = Math.floor(rest / 60);
  const h = rest % 24;
  const d = Math.floor(rest / 24);
  const parts: Array<[number, string]> = [
    [d, 'd'],
    [h, 'h'],
    [m, 'm'],
    [s, 's'],
  ];
  const first = parts.findIndex(([v]) => v > 0);
  return parts
    .slice(first === -1 ? 3 : first)
    .map(([v, u]) => `${v}${u}`)
    .join(' ');
}

/** Storm UI's latency/capacity strings: 3 decimals. */
export function fixed3(value: number): string {
  return (Number.isFinite(value) ? value : 0).toFixed(3);
}
