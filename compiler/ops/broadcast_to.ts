import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { broadcastShapes, sameShape, ShapeError, showShape, type Shape } from '../shape.js';
import { loopNest, strideExprs } from './loops.js';
import { defineOp, evaluateElementwise, type OpBuilder } from './op.js';

/** Repeat x along new leading axes and along its axes of size 1. build_grad sums the gradient back. */
export const broadcast_to: OpBuilder<(x: Operand, shape: Shape) => Node> = defineOp(
  {
    name: 'broadcast_to',
    arity: 1,
    keywords: { shape: { kind: 'integers', required: true } },
    infer: ([x], attrs) => {
      const shape = attrs.shape as Shape;
      if (!sameShape(broadcastShapes([x, shape]), shape)) throw new ShapeError(`cannot broadcast ${showShape(x)} to ${showShape(shape)}`);
      return { shape };
    },
    evaluate: (out, inputs, _, shape) => evaluateElementwise(out, inputs, shape, ([v]) => v),
    vjp: (_, d) => [d],
    jvp: ({ attrs }, [t]) => t && broadcast_to(t, attrs.shape as Shape),
    emit: {
      kind: 'kernel',
      lines: (k) => {
        const { node, out, ins } = k;
        const x = node.inputs[0];
        const offset = node.shape.length - x.shape.length;
        const inStrides = node.shape.map((d, a) => (a < offset || (x.shape[a - offset] === 1 && d !== 1) ? '0' : strideExprs(k, x.shape)[a - offset]));
        return loopNest(k, node.shape, [strideExprs(k, node.shape), inStrides], ([o, i]) => [`${out}[${o}] = ${ins[0]}[${i}];`]);
      },
    },
    flops: () => 0,
    movement: 'view',
  },
  (x: Operand, shape: Shape): Node => apply('broadcast_to', [x], { shape }),
);

