import { describe, expect, it } from 'vitest';
import { createGrouper } from '../../../src/engine/runtime/groupers/grouper.js';
import { hashValues } from '../../../src/engine/runtime/groupers/stable-hash.js';

const tasks = [5, 6, 7, 8];
const none = new Set<number>();
const words = Array.from({ length: 2000 }, (_, i) => `word-${i}`);

describe('groupers', () => {
  it('fields grouping sends equal keys to the same task and spreads keys over all tasks', () => {
    const g = createGrouper({ grouping: { type: 'fields', fields: ['word'] }, targetTasks: tasks, streamFields: ['n', 'word'], localTasks: none });
    const g2 = createGrouper({ grouping: { type: 'fields', fields: ['word'] }, targetTasks: [8, 7, 6, 5], streamFields: ['n', 'word'], localTasks: none });
    const perTask = new Map<number, number>();
    for (const w of words) {
      const [t] = g.chooseTasks(1, [0, w]);
      expect(g.chooseTasks(2, [99, w])).toEqual([t]);
      expect(g2.chooseTasks(3, [1, w])).toEqual([t]);
      perTask.set(t!, (perTask.get(t!) ?? 0) + 1);
    }
    expect([...perTask.keys()].sort()).toEqual(tasks);
    for (const n of perTask.values()) expect(n).toBeGreaterThan(350);
  });

  it('hashes values stably (fixed numbers, not identity)', () => {
    expect(hashValues(['apple'])).toBe(hashValues(['apple']));
    expect(hashValues([{ a: 1 }])).toBe(hashValues([{ a: 1 }]));
    expect(hashValues(['apple'])).toBe(-1459472314);
  });

  it('fields grouping on several fields uses all of them', () => {
    const g = createGrouper({ grouping: { type: 'fields', fields: ['a', 'b'] }, targetTasks: tasks, streamFields: ['a', 'b'], localTasks: none });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(g.chooseTasks(1, ['x', i])[0]!);
    expect(seen.size).toBe(4);
  });

  it('shuffle grouping is even: every task once per round', () => {
    const g = createGrouper({ grouping: { type: 'shuffle' }, targetTasks: tasks, streamFields: [], localTasks: none });
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const [t] = g.chooseTasks(1, []);
      counts.set(t!, (counts.get(t!) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([100, 100, 100, 100]);
  });

  it('all grouping returns every task; global the lowest; direct none', () => {
    expect(createGrouper({ grouping: { type: 'all' }, targetTasks: [7, 5, 6], streamFields: [], localTasks: none }).chooseTasks(1, [])).toEqual([5, 6, 7]);
    expect(createGrouper({ grouping: { type: 'global' }, targetTasks: [7, 5, 6], streamFields: [], localTasks: none }).chooseTasks(1, [])).toEqual([5]);
    expect(createGrouper({ grouping: { type: 'direct' }, targetTasks: tasks, streamFields: [], localTasks: none }).chooseTasks(1, [])).toEqual([]);
  });

  it('local-or-shuffle prefers tasks in the same worker and falls back to all', () => {
    const local = createGrouper({ grouping: { type: 'local-or-shuffle' }, targetTasks: tasks, streamFields: [], localTasks: new Set([6, 8, 42]) });
    const chosen = new Set<number>();
    for (let i = 0; i < 100; i++) chosen.add(local.chooseTasks(1, [])[0]!);
    expect([...chosen].sort()).toEqual([6, 8]);
    const remote = createGrouper({ grouping: { type: 'local-or-shuffle' }, targetTasks: tasks, streamFields: [], localTasks: new Set([1]) });
    const all = new Set<number>();
    for (let i = 0; i < 100; i++) all.add(remote.chooseTasks(1, [])[0]!);
    expect(all.size).toBe(4);
  });

  it('partial-key grouping splits a hot key over two tasks evenly', () => {
    const g = createGrouper({ grouping: { type: 'partial-key', fields: ['k'] }, targetTasks: tasks, streamFields: ['k'], localTasks: none });
    const counts = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const [t] = g.chooseTasks(1, ['hot']);
      counts.set(t!, (counts.get(t!) ?? 0) + 1);
    }
    expect(counts.size).toBe(2);
    for (const n of counts.values()) expect(n).toBe(500);
  });

  it('custom grouping delegates to the user and refuses tasks outside the target', () => {
    const g = createGrouper({
      grouping: { type: 'custom', customName: 'x' },
      targetTasks: tasks,
      streamFields: ['n'],
      localTasks: none,
      custom: { prepare() {}, chooseTasks: (_t, v) => [(v[0] as number) === 1 ? 5 : 99] },
    });
    expect(g.chooseTasks(1, [1])).toEqual([5]);
    expect(() => g.chooseTasks(1, [2])).toThrow('Custom grouping chose task 99');
  });
});
