import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradients } from '../../compiler/autodiff/grad.js';
import { apply, scalar } from '../../compiler/builder.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import type { OpName } from '../../compiler/ops/table.js';
import { sizeOf } from '../../compiler/shape.js';
import { simplify } from '../../compiler/simplify/index.js';
import { graphStats } from '../../compiler/stats.js';
import { seededRandom, uniformArray } from '../support/random.js';

/** One step of a random graph: an op and which earlier nodes (indices, taken modulo) it reads. */
interface Step {
  readonly op: number;
  readonly args: readonly [number, number, number];
  readonly k: number;
}

const SHAPES: Record<string, number[]> = { x: [3], y: [], z: [2, 3] };
const CONSTANTS = [0, 1, 2, -1, 0.5];

/** Elementwise ops (and a keepdims sum, so shapes still broadcast); each reads the nodes it is given. */
const OPS: readonly ((a: Node, b: Node, c: Node, k: number) => Node)[] = [
  ...(['add', 'sub', 'mul', 'div', 'maximum'] as OpName[]).map((op) => (a: Node, b: Node) => apply(op, [a, b])),
  ...(['neg', 'square', 'sqrt', 'exp', 'log', 'sin', 'cos', 'tanh', 'sigmoid', 'abs', 'softplus'] as OpName[]).map(
    (op) => (a: Node) => apply(op, [a]),
  ),
  (a, _, __, k) => apply('pow', [a, k]),
  (a, b, c) => apply('where', [apply('greater', [a, b]), a, c]),
  (a, b) => apply('where', [apply('less', [a, b]), 0, b]),
  (a) => (a.shape.length > 0 ? apply('sum', [a], { axis: [a.shape.length - 1], keepdims: true }) : a),
];

const steps = fc.array(
  fc.record({
    op: fc.nat(OPS.length - 1),
    args: fc.tuple(fc.nat(), fc.nat(), fc.nat()),
    k: fc.constantFrom(2, 3, 0.5, -1, 1.5),
  }),
  { minLength: 1, maxLength: 14 },
);

/** The graph of the steps over inputs x, y, z and a few constants; outputs are the last three nodes built. */
function buildGraph(plan: readonly Step[], withGradient: boolean): Node[] {
  const graph = new Graph();
  const inputs = Object.entries(SHAPES).map(([name, shape]) => graph.input(name, shape));
  const pool: Node[] = [...inputs, ...CONSTANTS.map((c) => scalar(graph, c)), ...CONSTANTS.map((c) => apply('add', [inputs[1], c]))];
  for (const { op, args, k } of plan) {
    const [a, b, c] = args.map((i) => pool[pool.length - 1 - (i % pool.length)]);
    pool.push(OPS[op](a, b, c, k));
  }
  const outputs = pool.slice(-3);
  if (!withGradient) return outputs;
  const loss = outputs.map((o) => apply('sum', [o])).reduce((s, t) => apply('add', [s, t]));
  return [...outputs, ...gradients(loss, inputs)];
}

function feedsFor(seed: number): Record<string, Tensor> {
  const random = seededRandom(seed);
  const feeds: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(SHAPES)) feeds[name] = { shape, data: uniformArray(random, sizeOf(shape), [-2, 2]) };
  return feeds;
}

/** Where the original is finite, the simplified graph gives the same value (it may be finite where the original was not). */
function expectSameValues(before: readonly Node[], after: readonly Node[], seed: number): void {
  const feeds = feedsFor(seed);
  const [a, b] = [interpret(before, feeds), interpret(after, feeds)];
  a.forEach((t, i) =>
    t.data.forEach((v, j) => {
      if (Number.isFinite(v)) expect(Math.abs(b[i].data[j] - v)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(v)));
    }),
  );
}

describe('simplification of random elementwise graphs', () => {
  for (const withGradient of [false, true]) {
    it(`keeps values, never gains nodes, fires boundedly and is idempotent${withGradient ? ' (with gradients)' : ''}`, () => {
      fc.assert(
        fc.property(steps, fc.nat(1000), (plan, seed) => {
          const outputs = buildGraph(plan, withGradient);
          const fired: string[] = [];
          const simplified = simplify(outputs, { explain: (rule) => fired.push(rule) });
          expectSameValues(outputs, simplified, seed);
          const nodes = graphStats(outputs).nodes;
          expect(graphStats(simplified).nodes).toBeLessThanOrEqual(nodes + fired.filter((r) => r === 'log-sigmoid').length);
          expect(fired.length).toBeLessThanOrEqual(3 * nodes);
          simplify(simplified).forEach((node, i) => expect(node).toBe(simplified[i]));
        }),
        { seed: 4, numRuns: withGradient ? 150 : 300 },
      );
    });
  }
});
