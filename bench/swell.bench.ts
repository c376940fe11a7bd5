/**
 * Expression swell at high order (issue 4): nest `grad` n times on tanh(x) and on exp(sin x)·x,
 * simplify, and count the op nodes the n-th derivative needs. Prints the table for n = 1..12
 * and times building plus simplifying the 10th derivative. Run with `npx vitest bench bench/swell`.
 */
import { bench, describe } from 'vitest';
import { grad } from '../compiler/autodiff/grad.js';
import { Graph, type Node } from '../compiler/graph.js';
import { exp, mul, sin, tanh } from '../compiler/ops/index.js';
import { simplify } from '../compiler/simplify/index.js';
import { graphStats } from '../compiler/stats.js';

const functions: Record<string, (x: Node) => Node> = { 'tanh(x)': tanh, 'exp(sin x)·x': (x) => mul(exp(sin(x)), x) };

function nthDerivative(f: (x: Node) => Node, n: number): Node {
  const x = new Graph().input('x', []);
  let y = f(x);
  for (let i = 0; i < n; i++) y = grad(y, x);
  return y;
}

const rows = [];
for (let n = 1; n <= 12; n++) {
  const row: Record<string, number | string> = { n };
  for (const [name, f] of Object.entries(functions)) {
    const start = performance.now();
    const y = nthDerivative(f, n);
    const [simplified] = simplify([y]);
    row[`${name} expanded`] = graphStats([y]).nodes;
    row[`${name} simplified`] = graphStats([simplified]).nodes;
    row[`${name} ms`] = (performance.now() - start).toFixed(0);
  }
  rows.push(row);
}
console.table(rows);

describe('10th derivative: build_grad ×10 + simplify', () => {
  for (const [name, f] of Object.entries(functions)) bench(name, () => void simplify([nthDerivative(f, 10)]), { iterations: 5 });
});
