import { describe, expect, it } from 'vitest';
import { grad } from '../../compiler/autodiff/grad.js';
import { add, exp, mul, sum, variable } from '../../compiler/ops/index.js';
import { phases, simplify } from '../../compiler/simplify/index.js';
import { build, evaluate, expectRewrite, feeds, show, simplifyLogged } from './support.js';

type Row = readonly [rule: string, before: string, after: string, shapes?: Record<string, number[]>];

/** One row per rule: an expression it rewrites and the form expected. Inputs are scalars unless given. */
const rows: readonly Row[] = [
  // canonicalize
  ['fold-constants', '2 * 3 + x', 'x + 6'],
  ['add-zero', 'exp(x) + 0', 'exp(x)'],
  ['sub-zero', 'x - 0', 'x'],
  ['zero-sub', '-0 - x', '-x'],
  ['mul-zero', 'where(c, 1, 2) * 0', '0'],
  ['mul-one', 'x * broadcast_to(1, shape=[3])', 'x', { x: [3] }],
  ['div-one', 'x / 1', 'x'],
  ['zero-div', '0 / where(c, 1, 2)', '0'],
  ['pow-zero', 'x ^ 0', '1'],
  ['pow-one', 'x ^ 1', 'x'],
  ['where-constant', 'where(1, x, y) + where(0, x, y)', 'x + y'],
  ['matmul-zero', 'where(c, 1, 2) @ broadcast_to(0, shape=[3, 2])', 'broadcast_to(0, shape=[2, 2])', { c: [2, 3] }],
  ['broadcast-same-shape', 'broadcast_to(x, shape=[2])', 'x', { x: [2] }],
  ['broadcast-broadcast', 'broadcast_to(broadcast_to(x, shape=[3]), shape=[2, 3])', 'broadcast_to(x, shape=[2, 3])'],
  ['reshape-same-shape', 'reshape(x, shape=[2, 3])', 'x', { x: [2, 3] }],
  ['reshape-reshape', 'reshape(reshape(x, shape=[6]), shape=[3, 2])', 'reshape(x, shape=[3, 2])', { x: [2, 3] }],
  ['reshape-broadcast-scalar', 'reshape(broadcast_to(x, shape=[2, 3]), shape=[6])', 'broadcast_to(x, shape=[6])'],
  ['transpose-identity', 'transpose(x, perm=[0, 1])', 'x', { x: [2, 3] }],
  ['transpose-transpose', 'transpose(transpose(x, perm=[1, 2, 0]), perm=[1, 2, 0])', 'transpose(x, perm=[2, 0, 1])', { x: [2, 3, 4] }],
  ['transpose-broadcast-scalar', 'transpose(broadcast_to(x, shape=[2, 3]))', 'broadcast_to(x, shape=[3, 2])'],
  ['sum-broadcast-scalar', 'sum(broadcast_to(exp(x), shape=[2, 3]), axis=1)', 'broadcast_to(exp(x) * 3, shape=[2])'],
  ['sum-size-one', 'sum(exp(x), axis=0)', 'reshape(exp(x), shape=[3])', { x: [1, 3] }],
  // stabilize
  ['log-exp', 'log(exp(x))', 'x'],
  ['log-sigmoid', 'log(sigmoid(x))', '-softplus(-x)'],
  ['log-one-minus-sigmoid', 'log(1 - sigmoid(x))', '-softplus(x)'],
  ['log-sum-exp', 'log(sum(exp(x), axis=0))', 'logsumexp(x, axis=0)', { x: [3] }],
  ['log-one-plus', 'log(1 + x)', 'log1p(x)'],
  ['log1p-exp', 'log(1 + exp(x))', 'softplus(x)'],
  ['exp-minus-one', 'exp(x) - 1', 'expm1(x)'],
  // simplify
  ['sub-self', 'where(c, 1, 2) - where(c, 1, 2)', '0'],
  ['add-neg', 'x + -y', 'x - y'],
  ['sub-neg', 'x - -y', 'x + y'],
  ['neg-neg', '--x', 'x'],
  ['mul-minus-one', 'x * -1', '-x'],
  ['mul-self', 'x * x', 'square(x)'],
  ['div-self', 'where(c, 1, 2) / where(c, 1, 2)', '1'],
  ['pow-two', 'x ^ 2', 'square(x)'],
  ['pow-half', 'exp(x) ^ 0.5', 'sqrt(exp(x))'],
  ['pow-minus-one', 'x ^ -1', '1 / x'],
  ['exp-log', 'exp(log(square(x)))', 'square(x)'],
  ['square-neg', 'square(-x)', 'square(x)'],
  ['abs-neg', 'abs(-x)', 'abs(x)'],
  ['sqrt-square', 'sqrt(square(x))', 'abs(x)'],
  ['where-same', 'where(c, x, x)', 'x'],
  ['where-merge', 'where(c, exp(x), 0) + where(c, 0, exp(y))', 'where(c, exp(x), exp(y))'],
  ['where-nested-then', 'where(c, where(c, x, y), z)', 'where(c, x, z)'],
  ['where-nested-else', 'where(c, z, where(c, x, y))', 'where(c, z, y)'],
  ['sum-keepdims-reshape', 'reshape(sum(x, axis=0, keepdims=true), shape=[3])', 'sum(x, axis=0)', { x: [2, 3] }],
  ['collect-terms', '2 * sin(x) + cos(x) * sin(x) * 3 - sin(x) * (cos(x) + 2)', '2 * sin(x) * cos(x)'],
  // cleanup
  ['implicit-broadcast', 'broadcast_to(x, shape=[3]) * y', 'x * y', { y: [3] }],
];

/**
 * Where a guarded rule must not fire: an input (or exp x, sin x) can be −0, ±Infinity or NaN,
 * where the two sides differ (the value each gives there in the comment).
 */
const unsafe: readonly [rule: string, text: string, shapes?: Record<string, number[]>][] = [
  ['add-zero', 'x + 0'], // −0: 0, x
  ['sub-zero', 'x - -0'], // −0: 0, x
  ['zero-sub', '0 - x'], // 0: 0, −0
  ['mul-zero', 'x * 0'], // ∞: NaN, 0; −1: −0, 0
  ['mul-zero', 'exp(x) * 0'], // 800: NaN, 0
  ['zero-div', '0 / x'], // 0: NaN, 0
  ['matmul-zero', 'x @ broadcast_to(0, shape=[3, 2])', { x: [2, 3] }], // ∞: NaN, 0
  ['sum-broadcast-scalar', 'sum(broadcast_to(x, shape=[2, 3]), axis=1)'], // −0: 0, −0
  ['sum-size-one', 'sum(x, axis=0)', { x: [1, 3] }], // −0: 0, −0
  ['sub-self', 'x - x'], // ∞: NaN, 0
  ['sub-self', 'sin(x) - sin(x)'], // ∞: NaN, 0
  ['div-self', 'x / x'], // 0: NaN, 1
  ['div-self', 'tanh(x) / tanh(x)'], // 0: NaN, 1
  ['pow-half', 'x ^ 0.5'], // −∞: ∞, NaN
  ['exp-log', 'exp(log(x))'], // −1: NaN, −1
  ['where-merge', 'where(c, x, 0) + where(c, 0, y)'], // −0: 0, −0
  ['collect-terms', 'x - x'], // ∞: NaN, 0
  ['collect-terms', 'sqrt(x) * sqrt(x)'], // −1: NaN, −1
  ['collect-terms', 'x ^ 3 / x'], // 0: NaN, 0
  ['collect-terms', 'x * (y + 1)'], // ∞, 1: ∞, then ∞ − ∞ once distributed
];

/** The stabilizing rewrites that cost a node for finiteness. */
const gains: Readonly<Record<string, number>> = { 'log-sigmoid': 1 };

describe('each rule on its own', () => {
  for (const [rule, before, after, shapes] of rows) {
    it(`${rule}: ${before} → ${after}`, () => expectRewrite(before, after, { rule, shapes, gain: gains[rule] }));
  }

  for (const [rule, text, shapes] of unsafe) {
    it(`${rule} does not fire on ${text}`, () => {
      const [y] = build([text], shapes);
      expect(simplifyLogged([y]).fired).not.toContain(rule);
    });
  }

  it('has a row for every rule', () => {
    const names = phases.flatMap((p) => p.rules.map((r) => r.name));
    expect(new Set(names).size).toBe(names.length);
    expect(names.filter((n) => !rows.some(([rule]) => rule === n) && n !== 'variable-value' && n !== 'custom-vjp-value' && n !== 'loop-body')).toEqual([]);
  });

  it('variable-value drops the differentiation variable that a spec cannot write', () => {
    const [y] = build(['sin(x) * 2']);
    const [sine, x] = [y.inputs[0], y.inputs[0].inputs[0]];
    const wrapped = mul(variable(sine, 'a'), 2);
    expect(simplify([wrapped])[0]).toBe(simplify([y])[0]);
    expect(simplify([variable(x, 'b')])[0]).toBe(x);
  });
});

describe('zeros and ones from build_grad', () => {
  it('the seed and the unbroadcasting sums vanish', () => {
    const [y, x, w] = build(['sum(x * w)', 'x', 'w'], { x: [2, 3], w: [3] });
    expect(show(simplify([grad(y, x)])[0])).toBe(show(simplify(build(['broadcast_to(w, shape=[2, 3])'], {}, y.graph))[0]));
    expect(show(simplify([grad(y, w)])[0])).toBe('sum(x, axes=[0], keepdims=false)');
  });

  it('an unconnected gradient (broadcast zeros) vanishes from what uses it, where that is exact', () => {
    const [y, x, z] = build(['sin(z)', 'x', 'z'], { x: [100, 3] });
    const dx = grad(y, x);
    expect(dx.op).toBe('broadcast_to');
    const [result] = simplify([add(add(dx, exp(x)), sum(mul(dx, 2), { axis: 0 }))]);
    expect(show(result)).toBe('exp(x)');
    const [kept] = simplify([add(mul(dx, exp(x)), sum(mul(dx, z), { axis: 0 }))]);
    const at = (v: number) => evaluate([kept], feeds({ x: new Array<number>(300).fill(v), z: v }, { x: [100, 3] }))[0];
    expect(at(1).every((v) => v === 0)).toBe(true);
    expect(at(800).every(Number.isNaN)).toBe(true); // 0 · exp(800) = 0 · ∞, as written
  });
});
