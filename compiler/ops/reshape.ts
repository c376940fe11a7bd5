import { apply, type Operand } from '../builder.js';
import type { Node } from '../graph.js';
import { requireDim, ShapeError, showShape, type Dim, type Shape } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';

/** Same elements in row-major order, another shape; one entry may be -1 (inferred). */
export const reshape: OpBuilder<(x: Operand, shape: Shape) => Node> = defineOp(
  {
    name: 'reshape',
    arity: 1,
    keywords: { shape: { kind: 'integers', required: true } },
    infer: ([x], attrs) => {
      const shape = resolveShape(x, attrs.shape as Shape);
      return { shape, attrs: { shape } };
    },
    evaluate: (out, [x]) => out.set(x.data),
    vjp: ({ inputs: [x] }, d) => [reshape(d, x.shape)],
    jvp: ({ shape }, [t]) => t && reshape(t, shape),
    emit: { kind: 'kernel' },
    flops: () => 0,
    movement: 'view',
  },
  (x: Operand, shape: Shape): Node => apply('reshape', [x], { shape }),
);

/** Check sizes agree (named dims must match as a multiset); fill in a -1. */
function resolveShape(from: Shape, to: Shape): Shape {
  const inferred = to.filter((d) => d === -1).length;
  if (inferred > 1) throw new ShapeError('reshape takes at most one -1');
  for (const d of to) {
    if (typeof d === 'number' && d !== -1 && !(Number.isInteger(d) && d >= 0)) throw new ShapeError(`bad dimension ${d} in ${showShape(to)}`);
  }
  const [fromNumber, fromNames] = factor(from);
  const [toNumber, toNames] = factor(to.filter((d) => d !== -1));
  const unmatched = [...toNames];
  const extra: string[] = [];
  for (const name of fromNames) {
    const i = unmatched.indexOf(name);
    if (i >= 0) unmatched.splice(i, 1);
    else extra.push(name);
  }
  const mismatch = () => new ShapeError(`cannot reshape ${showShape(from)} to ${showShape(to)}`);
  if (inferred === 0 && (unmatched.length > 0 || extra.length > 0 || fromNumber !== toNumber)) {
    if (!renames(from, to)) throw mismatch();
    return to;
  }
  if (unmatched.length > 0) throw mismatch();
  if (inferred === 0) return to;
  if (extra.length > 1 || (extra.length === 1 && fromNumber !== toNumber)) throw mismatch();
  if (toNumber === 0 || fromNumber % toNumber !== 0) throw mismatch();
  const fill: Dim = extra.length === 1 ? extra[0] : fromNumber / toNumber;
  return to.map((d) => (d === -1 ? fill : d));
}

/**
 * Whether `to` is `from` with names and sizes swapped position by position, axes of size 1 aside
 * ([1, 3] and ["N"]): valid when each name has that size at run time, which is required (the
 * gradient of a name broadcast against a fixed size reshapes so).
 */
function renames(given: Shape, wanted: Shape): boolean {
  const [from, to] = [given, wanted].map((s) => s.filter((d) => d !== 1));
  if (from.length !== to.length) return false;
  const pairs = from.map((d, a) => [d, to[a]] as const).filter(([a, b]) => a !== b);
  if (!pairs.every(([a, b]) => typeof a !== typeof b)) return false;
  for (const [a, b] of pairs) typeof a === 'string' ? requireDim(a, b as number) : requireDim(b as string, a);
  return true;
}

function factor(shape: Shape): [number, string[]] {
  let size = 1;
  const names: string[] = [];
  for (const d of shape) typeof d === 'number' ? (size *= d) : names.push(d);
  return [size, names];
}

