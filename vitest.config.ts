import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sockets and child processes: generous per-test budgets, never timing assertions.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Fail instead of skipping: a test marked .only or .skip must not land.
    allowOnly: false,
  },
});
