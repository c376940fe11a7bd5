import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { ShapeError, stridesOf, type Dim, type Shape } from '../shape.js';
import { forEachIndex, loopNest, offsetOf, strideExprs } from './loops.js';
import { defineOp, type OpBuilder } from './op.js';
import { pad } from './pad.js';
import { cornerOffset, plus } from './region.js';

/**
 * The box start ≤ index < stop, one entry per axis; negative entries count from the end.
 * An axis of named size can only be taken whole (start 0, stop its name). pad is its vjp.
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
    emit: {
      kind: 'kernel',
      lines: (k) => {
        const { node, out, ins } = k;
        const xStrides = strideExprs(k, node.inputs[0].shape);
        const base = cornerOffset(xStrides, node.attrs.start as number[]);
        return loopNest(k, node.shape, [strideExprs(k, node.shape), xStrides], ([o, i]) => [`${out}[${o}] = ${ins[0]}[${plus(base, i)}];`]);
      },
    },
    flops: () => 0,
  },
  (x: Operand, start: readonly number[], stop: Shape): Node => apply('slice', [x], { start, stop }),
);

/** Non-negative [begin, end) of one axis, or a ShapeError naming the axis. */
function axisBounds(d: Dim, start: number, stop: Dim, axis: number): [number, Dim] {
  if (typeof d === 'string') {
    if (start === 0 && stop === d) return [0, d];
    throw new ShapeError(`axis ${axis} has the named size ${d}, which slice can only take whole`);
  }
  const begin = start < 0 ? start + d : start;
  const end = typeof stop === 'number' && stop < 0 ? stop + d : stop;
  if (typeof end !== 'number' || !Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end > d || begin > end) {
    throw new ShapeError(`${start}:${stop} is out of range for axis ${axis} of size ${d}`);
  }
  return [begin, end];
}
