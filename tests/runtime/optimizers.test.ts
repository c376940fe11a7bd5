import { describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerOptions } from '../../runtime/optimizers.js';

/** Steps on f(θ) = ½θ² (gradient θ) from θ = 1, by hand. */
const cases: [string, OptimizerOptions, number[]][] = [
  ['sgd: θ ← θ − αg', { optimizer: 'sgd', lr: 0.1 }, [0.9, 0.81]],
  ['momentum: v ← μv + g, θ ← θ − αv', { optimizer: 'momentum', lr: 0.1, momentum: 0.5 }, [0.9, 0.9 - 0.1 * (0.5 * 1 + 0.9)]],
  // Adam's first bias-corrected step is α·g/|g| whatever the scale of g.
  ['adam: first step is α·sign(g)', { optimizer: 'adam', lr: 0.1 }, [0.9]],
];

describe.each(cases)('%s', (_, options, expected) => {
  it('matches the update rule worked by hand', () => {
    const theta = Float64Array.of(1);
    const optimizer = createOptimizer(options);
    for (const value of expected) {
      optimizer.update([theta], [Float64Array.of(theta[0])]);
      expect(theta[0]).toBeCloseTo(value, 7);
    }
  });
});

it('defaults follow Keras: lr 0.01 for sgd and momentum, 0.001 for adam', () => {
  expect(createOptimizer().lr).toBe(0.01);
  expect(createOptimizer({ optimizer: 'momentum' }).lr).toBe(0.01);
  expect(createOptimizer({ optimizer: 'adam' }).lr).toBe(0.001);
});

it.each([
  [{ lr: 0 }, /^lr: out of range: 0$/],
  [{ lr: Number.NaN }, /^lr: out of range/],
  [{ optimizer: 'momentum', momentum: 1 }, /^momentum: out of range: 1$/],
  [{ optimizer: 'adam', beta2: -0.1 }, /^beta2: out of range/],
  [{ optimizer: 'rmsprop' }, /^optimizer: expected one of sgd, momentum, adam/],
] as [OptimizerOptions, RegExp][])('rejects %j', (options, message) => {
  expect(() => createOptimizer(options)).toThrow(message);
});
