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

/**
 * The seeded inits of SPEC §1, flat: `uniform` on [a, b), or `normal` with mean a and standard
 * deviation b (Box–Muller, two draws per value). Generated modules carry the same lines
 * (compiler/codegen/seeded.ts), so a module's initial params are these values.
 */
export function seededValues(kind: 'normal' | 'uniform', a: number, b: number, seed: number, size: number): Float64Array {
  const random = seededRandom(seed);
  const values = new Float64Array(size);
  if (kind === 'uniform') for (let i = 0; i < size; i++) values[i] = a + (b - a) * random();
  else for (let i = 0; i < size; i++) values[i] = a + b * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return values;
}
