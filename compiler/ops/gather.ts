import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxis, ShapeError } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';
import { around, position } from './positions.js';
import { scatter_add } from './scatter_add.js';

/**
 * The entries of x at whole-number positions i along `axis` (default 0): shape
 * x.shape[:axis] + i.shape + x.shape[axis+1:]. The gradient adds into x at those positions
 * (scatter_add, so repeated positions accumulate); the positions have derivative 0.
 */
export const gather: OpBuilder<(x: Operand, i: Operand, axis?: number) => Node> = defineOp(
  {
    name: 'gather',
    arity: 2,
    keywords: { axis: { kind: 'integer' } },
    infer: ([x, i], attrs) => {
      if (x.length === 0) throw new ShapeError('needs an axis to pick from, got a scalar');
      const axis = normalizeAxis((attrs.axis ?? 0) as number, x.length);
      return { shape: [...x.slice(0, axis), ...i, ...x.slice(axis + 1)], attrs: { axis } };
    },
    evaluate: (out, [x, i], attrs) => {
      const { outer, along, inner } = around(x.shape, attrs.axis as number);
      const m = i.data.length;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < m; j++) {
          const from = (o * along + position(i.data[j], along, 'gather')) * inner;
          out.set(x.data.subarray(from, from + inner), (o * m + j) * inner);
        }
      }
    },
    vjp: ({ inputs: [x, i], attrs }, d) => [scatter_add(d, i, attrs.axis as number, x.shape[attrs.axis as number]), null],
    jvp: ({ inputs: [, i], attrs }, [t]) => t && gather(t, i, attrs.axis as number),
    emit: { kind: 'kernel' },
    flops: () => 0,
  },
  (x: Operand, i: Operand, axis = 0): Node => apply('gather', [x, i], { axis }),
);
