import { binaryOp, type ElementwiseSpec } from './op.js';

/** `a < b` and friends give 1 or 0; they are piecewise constant, so their derivative is disconnected. */
function comparison(name: string, operator: string, test: (a: number, b: number) => boolean) {
  const spec: Omit<ElementwiseSpec, 'arity'> = {
    name,
    compute: ([a, b]) => (test(a, b) ? 1 : 0),
    expr: ([a, b]) => `(${a} ${operator} ${b} ? 1 : 0)`,
    vjp: () => [null, null],
  };
  return binaryOp(spec);
}

export const less = comparison('less', '<', (a, b) => a < b);
export const less_equal = comparison('less_equal', '<=', (a, b) => a <= b);
export const greater = comparison('greater', '>', (a, b) => a > b);
export const greater_equal = comparison('greater_equal', '>=', (a, b) => a >= b);
export const equal = comparison('equal', '===', (a, b) => a === b);
export const not_equal = comparison('not_equal', '!==', (a, b) => a !== b);
