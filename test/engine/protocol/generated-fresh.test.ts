import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSharedDir, outputDir, renderAll } from '../../../scripts/generate-protocol.js';

const haveShared = existsSync(join(defaultSharedDir, 'messages'));
if (!haveShared) {
  console.warn(`shared Kafka schemas not found at ${defaultSharedDir}: skipping the generated-code staleness check`);
}

describe.runIf(haveShared)('generated protocol code', () => {
  it('matches what the generator writes from the current schemas', () => {
    for (const [name, content] of renderAll()) {
      const committed = readFileSync(join(outputDir, name), 'utf8');
      expect(committed === content, `${name} is stale: run npm run generate`).toBe(true);
    }
  });
});
