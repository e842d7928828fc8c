import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, found from this file so tests do not depend on the working directory. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Text of a project fixture in `tests/fixtures/x12/` (test support only). */
export function x12Fixture(name: string): string {
  return readFileSync(path.join(repoRoot, 'tests/fixtures/x12', name), 'utf8');
}

/**
 * Folder of public 835 samples: `$X12_835_CORPUS_DIR` when set (even to a missing folder, to force
 * a skip), else `shared/data/x12-835` beside the clone or under /work; `undefined` when absent (a
 * user's clone may not have it).
 */
export function x12CorpusDir(): string | undefined {
  const override = process.env.X12_835_CORPUS_DIR;
  const candidates = override
    ? [override]
    : [path.resolve(repoRoot, '../shared/data/x12-835'), '/work/shared/data/x12-835'];
  return candidates.find((dir) => existsSync(dir));
}
