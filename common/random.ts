/**
 * mulberry32, a small well-known 32-bit generator of uniform numbers in [0, 1): the one stream
 * behind param inits, mini-batch shuffling, check's random points and the tests, so the same
 * seed gives the same values everywhere.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
