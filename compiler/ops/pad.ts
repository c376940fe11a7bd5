import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { ShapeError, stridesOf } from '../shape.js';
import { forEachIndex, offsetOf } from './indices.js';
import { defineOp, type OpBuilder } from './op.js';
import { slice } from './slice.js';

/** Zeros added `before` and `after` each axis (non-negative counts); slice is its vjp. */
export const pad: OpBuilder<(x: Operand, before: readonly number[], after: readonly number[]) => Node> = defineOp(
  {
    name: 'pad',
    arity: 1,
    keywords: { before: { kind: 'integers', required: true }, after: { kind: 'integers', required: true } },
    infer: ([x], attrs) => {
      const before = attrs.before as readonly number[];
      const after = attrs.after as readonly number[];
      if (before.length !== x.length || after.length !== x.length) {
        throw new ShapeError(`before and after need one entry per axis (${x.length}), got ${before.length} and ${after.length}`);
      }
      const shape = x.map((d, a) => {
        if ([before[a], after[a]].some((n) => !Number.isInteger(n) || n < 0)) throw new ShapeError(`pad counts must be non-negative integers (axis ${a})`);
        if (typeof d === 'number') return before[a] + d + after[a];
        if (before[a] === 0 && after[a] === 0) return d;
        throw new ShapeError(`axis ${a} has the named size ${d}, which cannot be padded`);
      });
      return { shape };
    },
    evaluate: (out, [x], attrs, shape) => {
      const strides = stridesOf(shape);
      const base = offsetOf(attrs.before as number[], strides);
      out.fill(0);
      forEachIndex(x.shape, (index, flat) => {
        out[base + offsetOf(index, strides)] = x.data[flat];
      });
    },
    vjp: ({ inputs: [x], attrs }, d) => {
      const before = attrs.before as number[];
      return [slice(d, before, x.shape.map((dim, a) => (typeof dim === 'number' ? before[a] + dim : dim)))];
    },
    jvp: ({ attrs }, [t]) => t && pad(t, attrs.before as number[], attrs.after as number[]),
    emit: { kind: 'kernel' },
    flops: () => 0,
    movement: 'copy',
  },
  (x: Operand, before: readonly number[], after: readonly number[]): Node => apply('pad', [x], { before, after }),
);
