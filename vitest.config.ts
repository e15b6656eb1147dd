import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two tiers. fast: every unit, fixture, contract and CLI test (run after every edit:
// `npm run test:fast`). full: the fast tier plus the examples and bench modules, which run
// against a fresh build of dist/ (`npm test`, what CI runs).
export default defineConfig({
  test: {
    // Every core: vitest's default leaves one free, which on a 2-core CI machine runs the files one at a time.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    // Hooks train the small models the tests share; on a loaded machine they take longer than the 10 s default.
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts', 'src/**/*.test.ts'], exclude: ['test/full/**'] } },
      { extends: true, test: { name: 'full', include: ['test/full/**/*.test.ts'], globalSetup: ['test/full/build.ts'] } },
    ],
  },
});
