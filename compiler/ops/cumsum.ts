import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxis, ShapeError, sizeOf } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';

export interface CumsumOptions {
  axis: number;
  /** Sum from the end: entry j holds x[j] + … + x[n − 1]. */
  reverse?: boolean;
}

/** Running sums along `axis`; the vjp is the running sum the other way. */
export const cumsum: OpBuilder<(x: Operand, options: CumsumOptions) => Node> = defineOp(
  {
    name: 'cumsum',
    arity: 1,
    keywords: { axis: { kind: 'integer', required: true }, reverse: { kind: 'boolean' } },
    infer: ([x], attrs) => {
      if (x.length === 0) throw new ShapeError('needs an axis, got a scalar');
      return { shape: x, attrs: { axis: normalizeAxis(attrs.axis as number, x.length), reverse: attrs.reverse === true } };
    },
    evaluate: (out, [x], attrs) => {
      const axis = attrs.axis as number;
      const n = x.shape[axis];
      const inner = sizeOf(x.shape.slice(axis + 1));
      const outer = sizeOf(x.shape.slice(0, axis));
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let acc = 0;
          for (let s = 0; s < n; s++) {
            const at = (o * n + (attrs.reverse ? n - 1 - s : s)) * inner + i;
            acc += x.data[at];
            out[at] = acc;
          }
        }
      }
    },
    vjp: ({ attrs }, d) => [cumsum(d, { axis: attrs.axis as number, reverse: !attrs.reverse })],
    jvp: ({ attrs }, [t]) => t && cumsum(t, { axis: attrs.axis as number, reverse: attrs.reverse as boolean }),
    emit: { kind: 'kernel' },
  },
  (x: Operand, { axis, reverse = false }: CumsumOptions): Node => apply('cumsum', [x], { axis, reverse }),
);
