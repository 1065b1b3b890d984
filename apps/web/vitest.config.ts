import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** Les scénarios dans l'ordre de leur numéro (1-…, 2-…) : des journaux et des captures reproductibles. */
class ByFileName extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

/**
 * Tests de bout en bout dans un vrai navigateur (Chromium + playwright-core) : `npm run test:e2e`.
 * e2e/global-setup.ts prépare une base neuve, l'API et l'application web construite, puis les arrête.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    // Une base partagée et une machine à deux cœurs : un fichier (un scénario) à la fois.
    fileParallelism: false,
    sequence: { sequencer: ByFileName },
    testTimeout: 90_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
