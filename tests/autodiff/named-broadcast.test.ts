import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { SymgradError } from '../../compiler/errors.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { loadModuleSource } from '../../runtime/module.js';

const spec = (inputs: Record<string, (number | string)[]>, nodes: Record<string, string>, consts: Record<string, unknown> = {}, params: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: 'symgrad/1',
    inputs: Object.fromEntries(Object.entries(inputs).map(([name, shape]) => [name, { shape }])),
    params,
    consts,
    nodes,
    outputs: Object.keys(nodes),
  });

const tensor = (shape: number[], values: number[]): Tensor => ({ shape, data: Float64Array.from(values) });

/** Every output from the interpreter (unsimplified) and generated code (simplified), which must agree. */
async function run(text: string, feeds: Record<string, Tensor>): Promise<Record<string, { shape: readonly number[]; data: number[] }>> {
  const compiled = compileSpec(text);
  const interpreted = interpret(compiled.spec.outputs.map((o) => o.node), feeds);
  const generated = (await loadModuleSource(compiled.source)).run(feeds);
  const out: Record<string, { shape: readonly number[]; data: number[] }> = {};
  compiled.spec.outputs.forEach((o, i) => {
    const data = [...interpreted[i].data];
    expect(generated[o.name].shape, o.name).toEqual(interpreted[i].shape);
    [...generated[o.name].data].forEach((v, k) => expect(Math.abs(v - data[k]), `${o.name}[${k}]`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(data[k]))));
    out[o.name] = { shape: interpreted[i].shape, data };
  });
  return out;
}

/** The error a run throws, from the interpreter and from generated code. */
async function runErrors(text: string, feeds: Record<string, Tensor>): Promise<unknown[]> {
  const compiled = compileSpec(text);
  const module = await loadModuleSource(compiled.source);
  const caught = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error;
    }
    return undefined;
  };
  return [caught(() => interpret(compiled.spec.outputs.map((o) => o.node), feeds)), caught(() => module.run(feeds))];
}

const close = (got: readonly number[], want: readonly number[]) => {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `entry ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want[i]))));
};

describe('a named dimension broadcast against a fixed size (issue 13)', () => {
  const xs = [0.1, -0.4, 0.7];

  it('x [N] with a const [3]: N must be 3; the result is [3], the gradient [N] (was refused at compile time)', async () => {
    const text = spec({ x: ['N'] }, { y: 'sum(sin(x) * c)', g: 'grad(y, x)', z: 'x + c' }, { c: [1, 2, 3] });
    const loaded = loadSpec(text);
    expect(loaded.names.get('z')!.shape).toEqual([3]);
    expect(loaded.names.get('g')!.shape).toEqual(['N']);
    const out = await run(text, { x: tensor([3], xs) });
    close(out.y.data, [Math.sin(xs[0]) + 2 * Math.sin(xs[1]) + 3 * Math.sin(xs[2])]);
    close(out.g.data, xs.map((x, i) => (i + 1) * Math.cos(x)));
    close(out.z.data, xs.map((x, i) => x + i + 1));
  });

  it('[N, 1] with [1, 4] and [N, 4] stays [N, 4]; with a param [3, 4] it becomes [3, 4]: values and gradients', async () => {
    const text = spec(
      { a: ['N', 1], w: ['N', 4] },
      { z: 'a * b + w', loss: 'sum(square(z) * p)', ga: 'grad(loss, a)', gw: 'grad(loss, w)', gp: 'grad(loss, p)' },
      { b: [[1, 2, 3, 4]] },
      { p: { shape: [3, 4], init: [[1, 0.5, 2, 1], [0, 1, 1, 3], [2, 2, 0.5, 1]] } },
    );
    const loaded = loadSpec(text);
    expect(loaded.names.get('z')!.shape).toEqual(['N', 4]);
    expect(loaded.names.get('gp')!.shape).toEqual([3, 4]);
    const a = [0.5, -1, 2];
    const w = Array.from({ length: 12 }, (_, k) => 0.1 * k - 0.5);
    const p = [1, 0.5, 2, 1, 0, 1, 1, 3, 2, 2, 0.5, 1];
    const z = w.map((v, k) => a[Math.floor(k / 4)] * ((k % 4) + 1) + v);
    const out = await run(text, { a: tensor([3, 1], a), w: tensor([3, 4], w) });
    close(out.loss.data, [z.reduce((s, v, k) => s + v * v * p[k], 0)]);
    close(out.gw.data, z.map((v, k) => 2 * v * p[k]));
    close(out.gp.data, z.map((v) => v * v));
    close(out.ga.data, [0, 1, 2].map((r) => [0, 1, 2, 3].reduce((s, c) => s + 2 * z[4 * r + c] * p[4 * r + c] * (c + 1), 0)));
  });

  it('second derivatives, jvp, vjp and a jacobian of a fixed y with respect to x [N]', async () => {
    const text = spec(
      { x: ['N'], v: ['N'] },
      { y: 'sum(exp(x * c))', hv: 'hvp(y, x, v)', t: 'jvp(x * c, x, v)', j: 'jacobian(sin(x + c), x)', back: 'vjp(sin(x + c), x, c)' },
      { c: [1, 2, 3] },
    );
    const v = [1, -2, 0.5];
    const out = await run(text, { x: tensor([3], xs), v: tensor([3], v) });
    close(out.hv.data, xs.map((x, i) => (i + 1) ** 2 * Math.exp(x * (i + 1)) * v[i]));
    close(out.t.data, v.map((d, i) => d * (i + 1)));
    expect(out.j.shape).toEqual([3, 3]);
    close(out.j.data, [0, 1, 2].flatMap((i) => [0, 1, 2].map((k) => (i === k ? Math.cos(xs[i] + i + 1) : 0))));
    close(out.back.data, xs.map((x, i) => (i + 1) * Math.cos(x + i + 1)));
  });

  it('hessian and jacobian of named shapes unroll where the name must have a fixed size (else they loop)', async () => {
    const text = spec({ x: ['N'] }, { y: 'sum(exp(x * c))', h: 'hessian(y, x)', j: 'jacobian(sin(x), x)' }, { c: [1, 2, 3] });
    const loaded = loadSpec(text);
    expect(loaded.names.get('h')!.shape).toEqual(['N', 'N']);
    expect(loaded.names.get('j')!.shape).toEqual(['N', 'N']);
    const out = await run(text, { x: tensor([3], xs) });
    const diagonal = (f: (x: number, i: number) => number) => [0, 1, 2].flatMap((i) => [0, 1, 2].map((k) => (i === k ? f(xs[i], i) : 0)));
    close(out.h.data, diagonal((x, i) => (i + 1) ** 2 * Math.exp(x * (i + 1))));
    close(out.j.data, diagonal(Math.cos));
    // Without the fixed size, N is known only at run time: they loop over the entries (tests/autodiff/looped.test.ts).
    const free = await run(spec({ x: ['N'] }, { h: 'hessian(sum(exp(x)), x)', j: 'jacobian(sin(x), x)' }), { x: tensor([3], xs) });
    close(free.h.data, diagonal(Math.exp));
    close(free.j.data, diagonal(Math.cos));
  });

  it('matmul batch axes, broadcast_to and reshape take a name where the other side is fixed', async () => {
    const text = spec(
      { x: ['N', 2, 2], s: ['N'] },
      { m: 'x @ q', e: 'broadcast_to(s, shape=[3])', r: 'reshape(s, shape=[3, 1]) * q2', gs: 'grad(sum(e * c) + sum(r), s)' },
      { q: [[[1, 0], [0, 1]], [[2, 0], [0, 2]], [[0, 1], [1, 0]]], q2: [[1, 2]], c: [1, 2, 3] },
    );
    const x = Array.from({ length: 12 }, (_, k) => k);
    const out = await run(text, { x: tensor([3, 2, 2], x), s: tensor([3], xs) });
    close(out.m.data, [0, 1, 2, 3, 8, 10, 12, 14, 9, 8, 11, 10]);
    close(out.e.data, xs);
    close(out.r.data, xs.flatMap((s) => [s, 2 * s]));
    close(out.gs.data, [1 + 3, 2 + 3, 3 + 3]);
  });

  it('a wrong N is a RangeError naming the node, the dimension and the feed, from the interpreter and generated code', async () => {
    const text = spec({ x: ['N'], u: ['N', 2] }, { s: 'sum(u)', y: 'x * c', g: 'grad(sum(y), x)' }, { c: [1, 2, 3] });
    for (const error of await runErrors(text, { x: tensor([2], [1, 2]), u: tensor([2, 2], [1, 2, 3, 4]) })) {
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toBe('nodes.y: dimension N is 2 (in feeds.u) but is broadcast against size 3, so it must be 3');
    }
    // N = 1 does not broadcast either: the result's size is fixed at 3.
    for (const error of await runErrors(text, { x: tensor([1], [1]), u: tensor([1, 2], [1, 2]) })) {
      expect((error as Error).message).toMatch(/^nodes\.y: dimension N is 1 .* must be 3$/);
    }
    // A module with no such broadcast has no check at all (existing modules keep their bytes).
    expect(compileSpec(spec({ x: ['N'] }, { y: 'x * 2' })).source).not.toContain('requireDim');
  });

  it('a name broadcast against two different sizes, or against another name, is refused at compile time', () => {
    const error = (text: string) => {
      try {
        loadSpec(text);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    };
    const both = error(spec({ x: ['N'] }, { a: 'x + c3', b: 'x + c4' }, { c3: [1, 2, 3], c4: [1, 2, 3, 4] }));
    expect(both).toBeInstanceOf(SymgradError);
    expect((both as SymgradError).place).toContain('nodes.b');
    expect((both as Error).message).toContain('add: dimension N is broadcast against 4 here but against 3 by nodes.a; it cannot be both');
    const names = error(spec({ x: ['N'], y: ['M'] }, { a: 'x + y' }));
    expect((names as Error).message).toContain('cannot broadcast shapes [N] and [M] (N vs M)');
  });

  it('symgrad check gives an unfed named dimension the size it must have', async () => {
    const { checkDerivatives } = await import('../../compiler/check/check.js');
    const { rows, point } = checkDerivatives(loadSpec(spec({ x: ['N'] }, { y: 'sum(sin(x) * c)', g: 'grad(y, x)' }, { c: [1, 2, 3, 4] })), {});
    expect(point.x.shape).toEqual([4]);
    expect(rows).toHaveLength(1);
    expect(rows[0].ok).toBe(true);
  });
});
