import { stridesOf } from '../shape.js';
import { keptShape } from './reduce.js';
import { forEachIndex, loopNest, offsetOf, strideExprs } from './loops.js';
import type { KernelContext, Tensor } from './op.js';
import { plus } from './region.js';

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

/**
 * Kernel lines: outer loops over the kept axes, inner loops over the reduced ones (the order of
 * evaluateShifted). `finish` gets the variables holding m and s, the slot's offset in the kept
 * shape, and `inner`, which loops over the slot's entries (`at` is their offset in x).
 */
export function emitShifted(
  k: KernelContext,
  finish: (m: string, s: string, slot: string, inner: (body: (at: string) => string) => string[]) => string[],
): string[] {
  const { node, ins } = k;
  const x = node.inputs[0];
  const axes = node.attrs.axes as number[];
  const xStrides = strideExprs(k, x.shape);
  const keptAxes = x.shape.map((_, a) => a).filter((a) => !axes.includes(a));
  const keptDims = keptAxes.map((a) => x.shape[a]);
  const [m, s] = [k.local('m'), k.local('s')];
  return loopNest(k, keptDims, [strideExprs(k, keptDims), keptAxes.map((a) => xStrides[a])], ([slot, base]) => {
    const inner = (body: (at: string) => string) =>
      loopNest(k, axes.map((a) => x.shape[a]), [axes.map((a) => xStrides[a])], ([r]) => [body(plus(base, r))]);
    return [
      `let ${m} = -Infinity;`,
      ...inner((at) => `${m} = Math.max(${m}, ${ins[0]}[${at}]);`),
      `let ${s} = 0;`,
      ...inner((at) => `${s} += Math.exp(${ins[0]}[${at}] - ${m});`),
      ...finish(m, s, slot, inner),
    ];
  });
}
