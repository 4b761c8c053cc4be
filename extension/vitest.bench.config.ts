import { defineConfig } from 'vitest/config';

// bench_bridge: round trips through Chromium's real native messaging (npm run bench:bridge).
export default defineConfig({
  test: {
    include: ['tests/bench/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
