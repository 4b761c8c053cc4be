import { defineConfig } from 'vitest/config';

// Unit tests: pure modules only (URL recognition, the port protocols, panel state, errors).
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
