import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { ShapeError, stridesOf, type Dim, type Shape } from '../shape.js';
import { forEachIndex, offsetOf } from './indices.js';
import { defineOp, type OpBuilder } from './op.js';
import { pad } from './pad.js';

/**
 * The box start ≤ index < stop, one entry per axis; negative entries count from the end, and
 * bounds beyond the axis clamp to it (NumPy). An axis of named size can only be taken whole
 * (start 0, stop its name). pad is its vjp.
 */
export const slice: OpBuilder<(x: Operand, start: readonly number[], stop: Shape) => Node> = defineOp(
  {
    name: 'slice',
    arity: 1,
    keywords: { start: { kind: 'integers', required: true }, stop: { kind: 'integers', required: true } },
    infer: ([x], attrs) => {
      const start = attrs.start as readonly number[];
      const stop = attrs.stop as Shape;
      if (start.length !== x.length || stop.length !== x.length) {
        throw new ShapeError(`start and stop need one entry per axis (${x.length}), got ${start.length} and ${stop.length}`);
      }
      const bounds = x.map((d, a) => axisBounds(d, start[a], stop[a], a));
      const shape = bounds.map(([b, e]) => (typeof e === 'number' ? e - b : e));
      return { shape, attrs: { start: bounds.map(([b]) => b), stop: bounds.map(([, e]) => e) } };
    },
    evaluate: (out, [x], attrs, shape) => {
      const strides = stridesOf(x.shape);
      const base = offsetOf(attrs.start as number[], strides);
      forEachIndex(shape, (index, flat) => {
        out[flat] = x.data[base + offsetOf(index, strides)];
      });
    },
    vjp: ({ inputs: [x], attrs }, d) => {
      const stop = attrs.stop as Shape;
      return [pad(d, attrs.start as number[], x.shape.map((dim, a) => (typeof dim === 'number' ? dim - (stop[a] as number) : 0)))];
    },
    jvp: ({ attrs }, [t]) => t && slice(t, attrs.start as number[], attrs.stop as Shape),
    emit: { kind: 'kernel' },
    flops: () => 0,
    movement: 'copy',
  },
  (x: Operand, start: readonly number[], stop: Shape): Node => apply('slice', [x], { start, stop }),
);

/**
 * Non-negative [begin, end) of one axis: negative entries count from the end, then both are
 * clamped to [0, d] and end to at least begin, as in NumPy and PyTorch (so 1:10 of a size-3 axis
 * is 1:3, and 5:7 is empty). A named axis can only be taken whole.
 */
function axisBounds(d: Dim, start: number, stop: Dim, axis: number): [number, Dim] {
  if (typeof d === 'string') {
    if (start === 0 && stop === d) return [0, d];
    throw new ShapeError(`axis ${axis} has the named size ${d}, which slice can only take whole`);
  }
  if (typeof stop !== 'number' || !Number.isInteger(start) || !Number.isInteger(stop)) {
    throw new ShapeError(`${start}:${stop} is not a range of whole numbers for axis ${axis} of size ${d}`);
  }
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + d : i, 0), d);
  const begin = clamp(start);
  return [begin, Math.max(begin, clamp(stop))];
}
