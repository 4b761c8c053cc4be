import { defineConfig } from 'vitest/config';

// The end-to-end test: real Chromium, the built extension, the real native host and engine.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
