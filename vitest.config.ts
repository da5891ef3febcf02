import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests spawn many real git and node processes; two workers match the machines' two cores.
    pool: 'forks',
    maxWorkers: 2,
    // The race tests run hundreds of real processes; on a loaded two-core machine the heaviest took two
    // minutes. A time limit is for a hung test, not a slow one: a test that can still finish is not failed.
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
