import { jsOperand } from '../literals.js';
import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { broadcastShapes, ShapeError } from '../shape.js';
import { greater_equal, less_equal } from './comparisons.js';
import { mul } from './mul.js';
import { defineOp, elementwiseDef, type OpBuilder } from './op.js';

export interface ClipOptions {
  lo?: number;
  hi?: number;
}

const elementwise = elementwiseDef({
  name: 'clip',
  arity: 1,
  keywords: { lo: { kind: 'number' }, hi: { kind: 'number' } },
  compute: ([x], { lo, hi }) => {
    const above = lo === undefined ? x : Math.max(x, lo as number);
    return hi === undefined ? above : Math.min(above, hi as number);
  },
  expr: ([x], { lo, hi }) => {
    const above = lo === undefined ? x : `Math.max(${x}, ${jsOperand(lo as number)})`;
    return hi === undefined ? above : `Math.min(${above}, ${jsOperand(hi as number)})`;
  },
  // Slope 1 on [lo, hi], ends included, 0 outside (PyTorch's clamp).
  vjp: ({ inputs: [x], attrs: { lo, hi } }, d) => {
    const inside = [lo === undefined ? null : greater_equal(x, lo as number), hi === undefined ? null : less_equal(x, hi as number)];
    return [inside.reduce<Node>((g, mask) => (mask ? mul(g, mask) : g), d)];
  },
});

/** x limited to [lo, hi] (either bound may be left out; with lo > hi every entry is hi, as NumPy and PyTorch). */
export const clip: OpBuilder<(x: Operand, options: ClipOptions) => Node> = defineOp(
  {
    ...elementwise,
    infer: (inputs, attrs) => {
      if (attrs.lo === undefined && attrs.hi === undefined) throw new ShapeError('needs lo=, hi= or both');
      return { shape: broadcastShapes(inputs) };
    },
  },
  (x: Operand, { lo, hi }: ClipOptions): Node => apply('clip', [x], { ...(lo === undefined ? {} : { lo }), ...(hi === undefined ? {} : { hi }) }),
);
