import type { Attrs } from '../graph.js';
import { normalizeAxes, stridesOf, type Shape } from '../shape.js';
import { forEachIndex, offsetOf } from './indices.js';
import type { Data, KeywordSpec, Tensor } from './op.js';

/** Shared by reductions: `axis` (a number or list; none = all) and `keepdims`. */
export const reduceKeywords: Record<string, KeywordSpec> = { axis: { kind: 'axes' }, keepdims: { kind: 'boolean' } };

/** Normalised attributes `{ axes, keepdims }` and the reduced shape. */
export function inferReduce([shape]: readonly Shape[], attrs: Attrs): { shape: Shape; attrs: Attrs } {
  const axes = normalizeAxes((attrs.axes ?? attrs.axis) as number | number[] | undefined, shape.length);
  const keepdims = attrs.keepdims === true;
  const reduced = shape.flatMap((d, a) => (axes.includes(a) ? (keepdims ? [1] : []) : [d]));
  return { shape: reduced, attrs: { axes, keepdims } };
}

/** The input's shape with reduced axes kept as 1 (how a reduced result broadcasts back). */
export function keptShape(shape: Shape, axes: readonly number[]): Shape {
  return shape.map((d, a) => (axes.includes(a) ? 1 : d));
}

/** Reference reduction: fold every input element into its output slot. */
export function evaluateReduce(
  out: Data,
  [x]: readonly Tensor[],
  attrs: Attrs,
  initial: number,
  combine: (acc: number, v: number) => number,
): void {
  const axes = attrs.axes as number[];
  const outStrides = stridesOf(keptShape(x.shape, axes) as number[]).map((s, a) => (axes.includes(a) ? 0 : s));
  const acc = new Float64Array(out.length).fill(initial);
  forEachIndex(x.shape, (index, flat) => {
    const o = offsetOf(index, outStrides);
    acc[o] = combine(acc[o], x.data[flat]);
  });
  out.set(acc);
}
