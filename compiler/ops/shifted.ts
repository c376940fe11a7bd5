import { stridesOf } from '../shape.js';
import { keptShape } from './reduce.js';
import { forEachIndex, offsetOf } from './indices.js';
import type { Tensor } from './op.js';

/**
 * What logsumexp and log_softmax share: along `axes`, the max m of x and s = Σ exp(x − m), one
 * pair per slot of the reduced shape. Every exponent is ≤ 0, so nothing overflows.
 */
export interface Shifted {
  readonly m: Float64Array;
  readonly s: Float64Array;
  /** The slot of an index of x. */
  slot(index: readonly number[]): number;
}

export function evaluateShifted(x: Tensor, axes: readonly number[]): Shifted {
  const slots = stridesOf(keptShape(x.shape, axes) as number[]).map((s, a) => (axes.includes(a) ? 0 : s));
  const size = x.shape.reduce((n, d, a) => (axes.includes(a) ? n : n * d), 1);
  const m = new Float64Array(size).fill(-Infinity);
  const s = new Float64Array(size);
  const slot = (index: readonly number[]) => offsetOf(index, slots);
  forEachIndex(x.shape, (index, flat) => {
    const o = slot(index);
    m[o] = Math.max(m[o], x.data[flat]);
  });
  forEachIndex(x.shape, (index, flat) => {
    const o = slot(index);
    s[o] += Math.exp(x.data[flat] - m[o]);
  });
  return { m, s, slot };
}
