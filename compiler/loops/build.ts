import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { liveNodes } from '../nodes.js';
import { sameShape, showShape, type Shape } from '../shape.js';
import { internBody, placeholder } from './body.js';

/** What a loop gives: every carry after each step, stacked (`scan`), or the last one (`fold`, `iterate`). */
export type LoopResult = 'stack' | 'last';

/**
 * A loop node over a body built once, into a graph of its own: `step` gets placeholders for the
 * carry, one row of each sequence and each closed-over value (a constant is copied in as it is),
 * and returns the next carry. Closed-over values the body does not use are not passed in.
 */
export function buildLoop(
  name: string,
  init: Node,
  xs: readonly Node[],
  closures: readonly Node[],
  step: (carry: Node, rows: readonly Node[], inner: readonly Node[]) => Node,
  options: { readonly steps?: number; readonly result: LoopResult },
): Node {
  const graph = init.graph;
  xs.forEach((x, i) => {
    if (x.shape.length === 0) throw new SymgradError('', `sequence ${i + 1} is a scalar: a sequence needs an axis 0 to loop over`);
    if (x.shape[0] !== xs[0].shape[0]) throw new SymgradError('', `the sequences have different lengths: ${showShape(xs[0].shape)} and ${showShape(x.shape)} (axis 0 is the step)`);
  });
  const steps = options.steps ?? -1;
  if (xs.length === 0 && !(Number.isSafeInteger(steps) && steps >= 0)) throw new SymgradError('', `steps must be a whole number ≥ 0, got ${steps}`);
  const body = graph.sibling();
  body.label = name;
  const carry = placeholder(body, 'carry', init.shape);
  const rows = xs.map((x) => placeholder(body, 'slice', x.shape.slice(1)));
  const outside = new Map<Node, Node>();
  const inner = closures.map((c) => {
    if (c.def.leaf === 'known') return body.apply('constant', [], c.attrs);
    const p = placeholder(body, 'closure', c.shape);
    outside.set(p, c);
    return p;
  });
  const returned = step(carry, rows, inner);
  const next = sameShape(returned.shape, carry.shape) ? returned : renamed(returned, carry.shape, name);
  for (const requirement of body.requirements.values()) graph.require(requirement);
  const live = new Set(liveNodes([next]));
  const used = [...outside.keys()].filter((p) => live.has(p));
  const loopBody = internBody({ name, graph: body, carries: [carry], slices: rows, closures: used, next: [next], emits: [] });
  const inputs = [init, ...xs, ...used.map((p) => outside.get(p)!)];
  return graph.apply('loop', inputs, { body: loopBody.id, reverse: false, steps: xs.length > 0 ? -1 : steps, result: options.result === 'stack' ? 1 : 0 });
}

/**
 * The next carry in the carry's shape where the two differ only by named dimensions against the
 * sizes the body requires them to have ([3] for a carry ["N"] broadcast against [3]): a reshape
 * that renames, which records the requirement. Any other difference is an error.
 */
function renamed(next: Node, shape: Shape, name: string): Node {
  const renames = next.shape.length === shape.length && next.shape.every((d, a) => d === shape[a] || typeof d !== typeof shape[a]);
  if (!renames) {
    throw new SymgradError('', `${name} returns shape ${showShape(next.shape)}, but the carry (init) has shape ${showShape(shape)}: a loop's function returns the next carry`);
  }
  return next.graph.apply('reshape', [next], { shape });
}

/**
 * `scan` in the builder API: `f(carry, rows, closures)` builds the next carry from the carry, one
 * row of each of `xs` and `closures` (the outer values it uses, seen through placeholders: a body
 * is a graph of its own). The result stacks every carry after each step: `[T, ...init.shape]`.
 */
export function scan(f: (carry: Node, rows: readonly Node[], closures: readonly Node[]) => Node, init: Node, xs: readonly Node[], closures: readonly Node[] = [], name = 'scan'): Node {
  if (xs.length === 0) throw new SymgradError('', 'scan needs at least one sequence');
  return buildLoop(name, init, xs, closures, f, { result: 'stack' });
}

/** `fold` in the builder API: the same loop as `scan`, giving the last carry (init when T = 0). */
export function fold(f: (carry: Node, rows: readonly Node[], closures: readonly Node[]) => Node, init: Node, xs: readonly Node[], closures: readonly Node[] = [], name = 'fold'): Node {
  if (xs.length === 0) throw new SymgradError('', 'fold needs at least one sequence');
  return buildLoop(name, init, xs, closures, f, { result: 'last' });
}

/** `iterate` in the builder API: `f(carry, closures)` applied `steps` times (a whole number ≥ 0). */
export function iterate(f: (carry: Node, closures: readonly Node[]) => Node, init: Node, steps: number, closures: readonly Node[] = [], name = 'iterate'): Node {
  return buildLoop(name, init, [], closures, (carry, _rows, inner) => f(carry, inner), { steps, result: 'last' });
}
