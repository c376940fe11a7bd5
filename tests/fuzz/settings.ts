import type * as fc from 'fast-check';
import { expect } from 'vitest';
import { SymgradError } from '../../compiler/errors.js';

/**
 * How long the fuzzers run. `npm test` makes a short seeded pass under a time limit;
 * SYMGRAD_FUZZ_RUNS=5000 runs every property that many times with no time limit, and
 * SYMGRAD_FUZZ_SEED=n replays another seed (fast-check prints the seed and path of a failure).
 */
const longRuns = Number(process.env.SYMGRAD_FUZZ_RUNS) || undefined;
const seed = Number(process.env.SYMGRAD_FUZZ_SEED) || 20261122;

export function fuzzOptions<T>(shortRuns: number, shortSeconds: number): fc.Parameters<T> {
  return longRuns ? { seed, numRuns: longRuns } : { seed, numRuns: shortRuns, interruptAfterTimeLimit: shortSeconds * 1000 };
}

/** The vitest timeout of a property given `fuzzOptions(_, shortSeconds)`. */
export function fuzzTimeout(shortSeconds: number): number {
  return longRuns ? longRuns * 2000 : (shortSeconds + 30) * 1000;
}

/** Calls `parse`; a failure must be a SymgradError on one printable line. Fails a case slower than `ms`. */
export function parseBounded<T>(parse: () => T, ms = 2000): { value: T } | { error: SymgradError } {
  const started = performance.now();
  try {
    return { value: parse() };
  } catch (error) {
    if (!(error instanceof SymgradError)) throw error;
    expect(error.message).toMatch(/^[\x20-\x7e≥]+$/);
    return { error };
  } finally {
    expect(performance.now() - started).toBeLessThan(ms);
  }
}
