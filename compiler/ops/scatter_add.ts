import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxis, sameShape, ShapeError, showShape, type Dim } from '../shape.js';
import { gather } from './gather.js';
import { defineOp, type OpBuilder } from './op.js';
import { around, position } from './positions.js';

/**
 * The transpose of gather: zeros of length `size` along `axis`, with each slice of d added at its
 * position i (repeated positions accumulate). d has shape s[:axis] + i.shape + s[axis+1:], the
 * result s. Its vjp is gather; the positions have derivative 0.
 */
export const scatter_add: OpBuilder<(d: Operand, i: Operand, axis: number, size: Dim) => Node> = defineOp(
  {
    name: 'scatter_add',
    arity: 2,
    keywords: { axis: { kind: 'integer' }, size: { kind: 'integer', required: true } },
    infer: ([d, i], attrs) => {
      const axis = normalizeAxis((attrs.axis ?? 0) as number, d.length - i.length + 1);
      const size = attrs.size as Dim;
      if (typeof size === 'number' && !(Number.isInteger(size) && size >= 0)) throw new ShapeError(`size must be a whole number, got ${size}`);
      if (!sameShape(d.slice(axis, axis + i.length), i)) {
        throw new ShapeError(`values ${showShape(d)} do not hold positions ${showShape(i)} at axis ${axis}`);
      }
      return { shape: [...d.slice(0, axis), size, ...d.slice(axis + i.length)], attrs: { axis, size } };
    },
    evaluate: (out, [d, i], attrs, shape) => {
      const axis = attrs.axis as number;
      const { outer, along, inner } = around(shape, axis);
      const m = i.data.length;
      out.fill(0);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < m; j++) {
          const to = (o * along + position(i.data[j], along, 'scatter_add')) * inner;
          const from = (o * m + j) * inner;
          for (let t = 0; t < inner; t++) out[to + t] += d.data[from + t];
        }
      }
    },
    vjp: ({ inputs: [, i], attrs }, g) => [gather(g, i, attrs.axis as number), null],
    jvp: ({ inputs: [, i], attrs }, [t]) => t && scatter_add(t, i, attrs.axis as number, attrs.size as Dim),
    emit: { kind: 'kernel' },
    flops: (node, size) => size(node.inputs[0].shape),
  },
  (d: Operand, i: Operand, axis: number, size: Dim): Node => apply('scatter_add', [d, i], { axis, size }),
);
