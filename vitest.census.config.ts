import { defineConfig } from 'vitest/config';

/** `npm run fuzz:census`: only the census of the derivative fuzzer (tests/fuzz/census.run.ts), which `npm test` leaves out. */
export default defineConfig({
  test: {
    include: ['tests/fuzz/census.run.ts'],
    testTimeout: 3_600_000,
  },
});
