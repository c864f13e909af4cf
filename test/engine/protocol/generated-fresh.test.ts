import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSharedDir, generatedFiles, outputDir, renderAll } from '../../../scripts/generate-protocol.js';

const haveShared = existsSync(join(defaultSharedDir, 'messages'));
if (!haveShared) {
  console.warn(`shared Kafka schemas not found at ${defaultSharedDir}: skipping the generated-code staleness check`);
}

describe.runIf(haveShared)('generated protocol code', () => {
  it('matches what the generator writes from the current schemas', () => {
    const files = renderAll();
    for (const [name, content] of files) {
      const committed = existsSync(join(outputDir, name)) ? readFileSync(join(outputDir, name), 'utf8') : '(missing)';
      expect(committed === content, `${name} is stale: run npm run generate`).toBe(true);
    }
    expect(generatedFiles().filter((f) => !files.has(f)), 'files the generator no longer writes').toEqual([]);
  });
});
