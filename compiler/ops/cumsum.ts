import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxis, ShapeError } from '../shape.js';
import { forEachLine } from './indices.js';
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
    evaluate: (out, [x], attrs) =>
      forEachLine(x.shape, attrs.axis as number, attrs.reverse === true, (at, n) => {
        let acc = 0;
        for (let s = 0; s < n; s++) out[at(s)] = acc += x.data[at(s)];
      }),
    vjp: ({ attrs }, d) => [cumsum(d, { axis: attrs.axis as number, reverse: !attrs.reverse })],
    jvp: ({ attrs }, [t]) => t && cumsum(t, { axis: attrs.axis as number, reverse: attrs.reverse as boolean }),
    emit: { kind: 'kernel' },
  },
  (x: Operand, { axis, reverse = false }: CumsumOptions): Node => apply('cumsum', [x], { axis, reverse }),
);
