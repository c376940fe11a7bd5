import { expect, it } from 'vitest';
import { add, emitModule, grad, Graph, interpret, log, mul, programFromGraph, sin, sub } from '../compiler/index.js';
import { loadModuleSource } from '../runtime/index.js';

it('builds, differentiates, interprets and emits a graph in code, as the README shows', async () => {
  const g = new Graph('float64');
  const x1 = g.input('x1', []);
  const x2 = g.input('x2', []);
  const y = sub(add(log(x1), mul(x1, x2)), sin(x2));
  const dydx1 = grad(y, x1);
  const d2 = grad(dydx1, x2);
  const scalar = (v: number) => ({ shape: [], data: Float64Array.of(v) });
  const values = interpret([y, dydx1, d2], { x1: scalar(2), x2: scalar(5) }).map((t) => t.data[0]);
  expect(values).toEqual([11.652071455223084, 5.5, 1]);
  const module = await loadModuleSource(emitModule(programFromGraph(g, { y, dydx1, d2 }), 'js'));
  const kernel = module.createKernel();
  const out = kernel.run({ x1: 2, x2: 5 });
  expect([out.y.data[0], out.dydx1.data[0], out.d2.data[0]]).toEqual(values);
  expect(kernel.run({ x1: 2, x2: 5 }).y.data).toBe(out.y.data);
});
