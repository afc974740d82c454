import { defineConfig } from 'vitest/config';

// Unit, storage, service and API tests of every package; the browser tests live in e2e/ with their own config.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
