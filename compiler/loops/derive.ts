import { apply, zerosLike } from '../builder.js';
import { buildGradMany } from '../autodiff/grad.js';
import { jvpMany } from '../autodiff/jvp.js';
import type { Node } from '../graph.js';
import { bodyOf, inputLayout, internBody, placeholder, type Slice } from './body.js';

/** A loop node's inputs by group. */
function groups(node: Node) {
  const body = bodyOf(node.attrs.body as string);
  const layout = inputLayout(body);
  const at = (from: number, to?: number) => node.inputs.slice(from, to);
  return { body, init: at(0, layout.xs), xs: at(layout.xs, layout.fallbacks), fallbacks: at(layout.fallbacks, layout.closures), closures: at(layout.closures) };
}

/**
 * Reverse mode through a loop (backpropagation through time): a loop running the other way over
 * the stored carries. Its body is build_grad of the forward body; it carries the carries'
 * cotangents, the closed-over values' gradients (summed over the steps) and, for a shifted
 * slice, the gradient of the row the previous step read; it emits the sequences' gradients.
 */
export function loopVjp(node: Node, d: Node): (Node | null)[] {
  const { body, init, xs, fallbacks, closures } = groups(node);
  const g = body.graph;
  const outer = node.graph;
  const n = body.carries.length;
  const r = node.attrs.result as number;
  const reverse = node.attrs.reverse as boolean;
  const shifted = body.slices.filter((s) => s.shift !== 0);

  const cotangents = body.carries.map((c) => placeholder(g, 'cotangent', c.shape));
  const sums = body.closures.map((c) => placeholder(g, 'sum', c.shape));
  const pending = shifted.map((s) => placeholder(g, 'pending', s.node.shape));
  const stackSeed = r >= n && r < 2 * n ? placeholder(g, 'dstack', body.carries[r - n].shape) : undefined;
  const emitSeed = r >= 2 * n ? placeholder(g, 'demit', body.emits[r - 2 * n].shape) : undefined;
  const seeds: [Node, Node][] = body.next.map((y, i) => [y, stackSeed && i === r - n ? apply('add', [cotangents[i], stackSeed]) : cotangents[i]]);
  if (emitSeed) seeds.push([body.emits[r - 2 * n], emitSeed]);
  const slices = body.slices.map((s) => s.node);
  const grads = buildGradMany(seeds, [...body.carries, ...slices, ...body.closures]);
  const sliceGrads = grads.slice(n, n + slices.length);
  const closureGrads = grads.slice(n + slices.length);
  // Row t's carry before the step is the stored carry after the previous step (init before the first).
  const before: Slice[] = body.carries.map((c) => ({ node: c, shift: reverse ? 1 : -1 }));
  const seedSlices: Slice[] = [stackSeed, emitSeed].flatMap((s) => (s ? [{ node: s, shift: 0 as const }] : []));
  const back = internBody({
    name: body.name,
    graph: g,
    carries: [...cotangents, ...sums, ...pending],
    slices: [...before, ...body.slices, ...seedSlices],
    closures: body.closures,
    next: [...grads.slice(0, n), ...sums.map((s, j) => apply('add', [s, closureGrads[j]])), ...shifted.map((s) => sliceGrads[body.slices.indexOf(s)])],
    emits: body.slices.map((s, i) => (s.shift !== 0 ? pending[shifted.indexOf(s)] : sliceGrads[i])),
  });

  const zeros = (x: { shape: Node['shape'] }) => zerosLike(outer, x.shape);
  const stacks = body.carries.map((_, i) => outer.apply('loop', node.inputs, { ...node.attrs, result: n + i }));
  const inputs = [
    ...init.map((x, i) => (r === i ? d : zeros(x))),
    ...body.closures.map(zeros),
    ...shifted.map((s) => zeros(s.node)),
    ...stacks,
    ...xs,
    ...seedSlices.map(() => d),
    ...init,
    ...fallbacks,
    ...closures,
  ];
  const result = (i: number) => outer.apply('loop', inputs, { body: back.id, reverse: !reverse, steps: -1, result: i });
  const carried = back.carries.length;
  return [
    ...init.map((_, i) => result(i)),
    ...xs.map((_, i) => result(2 * carried + i)),
    ...fallbacks.map((_, j) => result(n + sums.length + j)),
    ...closures.map((_, j) => result(n + j)),
  ];
}

/**
 * Forward mode through a loop: a loop carrying each carry with its tangent, whose body is the
 * forward body with its tangents (jvp of the body from the carries, slices and closures).
 */
export function loopJvp(node: Node, tangents: readonly (Node | null)[]): Node | null {
  const { body, init, xs, fallbacks, closures } = groups(node);
  const g = body.graph;
  const outer = node.graph;
  const n = body.carries.length;
  const e = body.emits.length;
  const layout = inputLayout(body);
  const tangentAt = (from: number, count: number) => tangents.slice(from, from + count);
  const [tInit, tXs, tFallbacks, tClosures] = [tangentAt(0, n), tangentAt(layout.xs, xs.length), tangentAt(layout.fallbacks, fallbacks.length), tangentAt(layout.closures, closures.length)];
  let f = 0;
  const fallbackIndex = body.slices.map((s) => (s.shift !== 0 ? f++ : -1));
  const moving = body.slices.map((s, i) => tXs[i] !== null || (s.shift !== 0 && tFallbacks[fallbackIndex[i]] !== null));

  const carryT = body.carries.map((c) => placeholder(g, 'tangent', c.shape));
  const sliceT = body.slices.map((s, i) => (moving[i] ? placeholder(g, 'tangent', s.node.shape) : null));
  const closureT = body.closures.map((c, j) => (tClosures[j] ? placeholder(g, 'tangent', c.shape) : null));
  const seeds: [Node, Node][] = body.carries.map((c, i) => [c, carryT[i]]);
  body.slices.forEach((s, i) => sliceT[i] && seeds.push([s.node, sliceT[i]!]));
  body.closures.forEach((c, j) => closureT[j] && seeds.push([c, closureT[j]!]));
  const outputs = [...body.next, ...body.emits];
  const out = jvpMany(seeds, outputs).map((t, i) => t ?? zerosLike(g, outputs[i].shape));
  const withTangents = internBody({
    name: body.name,
    graph: g,
    carries: [...body.carries, ...carryT],
    slices: [...body.slices, ...body.slices.flatMap((s, i) => (sliceT[i] ? [{ node: sliceT[i]!, shift: s.shift }] : []))],
    closures: [...body.closures, ...closureT.filter((c): c is Node => c !== null)],
    next: [...body.next, ...out.slice(0, n)],
    emits: [...body.emits, ...out.slice(n)],
  });

  const zeros = (x: { shape: Node['shape'] }) => zerosLike(outer, x.shape);
  const inputs = [
    ...init,
    ...init.map((x, i) => tInit[i] ?? zeros(x)),
    ...xs,
    ...xs.flatMap((x, i) => (moving[i] ? [tXs[i] ?? zeros(x)] : [])),
    ...fallbacks,
    ...body.slices.flatMap((s, i) => (moving[i] && s.shift !== 0 ? [tFallbacks[fallbackIndex[i]] ?? zeros(s.node)] : [])),
    ...closures,
    ...closures.flatMap((_, j) => (tClosures[j] ? [tClosures[j]!] : [])),
  ];
  const r = node.attrs.result as number;
  const result = r < n ? n + r : r < 2 * n ? 2 * n + r : 2 * n + e + r;
  return outer.apply('loop', inputs, { ...node.attrs, body: withTangents.id, result });
}
