import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { ShapeError, stridesOf } from '../shape.js';
import { forEachIndex, offsetOf } from './indices.js';
import { defineOp, type OpBuilder } from './op.js';

/** Permute axes: output axis a is input axis perm[a] (default: reversed). */
export const transpose: OpBuilder<(x: Operand, perm?: number[]) => Node> = defineOp(
  {
    name: 'transpose',
    arity: 1,
    keywords: { perm: { kind: 'integers' } },
    infer: ([x], attrs) => {
      const rank = x.length;
      const perm = (attrs.perm as number[] | undefined) ?? x.map((_, a) => rank - 1 - a);
      const sorted = [...perm].sort((a, b) => a - b);
      if (perm.length !== rank || sorted.some((p, a) => p !== a)) {
        throw new ShapeError(`perm [${perm.join(', ')}] is not a permutation of the ${rank} axes`);
      }
      return { shape: perm.map((p) => x[p]), attrs: { perm } };
    },
    evaluate: (out, [x], attrs, shape) => {
      const perm = attrs.perm as number[];
      const strides = stridesOf(x.shape);
      const permuted = perm.map((p) => strides[p]);
      forEachIndex(shape, (index, flat) => {
        out[flat] = x.data[offsetOf(index, permuted)];
      });
    },
    vjp: ({ attrs }, d) => [transpose(d, inversePermutation(attrs.perm as number[]))],
    jvp: ({ attrs }, [t]) => t && transpose(t, attrs.perm as number[]),
    emit: { kind: 'kernel' },
    flops: () => 0,
    movement: 'view',
  },
  (x: Operand, perm?: number[]): Node => apply('transpose', [x], perm ? { perm } : {}),
);

export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, a) => (inverse[p] = a));
  return inverse;
}
