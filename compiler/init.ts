import { seededValues } from '../common/random.js';

/** How a param starts (SPEC §1 `init`): given values, one value everywhere, or seeded random values. */
export type ParamInit =
  | { readonly kind: 'values'; readonly values: ArrayLike<number> }
  | { readonly kind: 'fill'; readonly value: number }
  | { readonly kind: 'normal' | 'uniform'; readonly a: number; readonly b: number; readonly seed: number };

/** The flat row-major values of an init with `size` entries. */
export function initValues(init: ParamInit, size: number): Float64Array {
  switch (init.kind) {
    case 'values':
      return Float64Array.from(init.values);
    case 'fill':
      return new Float64Array(size).fill(init.value);
    default:
      return seededValues(init.kind, init.a, init.b, init.seed, size);
  }
}
