import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { loadModuleSource } from '../../runtime/module.js';
import * as ops from '../../compiler/ops/index.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { compileFor, runFresh } from '../codegen/wasm-support.js';
import { fuzzOptions, fuzzTimeout } from './settings.js';

/** An expression over R × N: leaves of every way a WebAssembly loop reads (whole, a row, a value per row, one value, a gemm's result). */
type Expression = { readonly leaf: string } | { readonly literal: number } | { readonly op: string; readonly args: readonly Expression[] };

const UNARY = ['neg', 'abs', 'sqrt', 'relu', 'step', 'exp', 'log', 'sigmoid', 'expm1', 'log1p', 'tanh', 'sinh', 'cosh', 'softplus', 'elu'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'greater', 'less_equal', 'equal', 'not_equal'] as const;
const REDUCTIONS = ['sum', 'max', 'min'] as const;

const { expression } = fc.letrec<{ expression: Expression }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ leaf: fc.constantFrom('x', 'y', 'row', 'column', 's', 'product') }),
    fc.record({ literal: fc.constantFrom(0, -0, 0.5, -2, 3) }),
    fc.record({ op: fc.constantFrom(...UNARY), args: fc.tuple(tie('expression')) }),
    fc.record({ op: fc.constantFrom(...BINARY), args: fc.tuple(tie('expression'), tie('expression')) }),
  ),
}));

/** The expression in the spec language, over leaves named as in `names`. */
function text(e: Expression, names: Readonly<Record<string, string>>): string {
  if ('leaf' in e) return names[e.leaf]!;
  if ('literal' in e) return Object.is(e.literal, -0) ? '(-0)' : `(${e.literal})`;
  return `${e.op}(${e.args.map((a) => text(a, names)).join(', ')})`;
}

function build(e: Expression, leaves: Record<string, Node>): Node | number {
  if ('leaf' in e) return leaves[e.leaf]!;
  if ('literal' in e) return e.literal;
  const op = (ops as unknown as Record<string, (...args: (Node | number)[]) => Node>)[e.op]!;
  const args: (Node | number)[] = e.args.map((a) => build(a, leaves));
  // An op needs a node among its arguments: literals alone are added to s.
  if (!args.some((a) => typeof a !== 'number')) args[0] = ops.add(leaves.s!, args[0]!);
  return op(...args);
}

/** Values with NaN, ±0 and ±∞ among random ones. */
const values = (size: number) => fc.array(fc.oneof(fc.constantFrom(NaN, 0, -0, Infinity, -Infinity, 1), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: size, maxLength: size });

describe('WebAssembly and JS targets agree bit for bit (float64) on random fused loops', () => {
  it('elementwise chains over R × N, and their sums, maxima and minima over R, over N or over both', async () => {
    const sizes = fc.record({ rows: fc.integer({ min: 0, max: 19 }), n: fc.integer({ min: 1, max: 21 }) });
    const cases = fc.tuple(expression, expression, fc.constantFrom(...REDUCTIONS), fc.constantFrom(0, 1, undefined), sizes).chain(([body, reduced, reduction, axis, { rows, n }]) =>
      fc.record({
        body: fc.constant(body), reduced: fc.constant(reduced), reduction: fc.constant(reduction), axis: fc.constant(axis), rows: fc.constant(rows), n: fc.constant(n),
        x: values(rows * n), y: values(rows * n), row: values(n), column: values(rows), s: values(1), a: values(rows * 2), b: values(2 * n),
      }),
    );
    let [runs, inWasm] = [0, 0];
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const g = new Graph('float64');
        const leaves = {
          x: g.input('x', ['R', 'N']), y: g.input('y', ['R', 'N']), row: g.input('row', ['N']), column: g.input('column', ['R', 1]), s: g.input('s', []),
          product: ops.matmul(g.input('a', ['R', 2]), g.input('b', [2, 'N'])),
        };
        const whole = (e: Expression) => ops.add(build(e, leaves), ops.mul(leaves.x, 0));
        const outputs = { mapped: whole(c.body), reduced: ops[c.reduction](whole(c.reduced), c.axis === undefined ? {} : { axis: c.axis }) };
        const tensor = (data: number[], shape: number[]): Tensor => ({ data: Float64Array.from(data), shape });
        const feeds = {
          x: tensor(c.x, [c.rows, c.n]), y: tensor(c.y, [c.rows, c.n]), row: tensor(c.row, [c.n]), column: tensor(c.column, [c.rows, 1]),
          s: tensor(c.s, []), a: tensor(c.a, [c.rows, 2]), b: tensor(c.b, [2, c.n]),
        };
        const [wasm, js] = [await compileFor(outputs, 'wasm'), await compileFor(outputs, 'js')];
        const [w, j] = [runFresh(wasm.module, feeds), runFresh(js.module, feeds)];
        runs++;
        if (/wasm\.loop\d+\(/.test(wasm.source)) inWasm++;
        for (const name of Object.keys(outputs)) {
          j[name]!.forEach((v, i) => {
            if (!Object.is(w[name]![i], v)) expect.fail(`${name}[${i}]: wasm ${w[name]![i]}, js ${v}\n${wasm.source.match(/wasm\.loop\d+\(/g)?.length ?? 0} WebAssembly loops`);
          });
        }
      }),
      fuzzOptions(40, 20),
    );
    // The loops that take only these ops and reads do run in WebAssembly.
    expect(inWasm).toBeGreaterThan(runs / 2);
  }, fuzzTimeout(20));
});

describe('WebAssembly and JS targets agree bit for bit (float64) on random loop bodies', () => {
  it('a scan over T steps of a random cell of h [B, N], its row x and w [N], and the gradients through it', async () => {
    // In the cell: h is x's and h's leaf, row is w, column and product are h again (all [B, N] or [N]).
    const names = { x: 'x', y: 'h', row: 'w', column: 'h', s: 'h', product: 'x' };
    const sizes = fc.record({ t: fc.integer({ min: 1, max: 4 }), b: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 40 }) });
    const cases = fc.tuple(expression, sizes).chain(([cell, { t, b, n }]) =>
      fc.record({ cell: fc.constant(cell), t: fc.constant(t), b: fc.constant(b), n: fc.constant(n), h0: values(b * n), X: values(t * b * n), w: values(n) }),
    );
    let [runs, inWasm] = [0, 0];
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const spec = JSON.stringify({
          format: 'symgrad/1',
          inputs: { h0: { shape: ['B', 'N'] }, X: { shape: ['T', 'B', 'N'] }, w: { shape: ['N'] } },
          // + h·0 + x·0: the cell is [B, N] and reads both arguments whatever the expression (NaN and ∞ must agree too).
          functions: { cell: { args: ['h', 'x'], nodes: { h_next: `${text(c.cell, names)} + h * 0 + x * 0` }, return: 'h_next' } },
          nodes: { hs: 'scan(cell, h0, X)', loss: 'sum(hs)', dw: 'grad(loss, w)', dh0: 'grad(loss, h0)' },
          outputs: ['hs', 'loss', 'dw', 'dh0'],
        });
        const sources = [compileSpec(spec).source, compileSpec(spec, { target: 'js' }).source];
        const [wasm, js] = await Promise.all(sources.map(loadModuleSource));
        const tensor = (data: number[], shape: number[]) => ({ data: Float64Array.from(data), shape });
        const feeds = { h0: tensor(c.h0, [c.b, c.n]), X: tensor(c.X, [c.t, c.b, c.n]), w: tensor(c.w, [c.n]) };
        const [w, j] = [runFresh(wasm, feeds), runFresh(js, feeds)];
        runs++;
        if (/\$L\d+_step\d*\(\) \{[\s\S]*?if \(!\$loop\d+\(/.test(sources[0])) inWasm++;
        for (const name of Object.keys(j)) {
          j[name]!.forEach((v, i) => {
            if (!Object.is(w[name]![i], v)) expect.fail(`${name}[${i}]: wasm ${w[name]![i]}, js ${v}`);
          });
        }
      }),
      fuzzOptions(25, 20),
    );
    expect(inWasm).toBeGreaterThan(runs / 2);
  }, fuzzTimeout(20));
});
