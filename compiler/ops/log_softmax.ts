import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxes } from '../shape.js';
import { exp } from './exp.js';
import { forEachIndex } from './indices.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';
import { evaluateShifted } from './shifted.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

export interface AxisOption {
  axis?: number;
}

/**
 * (x − m) − log Σ exp(x − m) along `axis` (default −1), m the max: exact where x − m is, at any
 * |x| (x − logsumexp(x) would lose the digits of logsumexp). A row with m = ±∞ gives NaN, as in
 * PyTorch. With s = exp(log_softmax x), the stable softmax, the vjp is d − s·Σd and the jvp
 * t − Σ(t·s): built from s, so every higher derivative stays stable too.
 */
export const log_softmax: OpBuilder<(x: Operand, options?: { axis?: number | number[] }) => Node> = defineOp(
  {
    name: 'log_softmax',
    arity: 1,
    keywords: { axis: { kind: 'integer' } },
    infer: ([x], attrs) => ({ shape: x, attrs: { axes: normalizeAxes((attrs.axes ?? attrs.axis ?? -1) as number | number[], x.length) } }),
    evaluate: (out, [x], attrs) => {
      const { m, s, slot } = evaluateShifted(x, attrs.axes as number[]);
      const logS = s.map(Math.log);
      forEachIndex(x.shape, (index, flat) => {
        const o = slot(index);
        out[flat] = x.data[flat] - m[o] - logS[o];
      });
    },
    vjp: (y, d) => [sub(d, mul(exp(y), along(y, d)))],
    jvp: (y, [t]) => t && sub(t, along(y, mul(t, exp(y)))),
    emit: { kind: 'kernel' },
    flops: (node, size) => 2 * size(node.shape),
  },
  (x: Operand, { axis = -1 }: { axis?: number | number[] } = {}): Node => apply('log_softmax', [x], { axis }),
);

/** Σ t along y's axes, kept for broadcasting. */
function along(y: Node, t: Node): Node {
  return sum(t, { axis: y.attrs.axes as number[], keepdims: true });
}
