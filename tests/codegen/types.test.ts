import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';

const dir = join('tests', '.tmp', 'types', String(process.pid));
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STRICTEST = ['--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes'];

/** The tsc errors (code and line) of the consumer files, empty when they type-check. */
function typeErrors(files: string[], options: string[], module: 'node16' | 'bundler'): string[] {
  const resolution = module === 'node16' ? ['--module', 'node16', '--moduleResolution', 'node16'] : ['--module', 'esnext', '--moduleResolution', 'bundler'];
  const args = ['--ignoreConfig', ...options, ...resolution, '--noEmit', '--target', 'es2022', '--lib', 'es2022', '--types', '', '--skipLibCheck', 'false', ...files];
  try {
    execFileSync(join('node_modules', '.bin', 'tsc'), args, { encoding: 'utf8' });
    return [];
  } catch (error) {
    return [...String((error as { stdout: string }).stdout).matchAll(/\((\d+),\d+\): error (TS\d+)/g)].map((m) => `${m[2]} at ${m[1]}`);
  }
}

/** A consumer of the iris module: correct use, then (on later lines) a wrong output name and a missing input. */
const consumer = (from: string, mistakes: boolean) => `import { createKernel, run, signature, initialParams } from '${from}';
const kernel = createKernel({ maxElements: 1e6 });
const out = kernel.run({ X: [[1, 2, 3, 4]], Y: [[1, 0, 0]], W1: initialParams.W1 });
const loss: number | undefined = out.loss.data[0];
const probabilities: readonly number[] = out.probabilities.shape;
const dtype: 'float64' = signature.dtype;
export const used = [loss, probabilities, dtype, run({ X: [], Y: [] }).accuracy.data];
${mistakes ? `export const wrong = out.los;\nrun({ Y: [[1, 0, 0]] });\n` : ''}`;

describe('the generated module is typed by the spec', () => {
  const text = readFileSync('samples/iris-mlp.graph.json', 'utf8');
  writeFileSync(join(dir, 'iris.js'), compileSpec(text, { language: 'js' }).source);
  writeFileSync(join(dir, 'iris.d.ts'), compileSpec(text).declarations);
  writeFileSync(join(dir, 'iris-module.ts'), compileSpec(text, { language: 'ts' }).source);
  const file = (name: string, body: string) => {
    writeFileSync(join(dir, name), body);
    return join(dir, name);
  };
  const fromJs = (mistakes: boolean) => file(`use-js${mistakes ? '-bad' : ''}.ts`, consumer('./iris.js', mistakes));
  const fromTs = (mistakes: boolean) => file(`use-ts${mistakes ? '-bad' : ''}.ts`, consumer('./iris-module.js', mistakes));

  it.each(['node16', 'bundler'] as const)('a .js module and its .d.ts: correct use type-checks under the strictest settings (%s)', (module) => {
    expect(typeErrors([fromJs(false)], STRICTEST, module)).toEqual([]);
  });

  it.each(['node16', 'bundler'] as const)('a wrong output name and a missing input are type errors (%s)', (module) => {
    expect(typeErrors([fromJs(true)], STRICTEST, module)).toEqual(['TS2551 at 8', 'TS2741 at 9']);
  });

  it('a .ts module gives its consumer the same types, under strict with exact optional properties', () => {
    const options = ['--strict', '--exactOptionalPropertyTypes'];
    expect(typeErrors([fromTs(false)], options, 'node16')).toEqual([]);
    expect(typeErrors([fromTs(true)], options, 'node16')).toEqual(['TS2551 at 8', 'TS2741 at 9']);
  });
});

/** Five layers of 8×8 matmuls and the gradient: small tensors, but too many scalar operations for straight-line code. */
const tapeSpec = {
  format: 'symgrad/1',
  name: 'tape',
  inputs: { x: { shape: [8, 8] } },
  params: { W: { shape: [8, 8], init: 'zeros' } },
  nodes: { h1: 'tanh(x @ W)', h2: 'tanh(h1 @ W)', h3: 'tanh(h2 @ W)', h4: 'tanh(h3 @ W)', h5: 'tanh(h4 @ W)', loss: 'sum(h5 ^ 2)', g: 'grad(loss, W)' },
  outputs: ['loss', 'g'],
};

it('a .ts module computed as scalar code (straight-line or a tape) type-checks itself under the strictest settings', () => {
  const texts = ['seed-function', 'tanh-derivatives', 'hessian-xor'].map((name) => ({ name, text: readFileSync(`samples/${name}.graph.json`, 'utf8') }));
  const files = [...texts, { name: 'tape', text: JSON.stringify(tapeSpec) }].map(({ name, text }) => {
    const path = join(dir, `${name}.ts`);
    const { source } = compileSpec(text, { language: 'ts' });
    expect(source, name).toMatch(name === 'tape' ? /^\/\/ Plan: \d+ scalar operations as a tape/m : /^\/\/ Plan: \d+ scalar operations as straight-line code/m);
    writeFileSync(path, source);
    return path;
  });
  expect(typeErrors(files, STRICTEST, 'node16')).toEqual([]);
});

/**
 * A spec whose module computes in fused loops with a kernel of every family: gather and its
 * scatter_add (in the gradient), one_hot, argmax, cumsum, solve, cholesky, inv, det and logdet,
 * slice, pad, concat, prod, logsumexp, log_softmax, partial reductions, matmul as dot products
 * (unrolled and looped), as batched loops and as a gemm.
 */
const kernelSpec = {
  format: 'symgrad/1',
  name: 'kernels',
  inputs: { X: { shape: ['N', 8] }, X2: { shape: ['N', 12] }, v: { shape: [12] }, A: { shape: [3, 4, 4] }, B: { shape: [3, 4, 2] }, i: { shape: [5] }, M: { shape: [64, 64] } },
  params: { W: { shape: [8, 8], init: { normal: [0, 0.1] } } },
  nodes: {
    H: 'tanh(X @ W)',
    rows: 'gather(H, i, axis=1)',
    scatter: 'grad(sum(gather(W, i) ^ 2), W)',
    labels: 'one_hot(argmax(H), depth=8)',
    running: 'cumsum(H, axis=0, reverse=true)',
    SPD: 'A @ transpose(A, perm=[0, 2, 1]) + 4',
    x: 'solve(SPD, B)',
    L: 'cholesky(SPD)',
    dets: 'det(SPD) + logdet(SPD)',
    joined: 'concat(pad(slice(W, start=[0, 0], stop=[8, 4]), before=[0, 1], after=[0, 0]), W, axis=1)',
    p: 'sum(prod(H, axis=1)) + logsumexp(H, axis=0)',
    partial: 'max(H, axis=0) + min(H, axis=1, keepdims=true) + mean(H, axis=0)',
    loss: 'sum(H ^ 2) + sum(x) + sum(L) + sum(inv(SPD)) + sum(dets) + sum(joined) + sum(p) + sum(log_softmax(H)) + sum(partial) + sum(rows) + sum(M @ M) + sum(X2 @ v)',
    dW: 'grad(loss, W)',
  },
  outputs: ['loss', 'dW', 'scatter', 'labels', 'running'],
};

it.each(['node16', 'bundler'] as const)('.ts modules computed as fused loops, kernels and gemm type-check themselves under the strictest settings (%s)', (module) => {
  const sources = [
    ...['iris-mlp', 'classifier', 'newton-in-graph', 'vanishing-gradients'].map((name) => ({ name, text: readFileSync(`samples/${name}.graph.json`, 'utf8') })),
    { name: 'kernels', text: JSON.stringify(kernelSpec) },
  ].map(({ name, text }) => ({ name, source: compileSpec(text, { language: 'ts' }).source }));
  for (const { name, source } of sources) expect(source, name).toMatch(/^\/\/ Plan: \d+ steps \(\d+ fused loops\)/m);
  const kernels = sources.at(-1)!.source;
  for (const call of ['$gemm(', '$luSolve(', '$cholesky(', 'throw new RangeError(', '$best_', '$at_', '$p < 12']) expect(kernels).toContain(call);
  const files = sources.map(({ name, source }) => {
    const path = join(dir, `tensor-${name}.ts`);
    writeFileSync(path, source);
    return path;
  });
  expect(typeErrors(files, STRICTEST, module)).toEqual([]);
});
