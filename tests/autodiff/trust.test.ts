import { describe, expect, it } from 'vitest';
import { checkDerivatives } from '../../compiler/check/check.js';
import { compileSpec } from '../../compiler/compile.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource } from '../../runtime/module.js';

type Values = Record<string, number[]>;
type Feed = { shape: number[]; data: number[] };

/** A spec's outputs by generated code, by the interpreter on the simplified graph and on the written one. */
async function evaluateEveryWay(spec: object, feeds: Record<string, Feed>): Promise<Values[]> {
  const text = JSON.stringify({ format: 'symgrad/1', ...spec });
  const tensors: Record<string, Tensor> = Object.fromEntries(
    Object.entries(feeds).map(([name, f]) => [name, { shape: f.shape, data: Float64Array.from(f.data) }]),
  );
  const interpreted = (simplify: boolean): Values => {
    const { program } = compileSpec(text, { simplify });
    const values = interpret(program.outputs.map((o) => o.node), tensors);
    return Object.fromEntries(program.outputs.map((o, i) => [o.name, [...values[i].data]]));
  };
  const module = await loadModuleSource(compileSpec(text).source);
  const run = module.run(tensors);
  const generated = Object.fromEntries(Object.entries(run).map(([name, t]) => [name, [...t.data]]));
  return [generated, interpreted(true), interpreted(false)];
}

async function expectEveryWay(spec: object, feeds: Record<string, Feed>, expected: Values): Promise<void> {
  for (const values of await evaluateEveryWay(spec, feeds)) {
    for (const [name, want] of Object.entries(expected)) {
      expect(values[name].length, name).toBe(want.length);
      want.forEach((w, i) => expect(values[name][i], `${name}[${i}]`).toBeCloseTo(w, 10));
    }
  }
}

const scalar = (v: number): Feed => ({ shape: [], data: [v] });

describe('where: a mask carried only position by position', () => {
  it('a branch that mixes entries (matmul) keeps every entry of the gradient', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [2, 2] } }, consts: { c: [[1], [0]] }, nodes: { g: 'grad(sum(where(c, x @ x, 0)), x)' }, outputs: ['g'] },
      { x: { shape: [2, 2], data: [1, 2, 3, 4] } },
      { g: [4, 8, 2, 2] },
    );
  });

  it('a branch broadcast by the condition counts each entry once', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [] } }, consts: { c: [1, 1, 0] }, nodes: { g: 'grad(sum(where(c, sin(x), 0)), x)' }, outputs: ['g'] },
      { x: scalar(0.5) },
      { g: [2 * Math.cos(0.5)] },
    );
  });

  it('a broadcast branch through logsumexp', async () => {
    await expectEveryWay(
      { inputs: { x1: { shape: [1, 1] } }, consts: { c2: [[1, 1], [1, 1.9]] }, nodes: { g: 'grad(logsumexp(where(x1 >= c2, c2, sum(x1))), x1)' }, outputs: ['g'] },
      { x1: { shape: [1, 1], data: [-1] } },
      { g: [1] },
    );
  });

  it('a branch that slices its input is accepted and exact', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [3] } }, consts: { c: [0, 1] }, nodes: { g: 'grad(sum(where(c, slice(x, start=[1], stop=[3]), 0)), x)' }, outputs: ['g'] },
      { x: { shape: [3], data: [0.3, -0.7, 1.2] } },
      { g: [0, 0, 1] },
    );
  });

  it('the Hessian of logsumexp(leaky_relu(x)) (a where in the first derivative)', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [1, 2] } }, nodes: { h: 'hessian(logsumexp(leaky_relu(x)), x)' }, outputs: ['h'] },
      { x: { shape: [1, 2], data: [1, 1] } },
      { h: [0.25, -0.25, -0.25, 0.25] },
    );
  });

  it.each([1, 2, 3])('the branch not taken leaks no NaN at order %i (SPEC §2 examples)', async (order) => {
    const nest = (y: string) => Array.from({ length: order }).reduce<string>((e) => `grad(${e}, x)`, y);
    await expectEveryWay(
      { inputs: { x: { shape: [] } }, nodes: { a: nest('sum(where(x > 0, sqrt(x), 0))'), b: nest('where(x != 0, sin(x) / x, 1)') }, outputs: ['a', 'b'] },
      { x: scalar(-1) },
      { a: [0] },
    );
    await expectEveryWay(
      { inputs: { x: { shape: [] } }, nodes: { b: nest('where(x != 0, sin(x) / x, 1)') }, outputs: ['b'] },
      { x: scalar(0) },
      { b: [0] },
    );
  });
});

describe('a named node or const is a variable of its own', () => {
  it('a node structurally equal to another is not merged with it', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [] } }, nodes: { a: 'sin(x)', b: 'sin(x)', g: 'grad(sum(a * b), a)', h: 'grad(a * b, x)' }, outputs: ['g', 'h'] },
      { x: scalar(0.8) },
      { g: [Math.sin(0.8)], h: [2 * Math.sin(0.8) * Math.cos(0.8)] },
    );
  });

  it('an unused named node gets zeros', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [] } }, nodes: { h: 'fill(x, shape=[2])', g: 'grad(sum(x), h)' }, outputs: ['g'] },
      { x: scalar(0.8) },
      { g: [0, 0] },
    );
  });

  it('a const equal to a literal is not the literal', async () => {
    const x = { shape: [3], data: [-1, 0.5, 2] };
    await expectEveryWay(
      { inputs: { x: { shape: [3] } }, consts: { c: 2 }, nodes: { g: 'grad(sum(x^2 * c), c)', z: 'grad(2, c)', w: 'grad(sum(x^2 * c), x)' }, outputs: ['g', 'z', 'w'] },
      { x },
      { g: [1 + 0.25 + 4], z: [0], w: [-4, 2, 8] },
    );
  });

  it('second derivatives with respect to a named node', async () => {
    await expectEveryWay(
      { inputs: { x: { shape: [] } }, nodes: { a: 'exp(x)', b: 'exp(x)', y: 'a^3 * b', g: 'grad(grad(y, a), a)' }, outputs: ['g'] },
      { x: scalar(0.3) },
      { g: [6 * Math.exp(0.3) * Math.exp(0.3)] },
    );
  });
});

describe('check differentiates with respect to named nodes and consts', () => {
  const check = (spec: object) => checkDerivatives(loadSpec(JSON.stringify({ format: 'symgrad/1', ...spec })), {});

  it('agrees where the derivatives are right', () => {
    const { rows } = check({
      inputs: { x: { shape: [3] } },
      consts: { c: 2 },
      nodes: { a: 'sin(x)', b: 'sin(x)', y: 'sum(a * b * c + x^2 * c)', ga: 'grad(y, a)', gc: 'grad(y, c)', h: 'hessian(y, a)', j: 'jvp(y, c, c)' },
      outputs: ['ga', 'gc', 'h', 'j'],
    });
    expect(rows.map((r) => [r.name, r.ok])).toEqual([['ga', true], ['gc', true], ['h', true], ['j', true]]);
  });

  it('finds a wrong derivative with respect to a node (one that goes through stop_gradient)', () => {
    const { rows } = check({
      inputs: { x: { shape: [] } },
      nodes: { a: 'exp(x)', y: 'stop_gradient(a) * a', g: 'grad(y, a)' },
      outputs: ['g'],
    });
    expect(rows.map((r) => r.ok)).toEqual([false]);
  });
});

describe('where: a broadcast branch not taken anywhere leaks no NaN', () => {
  it('sqrt of a row broadcast over a condition, orders 1 and 2', async () => {
    await expectEveryWay(
      {
        inputs: { x: { shape: [3] } },
        consts: { c: [[1, 0, 1], [0, 0, 1]] },
        nodes: { g1: 'grad(sum(where(c, sqrt(x), 0)), x)', g2: 'grad(sum(g1), x)' },
        outputs: ['g1', 'g2'],
      },
      { x: { shape: [3], data: [4, -1, 0.25] } },
      { g1: [0.25, 0, 2], g2: [-0.25 / 8, 0, -0.5 * 8] },
    );
  });
});

describe('sums keep the sign of zero (IEEE: −0 + −0 is −0)', () => {
  it.each<[string, number[]]>([
    ['1 / sum(x)', [2]],
    ['1 / sum(x, axis=1)', [2, 2]],
    ['1 / mean(x)', [2]],
    ['1 / sum(x * 2, axis=0)', [3, 1]],
  ])('%s over negative zeros is −Infinity in generated code and the interpreter', async (expression, shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const runs = await evaluateEveryWay(
      { inputs: { x: { shape: [...shape] } }, nodes: { y: expression }, outputs: ['y'] },
      { x: { shape: [...shape], data: new Array(size).fill(-0) } },
    );
    for (const values of runs) expect(values.y.every((v) => v === -Infinity)).toBe(true);
  });
});

describe('where: a branch not taken anywhere contributes 0 through ops that mix entries', () => {
  it.each([1, 2])('logsumexp, sum and matmul of a NaN-derivative branch, order %i', async (order) => {
    const inner = 'sum(where(s > 0, logsumexp(sqrt(x) @ m) + sum(log(x)), s * 2))';
    const nodes = order === 1 ? { g: `grad(${inner}, x)` } : { g1: `grad(${inner}, x)`, g: 'grad(sum(g1), x)' };
    await expectEveryWay(
      { inputs: { x: { shape: [2] }, s: { shape: [] } }, consts: { m: [[1, 2], [3, 4]] }, nodes, outputs: ['g'] },
      { x: { shape: [2], data: [-1, -2] }, s: scalar(-1) },
      { g: [0, 0] },
    );
  });
});

describe('pow at exponent 0 away from base 0', () => {
  it('the mixed second derivative of a ^ b at b = 0 is 1/a (the base-0 convention applies at a = 0 only)', async () => {
    await expectEveryWay(
      { inputs: { a: { shape: [] }, b: { shape: [] } }, nodes: { h: 'grad(grad(a ^ b, a), b)', k: 'grad(grad(a ^ b, b), a)' }, outputs: ['h', 'k'] },
      { a: scalar(2), b: scalar(0) },
      { h: [0.5], k: [0.5] },
    );
  });
});
