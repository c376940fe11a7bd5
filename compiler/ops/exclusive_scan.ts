import { apply } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxis, sameShape, ShapeError, showShape } from '../shape.js';
import { add } from './add.js';
import { forEachLine } from './indices.js';
import { mul } from './mul.js';
import { defineOp, type OpBuilder } from './op.js';

export interface ScanOptions {
  axis: number;
  /** Run from the end. */
  reverse?: boolean;
}

/**
 * The exclusive linear recurrence along `axis`: y[k] = s[k − 1], where s[0] = b[0] and
 * s[k] = a[k]·s[k − 1] + b[k], so y[k] = Σ_{i<k} b[i]·Π_{i<j<k} a[j] (y[0] = 0). With a = x and
 * b = x at the first entry (else 0) it is the product of the entries before each one, without a
 * division, which is how `prod` forms the product of the others. Its derivatives are scans again
 * (the vjp runs the other way: ∂/∂b = scan′(a, d), ∂/∂a = y·scan′(a, d)), exact to every order.
 */
export const exclusive_scan: OpBuilder<(a: Node, b: Node, options: ScanOptions) => Node> = defineOp(
  {
    name: 'exclusive_scan',
    arity: 2,
    keywords: { axis: { kind: 'integer', required: true }, reverse: { kind: 'boolean' } },
    infer: ([a, b], attrs) => {
      if (!sameShape(a, b)) throw new ShapeError(`needs two operands of the same shape, got ${showShape(a)} and ${showShape(b)}`);
      if (a.length === 0) throw new ShapeError('needs an axis, got a scalar');
      return { shape: a, attrs: { axis: normalizeAxis(attrs.axis as number, a.length), reverse: attrs.reverse === true } };
    },
    evaluate: (out, [a, b], attrs) =>
      forEachLine(a.shape, attrs.axis as number, attrs.reverse === true, (at, n) => {
        let s = 0;
        for (let step = 0; step < n; step++) {
          out[at(step)] = s;
          s = step === 0 ? b.data[at(step)] : a.data[at(step)] * s + b.data[at(step)];
        }
      }),
    vjp: (node, d) => {
      const back = exclusive_scan(node.inputs[0], d, { axis: node.attrs.axis as number, reverse: !node.attrs.reverse });
      return [mul(node, back), back];
    },
    jvp: (node, [ta, tb]) => {
      const [a] = node.inputs;
      const t = ta ? (tb ? add(mul(ta, node), tb) : mul(ta, node)) : tb!;
      return exclusive_scan(a, t, { axis: node.attrs.axis as number, reverse: node.attrs.reverse as boolean });
    },
    emit: { kind: 'kernel' },
    flops: (node, size) => 2 * size(node.shape),
    internal: true,
  },
  (a: Node, b: Node, { axis, reverse = false }: ScanOptions): Node => apply('exclusive_scan', [a, b], { axis, reverse }),
);
