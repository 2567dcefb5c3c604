// Shared vitest settings. Database tests are slow to boot (PGlite WASM), so timeouts are generous.
export const baseTestConfig = {
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
};
