// Paced load for the latency probes: a timer ticking once per batch interval sends every batch
// due by then (no busy loop: the machine has 2 cores). send(i) is called for i = 0..total-1,
// in order.
export function sendPaced(rate: number, perBatch: number, total: number, send: (i: number) => void): Promise<void> {
  const started = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((((performance.now() - started) / 1000) * rate) / perBatch));
      while (sent < due) send(sent++);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, Math.max(1, Math.floor((perBatch / rate) * 1000)));
  });
}
