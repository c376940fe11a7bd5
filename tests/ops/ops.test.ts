import { describe, expect, it } from 'vitest';
import * as op from '../../compiler/ops/index.js';
import { opTable } from '../../compiler/ops/table.js';
import { checkDerivatives, checkJvpAgainstVjp, type OpCase } from '../support/derivatives.js';

const positive = [0.5, 3] as const;

/** One row per op: build it from inputs of these shapes; derivatives are checked at random points. */
export const opCases: OpCase[] = [
  { name: 'add', shapes: [[2, 3], [3]], build: (a, b) => op.add(a, b) },
  { name: 'sub', shapes: [[2, 3], [2, 1]], build: (a, b) => op.sub(a, b) },
  { name: 'mul', shapes: [[2, 3], []], build: (a, b) => op.mul(a, b) },
  { name: 'div', shapes: [[3], [2, 3]], build: (a, b) => op.div(a, b), domain: [[-2, 2], positive] },
  { name: 'pow', shapes: [[3], [3]], build: (a, b) => op.pow(a, b), domain: [positive, [-2, 2]] },
  { name: 'neg', shapes: [[4]], build: (x) => op.neg(x) },
  { name: 'exp', shapes: [[4]], build: (x) => op.exp(x) },
  { name: 'log', shapes: [[4]], build: (x) => op.log(x), domain: [positive] },
  { name: 'sin', shapes: [[4]], build: (x) => op.sin(x) },
  { name: 'cos', shapes: [[4]], build: (x) => op.cos(x) },
  { name: 'tanh', shapes: [[4]], build: (x) => op.tanh(x) },
  { name: 'sigmoid', shapes: [[4]], build: (x) => op.sigmoid(x) },
  { name: 'relu', shapes: [[4]], build: (x) => op.relu(x) },
  { name: 'square', shapes: [[4]], build: (x) => op.square(x) },
  { name: 'sqrt', shapes: [[4]], build: (x) => op.sqrt(x), domain: [positive] },
  { name: 'abs', shapes: [[4]], build: (x) => op.abs(x) },
  { name: 'sign', shapes: [[4]], build: (x) => op.mul(op.sign(x), x) },
  { name: 'maximum', shapes: [[2, 3], [3]], build: (a, b) => op.maximum(a, b) },
  { name: 'minimum', shapes: [[2, 3], [3]], build: (a, b) => op.minimum(a, b) },
  { name: 'where', shapes: [[3], [2, 3], [3]], build: (c, a, b) => op.where(op.greater(c, 0), a, b), constantInputs: [0] },
  { name: 'less', shapes: [[3], [3]], build: (a, b) => op.mul(op.less(a, b), a) },
  { name: 'less_equal', shapes: [[3], [3]], build: (a, b) => op.mul(op.less_equal(a, b), b) },
  { name: 'greater', shapes: [[3], [3]], build: (a, b) => op.mul(op.greater(a, b), a) },
  { name: 'greater_equal', shapes: [[3], [3]], build: (a, b) => op.mul(op.greater_equal(a, b), b) },
  { name: 'equal', shapes: [[3], [3]], build: (a, b) => op.add(op.equal(a, b), a) },
  { name: 'not_equal', shapes: [[3], [3]], build: (a, b) => op.mul(op.not_equal(a, b), a) },
  { name: 'step', shapes: [[4]], build: (x) => op.mul(op.step(x), op.square(x)) },
  { name: 'sum', shapes: [[2, 3, 4]], build: (x) => op.sum(op.square(x), { axis: [0, -1], keepdims: true }) },
  { name: 'mean', shapes: [[2, 3]], build: (x) => op.mean(op.square(x), { axis: 1 }) },
  { name: 'count', shapes: [[2, 3]], build: (x) => op.mul(op.count(x, [0]), x) },
  { name: 'matmul', shapes: [[2, 3], [3, 4]], build: (a, b) => op.matmul(a, b) },
  { name: 'matmul', shapes: [[3], [3, 2]], build: (a, b) => op.matmul(a, b) },
  { name: 'matmul', shapes: [[2, 3], [3]], build: (a, b) => op.matmul(a, b) },
  { name: 'matmul', shapes: [[3], [3]], build: (a, b) => op.matmul(a, b) },
  { name: 'transpose', shapes: [[2, 3, 4]], build: (x) => op.transpose(op.square(x), [1, 2, 0]) },
  { name: 'reshape', shapes: [[2, 3]], build: (x) => op.reshape(op.square(x), [3, -1]) },
  { name: 'broadcast_to', shapes: [[3, 1]], build: (x) => op.broadcast_to(op.square(x), [2, 3, 4]) },
];

describe('op table', () => {
  it('covers every op', () => {
    const tested = new Set(opCases.map((c) => c.name));
    // Leaves have no derivative; stop_gradient deliberately disagrees with finite differences (tests/autodiff).
    const elsewhere = ['input', 'param', 'constant', 'stop_gradient'];
    const untested = Object.keys(opTable).filter((name) => !tested.has(name) && !elsewhere.includes(name));
    expect(untested).toEqual([]);
  });

  describe.each(opCases)('$name $shapes', (c) => {
    it('first derivatives match central differences', () => checkDerivatives(c, 1));
    it('second derivatives match central differences', () => checkDerivatives(c, 2));
    it('jvp agrees with vjp', () => checkJvpAgainstVjp(c));
  });
});
