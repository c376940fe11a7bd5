import { describe, expect, it } from 'vitest';
import { grad, hessian, jacobian, jacobianMode } from '../../compiler/autodiff/index.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { compileSpec, interpret, loadSpec, type Tensor } from '../../compiler/index.js';
import * as op from '../../compiler/ops/index.js';
import { loadModuleSource } from '../../runtime/module.js';
import { maxError, tensor, valueOf } from './numeric.js';

// Jacobians and Hessians with a size known only at run time on both sides: loops over the entries.

const at = (n: number) => Array.from({ length: n }, (_, i) => 0.9 * Math.sin(1.7 * i + 0.4));

/** Central differences of `f` (flat values of x's flat values), flat as f's shape ++ x's shape. */
function differences(f: (x: number[]) => number[], x: number[], h = 1e-5): number[] {
  const columns = x.map((_, j) => {
    const step = (s: number) => f(x.map((v, k) => (k === j ? v + s : v)));
    const [plus, minus] = [step(h), step(-h)];
    return plus.map((p, i) => (p - minus[i]) / (2 * h));
  });
  return columns[0].flatMap((_, i) => columns.map((c) => c[i]));
}

/** y = sin(x) · Σx², with closed forms of its Jacobian and of the Hessian of Σy. */
const y = (x: number[]) => x.map((v) => Math.sin(v) * x.reduce((s, w) => s + w * w, 0));
const exactJacobian = (x: number[]) => {
  const s = x.reduce((a, w) => a + w * w, 0);
  return x.flatMap((xi, i) => x.map((xk, k) => (i === k ? Math.cos(xi) * s : 0) + Math.sin(xi) * 2 * xk));
};

describe('jacobian and hessian with named sizes on both sides (a loop over entries)', () => {
  const graph = new Graph();
  const x = graph.input('x', ['N']);
  const yNode = op.mul(op.sin(x), op.sum(op.square(x)));
  const feeds = (v: number[]) => ({ x: tensor([v.length], v) });
  const value = (node: Node) => (v: number[]) => valueOf(node, feeds(v));

  it('jacobian: reverse by default, forward on request, both equal to the closed form and central differences', () => {
    expect(jacobianMode(yNode, x)).toBe('reverse');
    const [reverse, forward] = [jacobian(yNode, x), jacobian(yNode, x, 'forward')];
    expect(reverse.shape).toEqual(['N', 'N']);
    expect(forward.shape).toEqual(['N', 'N']);
    for (const n of [1, 2, 5]) {
      const r = valueOf(reverse, feeds(at(n)));
      expect(r).toHaveLength(n * n);
      expect(maxError(r, exactJacobian(at(n)))).toBeLessThan(1e-14);
      expect(maxError(valueOf(forward, feeds(at(n))), r)).toBeLessThan(1e-14);
      expect(maxError(r, differences(y, at(n)))).toBeLessThan(1e-8);
    }
  });

  it('a y of two axes, one fixed (nested loops): shape y.shape ++ x.shape', () => {
    const z = op.mul(op.reshape(op.tanh(x), ['N', 1]), graph.apply('constant', [], { value: [1, -2, 0.5], shape: [3] }));
    const j = jacobian(op.mul(z, op.sum(x)), x);
    expect(j.shape).toEqual(['N', 3, 'N']);
    const f = (v: number[]) => {
      const s = v.reduce((a, b) => a + b, 0);
      return v.flatMap((xi) => [1, -2, 0.5].map((c) => Math.tanh(xi) * c * s));
    };
    for (const n of [2, 4]) expect(maxError(valueOf(j, feeds(at(n))), differences(f, at(n)))).toBeLessThan(1e-8);
  });

  it('hessian, the derivative of the jacobian and a third derivative agree with central differences', () => {
    const s = op.sum(yNode);
    const g = grad(s, x);
    const h = hessian(s, x);
    expect(h.shape).toEqual(['N', 'N']);
    const second = grad(op.sum(jacobian(yNode, x)), x);
    const third = jacobian(h, x);
    expect(third.shape).toEqual(['N', 'N', 'N']);
    for (const n of [2, 5]) {
      const v = at(n);
      expect(maxError(valueOf(h, feeds(v)), differences(value(g), v))).toBeLessThan(1e-8);
      // Σ_ik J_ik as a function of x, differenced.
      const total = (w: number[]) => [exactJacobian(w).reduce((a, b) => a + b, 0)];
      expect(maxError(valueOf(second, feeds(v)), differences(total, v))).toBeLessThan(1e-8);
      expect(maxError(valueOf(third, feeds(v)), differences(value(h), v))).toBeLessThan(1e-7);
    }
  });
});

describe('in a spec: generated code with N fed as 2 and then 5 in one kernel', () => {
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { x: { shape: ['N'] } },
    nodes: { y: 'sin(x) * sum(x^2)', J: 'jacobian(y, x)', H: 'hessian(sum(y), x)', dJ: 'grad(sum(J), x)' },
    outputs: ['J', 'H', 'dJ'],
  });

  it('agrees with the interpreter and central differences', async () => {
    const loaded = loadSpec(text);
    expect(loaded.names.get('J')!.shape).toEqual(['N', 'N']);
    expect(loaded.names.get('H')!.shape).toEqual(['N', 'N']);
    const kernel = (await loadModuleSource(compileSpec(text).source)).createKernel();
    for (const n of [2, 5, 2]) {
      const v = at(n);
      const given: Record<string, Tensor> = { x: tensor([n], v) };
      const out = kernel.run(given);
      const reference = interpret(loaded.outputs.map((o) => o.node), given);
      loaded.outputs.forEach((o, i) => expect(maxError([...out[o.name].data], [...reference[i].data]), o.name).toBeLessThan(1e-12));
      expect(out.J.shape).toEqual([n, n]);
      expect(maxError([...out.J.data], exactJacobian(v))).toBeLessThan(1e-13);
      expect(maxError([...out.J.data], differences(y, v))).toBeLessThan(1e-8);
      // H of Σy is the Jacobian of Σ_i J_ik over i (the gradient), differenced.
      const gradient = (w: number[]) => { const j = exactJacobian(w); return w.map((_, k) => w.reduce((a, _w, i) => a + j[i * w.length + k], 0)); };
      expect(maxError([...out.H.data], differences(gradient, v))).toBeLessThan(1e-8);
      const total = (w: number[]) => [exactJacobian(w).reduce((a, b) => a + b, 0)];
      expect(maxError([...out.dJ.data], differences(total, v))).toBeLessThan(1e-8);
    }
  });
});
