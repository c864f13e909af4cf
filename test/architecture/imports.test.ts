// Layering and cycle checks over src/ (DESIGN.md "Allowed imports run downward"): the engine
// never imports the CLI, commands or UI; broker and controller never import each other;
// nothing imports commands; the Storm model (topology/) never imports its runtime; and the
// module graph has no cycles.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

const files = walk(root);
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2]!;
    const target = resolve(dirname(file), spec).replace(/\.js$/, '');
    const candidates = [`${target}.ts`, `${target}.tsx`, join(target, 'index.ts')];
    const found = candidates.find((c) => files.includes(c));
    if (found) out.push(found);
  }
  return out;
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(root, f);

describe('module graph', () => {
  it('keeps the engine free of CLI, command and UI imports', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      rel(f).startsWith('engine/') ? deps.filter((d) => /^(cli|commands|ui)\//.test(rel(d))).map((d) => `${rel(f)} -> ${rel(d)}`) : [],
    );
    expect(bad).toEqual([]);
  });

  it('never imports a command module', () => {
    const bad = [...graph].flatMap(([f, deps]) => deps.filter((d) => rel(d).startsWith('commands/')).map((d) => `${rel(f)} -> ${rel(d)}`));
    expect(bad).toEqual([]);
  });

  it('keeps broker and controller independent of each other', () => {
    const bad = [...graph].flatMap(([f, deps]) => {
      const from = rel(f);
      return deps
        .filter(
          (d) =>
            (from.startsWith('engine/broker/') && rel(d).startsWith('engine/controller/')) ||
            (from.startsWith('engine/controller/') && rel(d).startsWith('engine/broker/')),
        )
        .map((d) => `${from} -> ${rel(d)}`);
    });
    expect(bad).toEqual([]);
  });

  it('keeps the Storm model (topology/) free of runtime imports', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      rel(f).startsWith('engine/topology/') ? deps.filter((d) => rel(d).startsWith('engine/runtime/')).map((d) => `${rel(f)} -> ${rel(d)}`) : [],
    );
    expect(bad).toEqual([]);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(f)), f].map(rel).join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
