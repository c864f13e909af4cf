import { describe, expect, it } from 'vitest';
import { KAFKA_SPOUT_RETRY_DEFAULTS, KafkaSpoutRetry, retrySettings } from '../../../src/engine/connectors/kafka-spout-retry.js';

describe('KafkaSpoutRetry', () => {
  it('uses storm-kafka-client’s defaults: 0 ms, then 2 ms × 2^(n-1), capped at 10 s, never giving up', () => {
    const r = new KafkaSpoutRetry(retrySettings({}, {}));
    expect(r.settings).toEqual(KAFKA_SPOUT_RETRY_DEFAULTS);
    expect([1, 2, 3, 10, 13, 14, 40].map((n) => r.delayMs(n))).toEqual([0, 4, 8, 1024, 8192, 10_000, 10_000]);
  });

  it('hands out due replays soonest first, skipping those removed or rescheduled', () => {
    const r = new KafkaSpoutRetry<string>({ initialDelayMs: 0, delayPeriodMs: 100, maxRetries: 10, maxDelayMs: 10_000 });
    r.schedule('a', 'a', 0); // due 0
    r.schedule('b', 'b', 0); // due 0
    expect(r.takeReady(0)).toBeDefined();
    expect(r.takeReady(0)).toBeDefined();
    r.schedule('a', 'a', 50); // 2nd failure: due 250
    r.schedule('b', 'b', 0); // 2nd failure: due 200
    r.schedule('c', 'c', 120); // due 120
    r.schedule('d', 'd', 0); // due 0, then removed (acked)
    r.remove('d');
    expect(r.takeReady(100)).toBeUndefined();
    expect([r.takeReady(300), r.takeReady(300), r.takeReady(300), r.takeReady(300)]).toEqual(['c', 'b', 'a', undefined]);
    expect(r.failures('a')).toBe(2);
    expect(r.size).toBe(0);
  });

  it('stops scheduling a key after maxRetries failures and forgets it', () => {
    const r = new KafkaSpoutRetry<string>({ ...KAFKA_SPOUT_RETRY_DEFAULTS, maxRetries: 1 });
    expect(r.schedule('k', 'k', 0)).toBe(1);
    expect(r.takeReady(0)).toBe('k');
    expect(r.schedule('k', 'k', 0)).toBe(false);
    expect(r.failures('k')).toBe(0);
    expect(r.takeReady(1e9)).toBeUndefined();
  });
});
