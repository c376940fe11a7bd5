import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { ShapeError } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';
import { position } from './positions.js';

/** Rows of `depth` zeros with a 1 at each whole-number label of i: shape i.shape + [depth]; derivative 0. */
export const one_hot: OpBuilder<(i: Operand, depth: number) => Node> = defineOp(
  {
    name: 'one_hot',
    arity: 1,
    keywords: { depth: { kind: 'integer', required: true } },
    infer: ([i], attrs) => {
      const depth = attrs.depth as number;
      if (!Number.isInteger(depth) || depth < 1) throw new ShapeError(`depth must be a whole number ≥ 1, got ${depth}`);
      return { shape: [...i, depth] };
    },
    evaluate: (out, [i], attrs) => {
      const depth = attrs.depth as number;
      out.fill(0);
      i.data.forEach((label, e) => (out[e * depth + position(label, depth, 'one_hot')] = 1));
    },
    vjp: () => [null],
    jvp: () => null,
    emit: { kind: 'kernel' },
    flops: () => 0,
  },
  (i: Operand, depth: number): Node => apply('one_hot', [i], { depth }),
);
