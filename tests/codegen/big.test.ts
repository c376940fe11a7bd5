import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grad, hessian } from '../../compiler/autodiff/index.js';
import { MAX_CHARS } from '../../compiler/codegen/chunks.js';
import { emitModule } from '../../compiler/codegen/emit.js';
import { programFromGraph } from '../../compiler/codegen/program.js';
import { Graph, type Node } from '../../compiler/graph.js';
import { add, exp, matmul, mean, mul, neg, relu, sin, square, sum, tanh, transpose } from '../../compiler/ops/index.js';
import { compileOutputs, expectAgreement, randomFeeds } from './support.js';

/** W6: a chain of n scalar ops cycling sin(v), 0.9·v, exp(−v²), and its derivative. */
function chain(n: number): Record<string, Node> {
  const g = new Graph();
  const x = g.input('x', []);
  let v: Node = x;
  for (let i = 0; i < n; i++) v = i % 3 === 0 ? sin(v) : i % 3 === 1 ? mul(v, 0.9) : exp(neg(square(v)));
  return { y: v, dy: grad(v, x) };
}

/** The source length of every function a run executes ($allocate runs only when dimensions change). */
function functionSizes(source: string): number[] {
  return source
    .split(/\n(?=\s*function )/)
    .filter((f) => !/^\s*function \$(allocate|instance)\b/.test(f))
    .map((f) => f.length);
}

describe('big graphs', () => {
  it('compiles a 100,000-op chain to a tape that agrees with the interpreter', async () => {
    const outputs = chain(100_000);
    const { module, source } = await compileOutputs(outputs);
    expect(source).toContain('function $runTape');
    expect(Math.max(...functionSizes(source.replace(/const \$tape = .*\n/, '')))).toBeLessThan(MAX_CHARS);
    expectAgreement(module, outputs, { x: { shape: [], data: Float64Array.of(0.3) } });
  }, 120_000);

  it('splits a long straight-line program into functions, passing values between them', async () => {
    const outputs = chain(1_200);
    const { module, source } = await compileOutputs(outputs);
    expect(source).toContain('$s[');
    expect(Math.max(...functionSizes(source))).toBeLessThan(MAX_CHARS * 1.2);
    expectAgreement(module, outputs, { x: { shape: [], data: Float64Array.of(0.3) } });
  });

  it('splits a long chain of tensor loops into functions', async () => {
    const g = new Graph();
    const x = g.input('x', ['N', 4]);
    const w = g.input('w', [4, 4]);
    let h: Node = x;
    for (let i = 0; i < 300; i++) h = i % 2 === 0 ? tanh(matmul(h, w)) : add(h, transpose(h, [0, 1]));
    const outputs = { y: sum(h), dw: grad(sum(h), w) };
    const { module, source } = await compileOutputs(outputs);
    expect(source).toContain('function $compute0()');
    expect(Math.max(...functionSizes(source))).toBeLessThan(MAX_CHARS * 1.2);
    expectAgreement(module, outputs, randomFeeds(outputs, { N: 3 }, 1, [-0.3, 0.3]), 1e-10);
  });

  it('expands the Hessian of a small network into scalar code', async () => {
    const g = new Graph();
    const theta = g.param('theta', [9], [0.5, -0.4, 0.3, 0.8, 0.1, -0.1, 0.7, -0.6, 0.05]);
    const X = g.input('X', [4, 2]);
    const Y = g.input('Y', [4]);
    const W = g.apply('reshape', [g.apply('slice', [theta], { start: [0], stop: [4] })], { shape: [2, 2] });
    const c = g.apply('slice', [theta], { start: [4], stop: [6] });
    const w = g.apply('slice', [theta], { start: [6], stop: [8] });
    const b = g.apply('reshape', [g.apply('slice', [theta], { start: [8], stop: [9] })], { shape: [] });
    const f = add(matmul(relu(add(matmul(X, W), c)), w), b);
    const loss = mean(square(add(f, neg(Y))));
    const outputs = { loss, H: hessian(loss, theta) };
    const { module, source } = await compileOutputs(outputs);
    expect(source).toContain('scalar operations as straight-line code');
    expectAgreement(module, outputs, randomFeeds(outputs));
  });
});

it('every kind of generated .ts passes tsc --strict --noEmit', () => {
  const directory = join('tests', '.tmp', 'codegen-kinds');
  mkdirSync(directory, { recursive: true });
  const g = new Graph('float32');
  const a = g.input('a', ['N', 40]);
  const b = g.input('b', [40, 40]);
  const tensors = { y: sum(relu(matmul(transpose(b), transpose(a)))) };
  const modules: [string, Record<string, Node>][] = [
    ['gemm-float32', tensors],
    ['tape', chain(6_000)],
    ['straight', chain(300)],
  ];
  const files = modules.map(([name, outputs]) => {
    const graph = Object.values(outputs)[0].graph;
    const path = join(directory, `${name}.ts`);
    writeFileSync(path, emitModule(programFromGraph(graph, outputs), 'ts'));
    return path;
  });
  const args = ['--ignoreConfig', '--strict', '--noEmit', '--target', 'es2022', '--module', 'es2022', '--lib', 'es2022', '--types', '', ...files];
  expect(() => execFileSync(join('node_modules', '.bin', 'tsc'), args, { encoding: 'utf8' })).not.toThrow();
}, 60_000);
