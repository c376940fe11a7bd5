import { zerosLike } from '../builder.js';
import type { Node } from '../graph.js';
import { normalizeAxis, ShapeError, showShape, sizeOf } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';
import { slice } from './slice.js';

/** Join tensors along `axis` (default 0); the others must agree. The vjp slices the gradient apart. */
export const concat: OpBuilder<(xs: readonly Node[], axis?: number) => Node> = defineOp(
  {
    name: 'concat',
    arity: 'variadic',
    keywords: { axis: { kind: 'integer' } },
    infer: (shapes, attrs) => {
      if (shapes.length === 0) throw new ShapeError('needs at least one argument');
      const first = shapes[0];
      if (first.length === 0) throw new ShapeError('cannot join scalars (reshape them to [1] first)');
      const axis = normalizeAxis((attrs.axis ?? 0) as number, first.length);
      for (const shape of shapes) {
        if (shape.length !== first.length || shape.some((d, a) => a !== axis && d !== first[a])) {
          throw new ShapeError(`shapes ${shapes.map(showShape).join(', ')} differ off axis ${axis}`);
        }
      }
      const along = shapes.map((s) => s[axis]);
      if (shapes.length > 1 && along.some((d) => typeof d !== 'number')) throw new ShapeError(`cannot join along axis ${axis} of named size`);
      const size = shapes.length === 1 ? along[0] : (along as number[]).reduce((a, b) => a + b, 0);
      return { shape: first.map((d, a) => (a === axis ? size : d)), attrs: { axis } };
    },
    evaluate: (out, inputs, attrs, shape) => {
      const axis = attrs.axis as number;
      const outer = sizeOf(shape.slice(0, axis));
      let o = 0;
      for (let i = 0; i < outer; i++) {
        for (const x of inputs) {
          const n = sizeOf(x.shape.slice(axis));
          out.set(x.data.subarray(i * n, (i + 1) * n), o);
          o += n;
        }
      }
    },
    vjp: ({ inputs, attrs }, d) => {
      const axis = attrs.axis as number;
      if (inputs.length === 1) return [d];
      return starts(inputs, axis).map((begin, i) => {
        const x = inputs[i];
        return slice(d, x.shape.map((_, a) => (a === axis ? begin : 0)), x.shape.map((dim, a) => (a === axis ? begin + (dim as number) : dim)));
      });
    },
    jvp: ({ inputs, attrs }, tangents) => concat(tangents.map((t, i) => t ?? zerosLike(inputs[i].graph, inputs[i].shape)), attrs.axis as number),
    emit: { kind: 'kernel' },
    flops: () => 0,
    movement: 'copy',
  },
  (xs: readonly Node[], axis = 0): Node => {
    if (xs.length === 0) throw new ShapeError('concat needs at least one argument');
    return xs[0].graph.apply('concat', xs, { axis });
  },
);

/** Where each input begins along the axis (sizes along it are static when there are several). */
export function starts(inputs: readonly Node[], axis: number): number[] {
  return inputs.map((_, i) => inputs.slice(0, i).reduce((n, x) => n + (x.shape[axis] as number), 0));
}
