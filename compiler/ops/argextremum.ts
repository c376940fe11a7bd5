import type { Node } from '../graph.js';
import { normalizeAxis, ShapeError } from '../shape.js';
import type { OpDef } from './op.js';
import { around } from './positions.js';

/** argmax and argmin: the position along `axis` (default −1) of the first largest (smallest) entry, as a number; derivative 0. */
export function argExtremumDef(name: 'argmax' | 'argmin'): OpDef {
  // A NaN beats any number (the first NaN is the answer, as NumPy).
  const better = name === 'argmax' ? (a: number, b: number) => a > b || (a !== a && b === b) : (a: number, b: number) => a < b || (a !== a && b === b);
  return {
    name,
    arity: 1,
    keywords: { axis: { kind: 'integer' }, keepdims: { kind: 'boolean' } },
    infer: ([x], attrs) => {
      if (x.length === 0) throw new ShapeError('needs an axis, got a scalar');
      const axis = normalizeAxis((attrs.axis ?? -1) as number, x.length);
      const keepdims = attrs.keepdims === true;
      if (x[axis] === 0) throw new ShapeError(`cannot pick from the empty axis ${axis}`);
      return { shape: x.flatMap((d, a) => (a !== axis ? [d] : keepdims ? [1] : [])), attrs: { axis, keepdims } };
    },
    evaluate: (out, [x], attrs) => {
      const { outer, along, inner } = around(x.shape, attrs.axis as number);
      for (let o = 0; o < outer; o++) {
        for (let t = 0; t < inner; t++) {
          const base = o * along * inner + t;
          let best = 0;
          for (let s = 1; s < along; s++) if (better(x.data[base + s * inner], x.data[base + best * inner])) best = s;
          out[o * inner + t] = best;
        }
      }
    },
    vjp: () => [null],
    jvp: () => null,
    emit: { kind: 'kernel' },
    flops: (node: Node, size) => size(node.inputs[0].shape),
  };
}
