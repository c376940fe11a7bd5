import { apply, zerosLike } from '../builder.js';
import { buildGradMany } from '../autodiff/grad.js';
import { jvpMany } from '../autodiff/jvp.js';
import type { Node } from '../graph.js';
import { bodyOf, inputLayout, internBody, placeholder, resultKind } from './body.js';

/** A loop node's inputs by group. */
function groups(node: Node) {
  const body = bodyOf(node.attrs.body as string);
  const layout = inputLayout(body);
  return { body, init: node.inputs.slice(0, layout.xs), xs: node.inputs.slice(layout.xs, layout.closures), closures: node.inputs.slice(layout.closures) };
}

/**
 * Reverse mode through a loop (backpropagation through time): a loop running the other way over
 * the stored carries (the stack of the carries before each step, a result of the same loop).
 * Its body is build_grad of the forward body; it carries the carries' cotangents and the
 * closed-over values' gradients (summed over the steps), and emits the sequences' gradients.
 */
export function loopVjp(node: Node, d: Node): (Node | null)[] {
  return loopVjpMany([[node, d]]);
}

/**
 * The gradients of a loop's inputs for cotangents of several of its results (nodes of one loop,
 * differing only in `result`), by one backward loop.
 */
export function loopVjpMany(pairs: readonly (readonly [Node, Node])[]): (Node | null)[] {
  const [node] = pairs[0];
  const { body, init, xs, closures } = groups(node);
  const g = body.graph;
  const outer = node.graph;
  const n = body.carries.length;

  const cotangents = body.carries.map((c) => placeholder(g, 'cotangent', c.shape));
  const sums = body.closures.map((c) => placeholder(g, 'sum', c.shape));
  const seeds: [Node, Node][] = body.next.map((y, i) => [y, cotangents[i]]);
  // A stacked result's cotangent is read a row per step: it seeds the value that is stacked.
  const rows: { placeholder: Node; d: Node }[] = [];
  const finals: (Node | undefined)[] = init.map(() => undefined);
  for (const [result, d] of pairs) {
    const { kind, index } = resultKind(body, result.attrs.result as number);
    if (kind === 'final') {
      finals[index] = finals[index] ? apply('add', [finals[index]!, d]) : d;
      continue;
    }
    const stacked = kind === 'emit' ? body.emits[index] : kind === 'after' ? body.next[index] : body.carries[index];
    const row = placeholder(g, 'cotangent_row', stacked.shape);
    rows.push({ placeholder: row, d });
    seeds.push([stacked, row]);
  }
  const grads = buildGradMany(seeds, [...body.carries, ...body.slices, ...body.closures]);
  const closureGrads = grads.slice(n + body.slices.length);
  const back = internBody({
    name: body.name,
    graph: g,
    carries: [...cotangents, ...sums],
    slices: [...body.carries, ...body.slices, ...rows.map((r) => r.placeholder)],
    closures: body.closures,
    next: [...grads.slice(0, n), ...sums.map((s, j) => apply('add', [s, closureGrads[j]]))],
    emits: grads.slice(n, n + body.slices.length),
  });

  const zeros = (x: Node) => zerosLike(outer, x.shape);
  const before = body.carries.map((_, i) => outer.apply('loop', node.inputs, { ...node.attrs, result: 2 * n + i }));
  const inputs = [...init.map((x, i) => finals[i] ?? zeros(x)), ...closures.map(zeros), ...before, ...xs, ...rows.map((r) => r.d), ...closures];
  const result = (i: number) => outer.apply('loop', inputs, { body: back.id, reverse: !node.attrs.reverse, steps: -1, result: i });
  const carried = back.carries.length;
  return [...init.map((_, i) => result(i)), ...xs.map((_, i) => result(3 * carried + i)), ...closures.map((_, j) => result(n + j))];
}

/**
 * Forward mode through a loop: a loop carrying each carry with its tangent, whose body is the
 * forward body with its tangents (jvp of the body from the carries, slices and closures).
 */
export function loopJvp(node: Node, tangents: readonly (Node | null)[]): Node | null {
  const { body, init, xs, closures } = groups(node);
  const g = body.graph;
  const outer = node.graph;
  const n = body.carries.length;
  const e = body.emits.length;
  const layout = inputLayout(body);
  const tInit = tangents.slice(0, n);
  const tXs = tangents.slice(layout.xs, layout.closures);
  const tClosures = tangents.slice(layout.closures);

  const carryT = body.carries.map((c) => placeholder(g, 'tangent', c.shape));
  const sliceT = body.slices.map((s, i) => (tXs[i] ? placeholder(g, 'tangent', s.shape) : null));
  const closureT = body.closures.map((c, j) => (tClosures[j] ? placeholder(g, 'tangent', c.shape) : null));
  const seeds: [Node, Node][] = body.carries.map((c, i) => [c, carryT[i]]);
  body.slices.forEach((s, i) => sliceT[i] && seeds.push([s, sliceT[i]!]));
  body.closures.forEach((c, j) => closureT[j] && seeds.push([c, closureT[j]!]));
  const outputs = [...body.next, ...body.emits];
  const out = jvpMany(seeds, outputs).map((t, i) => t ?? zerosLike(g, outputs[i].shape));
  const present = (list: readonly (Node | null)[]) => list.filter((x): x is Node => x !== null);
  const withTangents = internBody({
    name: body.name,
    graph: g,
    carries: [...body.carries, ...carryT],
    slices: [...body.slices, ...present(sliceT)],
    closures: [...body.closures, ...present(closureT)],
    next: [...body.next, ...out.slice(0, n)],
    emits: [...body.emits, ...out.slice(n)],
  });

  const inputs = [...init, ...init.map((x, i) => tInit[i] ?? zerosLike(outer, x.shape)), ...xs, ...present(tXs), ...closures, ...present(tClosures)];
  // Results of the loop with tangents: its carries are the carries, then their tangents.
  const { kind, index } = resultKind(body, node.attrs.result as number);
  const result = { final: n + index, after: 3 * n + index, before: 5 * n + index, emit: 6 * n + e + index }[kind];
  return outer.apply('loop', inputs, { ...node.attrs, body: withTangents.id, result });
}
