export { seededRandom } from '../../common/random.js';

export function uniformArray(random: () => number, size: number, [lo, hi]: readonly [number, number]): Float64Array {
  return Float64Array.from({ length: size }, () => lo + (hi - lo) * random());
}
