import { describe, expect, it } from 'vitest';
import { grad, hessian, jacobian, jacobianMode } from '../../compiler/autodiff/index.js';
import { SymgradError } from '../../compiler/errors.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { checkDerivatives, compileSpec, interpret, loadSpec, type Tensor } from '../../compiler/index.js';
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

describe('what the loop copies', () => {
  const spec = (nodes: Record<string, string>, functions = {}) =>
    JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: ['N'] } }, functions, nodes, outputs: Object.keys(nodes) });
  const x = { shape: [3], data: Float64Array.of(0.1, -0.4, 0.7) };

  it('holds a named node\'s other occurrences fixed (a = b = sin(x): ∂(a·b)/∂a is diag(b)), and symgrad check agrees', () => {
    const loaded = loadSpec(spec({ a: 'sin(x)', b: 'sin(x)', Ja: 'jacobian(a * b, a)', H: 'hessian(sum(sin(x) * x), x)' }));
    const [Ja] = interpret([loaded.names.get('Ja')!], { x });
    expect(maxError([...Ja.data], [0, 1, 2].flatMap((i) => [0, 1, 2].map((k) => (i === k ? Math.sin(x.data[i]) : 0))))).toBeLessThan(1e-15);
    const rows = checkDerivatives(loaded, { x }).rows;
    expect(rows.map((r) => [r.name, r.ok])).toEqual([['Ja', true], ['H', true]]);
  });

  it('refuses a custom derivative inside, naming it (its rule belongs to the spec\'s graph)', () => {
    const functions = { my_sin: { args: ['u'], nodes: { s: 'sin(u)' }, return: 's', vjp: { u: 'dy * cos(u)' } } };
    let message = '';
    try {
      loadSpec(spec({ J: 'jacobian(my_sin(x), x)' }, functions));
    } catch (error) {
      message = error instanceof SymgradError ? error.format() : String(error);
    }
    expect(message).toContain("nodes.J: column 1: jacobian of [N] with respect to [N]: with sizes known only at run time on both sides it is a loop, which cannot go through the custom derivative of 'my_sin' yet");
  });
});

describe('through a loop', () => {
  it('jacobian and hessian of an RNN scan with respect to its sequence of named length T: central differences, generated code', async () => {
    const text = JSON.stringify({
      format: 'symgrad/1',
      inputs: { X: { shape: ['T', 2] }, h0: { shape: [2] } },
      functions: { cell: { args: ['h', 'x'], nodes: { n: 'tanh(h * 0.5 + x)' }, return: 'n' } },
      nodes: { hs: 'scan(cell, h0, X)', J: 'jacobian(hs, X)', H: 'hessian(sum(square(hs)), X)', G: 'grad(sum(J * J), X)' },
      outputs: ['J', 'H', 'G'],
    });
    const loaded = loadSpec(text);
    expect(loaded.names.get('J')!.shape).toEqual(['T', 2, 'T', 2]);
    const given = { X: tensor([3, 2], [0.1, -0.4, 0.7, 0.2, -0.3, 0.5]), h0: tensor([2], [0.3, -0.1]) };
    expect(checkDerivatives(loaded, given).rows.map((r) => [r.name, r.ok])).toEqual([['J', true], ['H', true], ['G', true]]);
    const out = (await loadModuleSource(compileSpec(text).source)).run(given);
    const reference = interpret(loaded.outputs.map((o) => o.node), given);
    loaded.outputs.forEach((o, i) => expect(maxError([...out[o.name].data], [...reference[i].data]), o.name).toBeLessThan(1e-12));
  });
});

describe('bodies interned across compiles', () => {
  it('a body simplified to one built by an earlier compile takes the closures at its own positions (fuzz:long found the mix-up)', () => {
    // The first spec builds and simplifies the hessian's loop body; the second simplifies an equal
    // one over placeholders of its own, so its closures must be matched by position, not by node.
    const spec = (nodes: Record<string, string>) => JSON.stringify({ format: 'symgrad/1', inputs: { xn: { shape: ['N'] } }, nodes, outputs: Object.keys(nodes) });
    const h = 'hessian(sum(cos(xn) * xn), xn)';
    const x = at(3);
    const exact = x.flatMap((xi, i) => x.map((_, k) => (i === k ? -2 * Math.sin(xi) - xi * Math.cos(xi) : 0)));
    for (const nodes of [{ n2: 'sin(xn) * sum(sin(xn))', n6: h }, { n6: h }] as Record<string, string>[]) {
      const compiled = compileSpec(spec(nodes));
      const n6 = compiled.program.outputs.find((o) => o.name === 'n6')!.node;
      const [value] = interpret([n6], { xn: tensor([3], x) });
      expect(maxError(Array.from(value.data), exact)).toBeLessThan(1e-12);
    }
  });
});
