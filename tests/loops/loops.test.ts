import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDerivatives, compileSpec, interpret, loadSpec, type Limits, type Tensor } from '../../compiler/index.js';
import { SymgradError } from '../../compiler/errors.js';
import { loadModuleSource } from '../../runtime/module.js';
import { cli } from '../cli/run.js';

type Json = Record<string, unknown>;

/** The lecture's RNN cell over X (T rows of 2) from h0 (3), with a gradient-descent step for iterate. */
function spec(nodes: Record<string, string>, outputs: string[], extra: Json = {}): string {
  return JSON.stringify({
    format: 'symgrad/1',
    inputs: { X: { shape: ['T', 2] }, h0: { shape: [3] }, Y: { shape: [5, 2] } },
    params: {
      W: { shape: [3, 3], init: { normal: [0, 0.5], seed: 1 } },
      U: { shape: [3, 2], init: { normal: [0, 0.5], seed: 2 } },
      b: { shape: [3], init: { normal: [0, 0.3], seed: 3 } },
      lr: { shape: [], init: 0.1 },
    },
    consts: { c: [1, 2, 3] },
    functions: {
      cell: { args: ['h', 'x'], nodes: { n: 'tanh(W @ h + U @ x + b)' }, return: 'n' },
      two: { args: ['h', 'x', 'z'], nodes: { n: 'sin(h) * c + sum(x * z)' }, return: 'n' },
      descend: { args: ['w'], nodes: { f: 'sum(square(W @ w - c)) + sum(w^4)', w_next: 'w - lr * grad(f, w)' }, return: 'w_next' },
    },
    nodes,
    outputs,
    ...extra,
  });
}

const X = (rows: number) => ({ shape: [rows, 2], data: Float64Array.from({ length: rows * 2 }, (_, i) => Math.sin(1.3 * i + 0.2)) });
const feeds = (rows: number): Record<string, Tensor> => ({ X: X(rows), h0: { shape: [3], data: Float64Array.from([0.3, -0.2, 0.5]) }, Y: X(5) });
/** The spec with T fixed (slices of X need a static length). */
const fixed = (text: string, rows: number) => JSON.stringify({ ...JSON.parse(text), inputs: { X: { shape: [rows, 2] }, h0: { shape: [3] }, Y: { shape: [5, 2] } } });

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-13): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `entry ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(b[i])));
}

function interpreted(text: string, given: Record<string, Tensor>): Record<string, Float64Array> {
  const loaded = loadSpec(text);
  const values = interpret(loaded.outputs.map((o) => o.node), given);
  return Object.fromEntries(loaded.outputs.map((o, i) => [o.name, values[i].data as Float64Array]));
}

/** The error loading a spec gives, as the CLI prints it after the file name. */
function failure(text: string, limits: Partial<Limits> = {}): string {
  try {
    loadSpec(text, limits);
  } catch (error) {
    if (error instanceof SymgradError) return error.format();
    throw error;
  }
  throw new Error('the spec loaded');
}

const row = (t: number) => `reshape(slice(X, start=[${t}, 0], stop=[${t + 1}, 2]), shape=[2])`;

describe('scan, fold and iterate', () => {
  it('agree with an unrolled copy of the same graph, values and BPTT gradients', () => {
    const looped = spec(
      { hs: 'scan(cell, h0, X)', hT: 'fold(cell, h0, X)', loss: 'sum(square(hs)) + sum(hT * c)', gW: 'grad(loss, W)', gh0: 'grad(loss, h0)', gX: 'grad(loss, X)' },
      ['hs', 'hT', 'loss', 'gW', 'gh0', 'gX'],
    );
    const unrolled = spec(
      {
        h1: `cell(h0, ${row(0)})`,
        h2: `cell(h1, ${row(1)})`,
        h3: `cell(h2, ${row(2)})`,
        h4: `cell(h3, ${row(3)})`,
        hs: 'stack(h1, h2, h3, h4)',
        hT: 'h4',
        loss: 'sum(square(hs)) + sum(hT * c)',
        gW: 'grad(loss, W)',
        gh0: 'grad(loss, h0)',
        gX: 'grad(loss, X)',
      },
      ['hs', 'hT', 'loss', 'gW', 'gh0', 'gX'],
    );
    const a = interpreted(fixed(looped, 4), feeds(4));
    const b = interpreted(fixed(unrolled, 4), feeds(4));
    for (const name of ['hs', 'hT', 'loss', 'gW', 'gh0', 'gX']) expectClose(a[name], b[name]);
  });

  it('T = 0: fold returns init and scan an empty stack [0, 3], in the interpreter and in generated code', async () => {
    const text = spec({ hs: 'scan(cell, h0, X)', hT: 'fold(cell, h0, X)', g: 'grad(sum(hT), h0)' }, ['hs', 'hT', 'g']);
    const values = interpreted(text, feeds(0));
    expect([...values.hT]).toEqual([0.3, -0.2, 0.5]);
    expect(values.hs.length).toBe(0);
    expect([...values.g]).toEqual([1, 1, 1]);
    const module = await loadModuleSource(compileSpec(text).source);
    const out = module.run(feeds(0));
    expect([...out.hT.data]).toEqual([0.3, -0.2, 0.5]);
    expect(out.hs.shape).toEqual([0, 3]);
    expect([...out.g.data]).toEqual([1, 1, 1]);
  });

  it('iterate applies f K times (K = 0 gives init), with a grad in the body', () => {
    const text = spec({ w3: 'iterate(descend, h0, steps=3)', w0: 'iterate(descend, h0, steps=0)', manual: 'descend(descend(descend(h0)))' }, ['w3', 'w0', 'manual']);
    const values = interpreted(text, feeds(1));
    expectClose(values.w3, values.manual);
    expect([...values.w0]).toEqual([0.3, -0.2, 0.5]);
  });

  it('several sequences and a closed-over const', () => {
    const text = spec({ Z: 'X * 2', y: 'fold(two, h0, X, Z)', manual: `two(two(h0, ${row(0)}, ${row(0)} * 2), ${row(1)}, ${row(1)} * 2)` }, ['y', 'manual']);
    const values = interpreted(fixed(text, 2), feeds(2));
    expectClose(values.y, values.manual);
  });
});

describe('a carry with a named dimension that the body broadcasts against a fixed size', () => {
  // h has shape ["N"]; h * c (c of shape [3]) has shape [3] and requires N = 3 at run time.
  const text = JSON.stringify({
    format: 'symgrad/1',
    inputs: { h0: { shape: ['N'] }, X: { shape: [2, 3] } },
    consts: { c: [1, 2, 3] },
    functions: { cell: { args: ['h', 'x'], nodes: { n: 'tanh(h * c + x)' }, return: 'n' } },
    nodes: { y: 'fold(cell, h0, X)', g: 'grad(sum(y), h0)' },
    outputs: ['y', 'g'],
  });
  const h0 = (n: number) => ({ shape: [n], data: Float64Array.from({ length: n }, (_, i) => 0.2 * i - 0.1) });
  const X2 = { shape: [2, 3], data: Float64Array.from([0.1, -0.4, 0.3, 0.5, 0.2, -0.6]) };

  it('loads, and generated code gives the interpreter\'s values and the hand-stepped cell\'s', async () => {
    const compiled = compileSpec(text);
    const outputs = compiled.spec.outputs.map((o) => o.node);
    const [y, g] = interpret(outputs, { h0: h0(3), X: X2 }).map((t) => [...t.data]);
    let h = [...h0(3).data];
    for (let t = 0; t < 2; t++) h = h.map((v, i) => Math.tanh(v * (i + 1) + X2.data[3 * t + i]));
    y.forEach((v, i) => expect(v).toBeCloseTo(h[i], 14));
    expect(g.every(Number.isFinite)).toBe(true);
    const module = await loadModuleSource(compiled.source);
    const run = module.run({ h0: h0(3), X: X2 });
    expect([...run.y.data]).toEqual(y);
    expect([...run.g.data]).toEqual(g);
  });

  it('a wrong N is a RangeError naming the dimension in generated code and the interpreter, not a silent read', async () => {
    const compiled = compileSpec(text);
    expect(() => interpret(compiled.spec.outputs.map((o) => o.node), { h0: h0(4), X: X2 })).toThrow(/dimension N is 4.*must be 3/);
    const module = await loadModuleSource(compiled.source);
    expect(() => module.run({ h0: h0(4), X: X2 })).toThrow(RangeError);
    expect(() => module.run({ h0: h0(4), X: X2 })).toThrow(/dimension N is 4.*must be 3/);
  });
});

describe('derivatives through loops against central differences', () => {
  it('orders 1 to 3, reverse and forward mode, grad of grad, hessian, hvp, jacobian', () => {
    const text = spec(
      {
        hs: 'scan(cell, h0, X)',
        hT: 'fold(cell, h0, X)',
        loss: 'sum(square(hs)) + sum(hT * c)',
        gW: 'grad(loss, W)',
        gh0: 'grad(loss, h0)',
        gX: 'grad(loss, X)',
        s: 'sum(gW * gW)',
        ggU: 'grad(s, U)',
        ggh0: 'grad(s, h0)',
        s3: 'sum(ggh0 * ggh0)',
        g3: 'grad(s3, b)',
        H: 'hessian(loss, h0)',
        hv: 'hvp(loss, b, h0)',
        J: 'jacobian(hT, h0)',
        jv: 'jvp(loss, W, W)',
        jvX: 'jvp(hs, X, X)',
        jj: 'jvp(jvp(hT, b, h0), U, U)',
        fwdrev: 'jvp(gh0, b, h0)',
        rev3: 'grad(sum(jvp(gW, h0, h0)), b)',
      },
      ['gW', 'gh0', 'gX', 'ggU', 'g3', 'H', 'hv', 'J', 'jv', 'jvX', 'jj', 'fwdrev', 'rev3'],
    );
    const rows = checkDerivatives(loadSpec(text), feeds(3)).rows;
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const r of rows) expect(r.ok, `${r.name}: ${r.call.fn} (abs ${r.absError})`).toBe(true);
  }, 180_000);

  it('the hypergradient: a validation loss after iterate differentiated with respect to the learning rate, to order 2', () => {
    const text = spec({ w: 'iterate(descend, h0, steps=4)', val: 'sum(square(w - 1))', dlr: 'grad(val, lr)', d2lr: 'hessian(val, lr)', dW: 'grad(val, W)' }, ['dlr', 'd2lr', 'dW']);
    const rows = checkDerivatives(loadSpec(text), feeds(1)).rows;
    expect(rows.map((r) => r.name).sort()).toEqual(['d2lr', 'dW', 'dlr']);
    for (const r of rows) expect(r.ok, `${r.name} (abs ${r.absError})`).toBe(true);
  });
});

describe('a loop inside a loop body', () => {
  it('derivatives to order 2 match central differences, generated code the interpreter', async () => {
    const text = JSON.stringify({
      format: 'symgrad/1',
      inputs: { X: { shape: ['T', 2] }, h0: { shape: [2] } },
      params: { W: { shape: [2, 2], init: { normal: [0, 0.5], seed: 1 } } },
      consts: { K: [[0.1, 0.2], [0.3, -0.1], [0.2, 0.2]] },
      functions: {
        inner: { args: ['g', 'k'], nodes: { n: 'sin(g + k) * 0.5 + W @ g * 0.1' }, return: 'n' },
        advance: { args: ['h', 'x'], nodes: { m: 'fold(inner, tanh(W @ h + x), K)' }, return: 'm' },
      },
      nodes: { hs: 'scan(advance, h0, X)', loss: 'sum(square(hs))', gW: 'grad(loss, W)', gX: 'grad(loss, X)', gg: 'grad(sum(gW * gW), h0)', jv: 'jvp(loss, W, W)' },
      outputs: ['hs', 'gW', 'gX', 'gg', 'jv'],
    });
    const given = { X: { shape: [3, 2], data: Float64Array.of(1, 2, 0.3, -0.5, 0.2, 0.1) }, h0: { shape: [2], data: Float64Array.of(0.5, -0.2) } };
    const rows = checkDerivatives(loadSpec(text), given).rows;
    expect(rows.map((r) => [r.name, r.ok])).toEqual([['gW', true], ['gX', true], ['gg', true], ['jv', true]]);
    const out = (await loadModuleSource(compileSpec(text).source)).run(given);
    const reference = interpreted(text, given);
    for (const name of Object.keys(reference)) expectClose(out[name].data, reference[name], 1e-12);
  }, 60_000);
});

describe('generated code keeps a loop a loop', () => {
  const text = spec(
    { hs: 'scan(cell, h0, X)', hT: 'fold(cell, h0, X)', loss: 'sum(square(hs)) + sum(hT * c)', gW: 'grad(loss, W)', gX: 'grad(loss, X)', ggU: 'grad(sum(gW * gW), U)', jv: 'jvp(loss, W, W)' },
    ['hs', 'hT', 'loss', 'gW', 'gX', 'ggU', 'jv'],
  );

  it('agrees with the interpreter, a named T fed with two lengths in one kernel', async () => {
    const module = await loadModuleSource(compileSpec(text).source);
    const kernel = module.createKernel();
    for (const rows of [3, 7, 3]) {
      const out = kernel.run(feeds(rows));
      const reference = interpreted(text, feeds(rows));
      for (const name of Object.keys(reference)) expectClose(out[name].data, reference[name], 1e-12);
      expect(out.hs.shape).toEqual([rows, 3]);
    }
  });

  it('module size does not grow with T (10 vs 2,000 steps) or K', () => {
    // The JS target: with 2,000 steps the loops outside the scan are large enough for WebAssembly, which adds its runtime once.
    const sized = (rows: number) => compileSpec(fixed(text, rows), { target: 'js' }).source.length;
    const [small, big] = [sized(10), sized(2000)];
    expect(Math.abs(big - small) / small).toBeLessThan(0.1);
    const iterated = (k: number) => compileSpec(spec({ w: `iterate(descend, h0, steps=${k})`, d: 'grad(sum(w), lr)' }, ['w', 'd'])).source.length;
    const [few, many] = [iterated(10), iterated(2000)];
    expect(Math.abs(many - few) / few).toBeLessThan(0.1);
  });

  it('one forward loop and one backward loop for several gradients of one loss (equal bodies intern as one)', () => {
    const source = compileSpec(spec({ hs: 'scan(cell, h0, X)', loss: 'sum(square(hs))', gW: 'grad(loss, W)', gU: 'grad(loss, U)', gb: 'grad(loss, b)' }, ['loss', 'gW', 'gU', 'gb'])).source;
    expect(source.match(/for \(let \$k = 0; \$k < \$steps; \$k\+\+\)/g)).toHaveLength(2);
  });

  it('a .ts module with loops (a named T, a gradient of a gradient) passes tsc --strict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'symgrad-loops-ts-'));
    writeFileSync(join(dir, 'rnn.ts'), compileSpec(text, { language: 'ts' }).source);
    const args = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'es2022', '--ignoreConfig', join(dir, 'rnn.ts')];
    expect(() => execFileSync(join('node_modules', '.bin', 'tsc'), args, { encoding: 'utf8' })).not.toThrow();
  }, 60_000);

  it('compiles to the same bytes twice', () => {
    expect(compileSpec(text).source).toBe(compileSpec(text).source);
  });
});

describe('bad loops are errors naming the place', () => {
  const cases: [string, Record<string, string>, Json, RegExp][] = [
    ['a body returning the wrong carry shape', { y: 'fold(wide, h0, X)' }, { functions: { wide: { args: ['h', 'x'], nodes: { n: 'sum(h) + x' }, return: 'n' } } }, /nodes\.y: column 1: wide returns shape \[2\], but the carry \(init\) has shape \[3\]/],
    ['sequences of different lengths', { y: 'fold(two, h0, X, Y)' }, {}, /nodes\.y: column 1: the sequences have different lengths: \[T, 2\] and \[5, 2\]/],
    ['steps not a whole number', { y: 'iterate(descend, h0, steps=2.5)' }, {}, /nodes\.y: column \d+: steps must be a whole number ≥ 0, got 2\.5/],
    ['negative steps', { y: 'iterate(descend, h0, steps=-1)' }, {}, /steps must be a whole number ≥ 0, got -1/],
    ['missing steps', { y: 'iterate(descend, h0)' }, {}, /nodes\.y: column 1: iterate needs the keyword steps/],
    ['wrong arity', { y: 'scan(cell, h0, X, X)' }, {}, /nodes\.y: column 1: cell takes 2 arguments, but scan calls it with 3/],
    ['not a function', { y: 'scan(tanh, h0, X)' }, {}, /nodes\.y: column 6: 'tanh' is not a function of the spec's functions section/],
    ['no sequence', { y: 'fold(descend, h0)' }, {}, /fold needs at least one sequence/],
  ];
  for (const [what, nodes, extra, message] of cases) {
    it(what, () => {
      const base = JSON.parse(spec(nodes, ['y']));
      const text = JSON.stringify({ ...base, functions: { ...base.functions, ...((extra.functions as Json) ?? {}) } });
      expect(failure(text)).toMatch(message);
    });
  }

  it('recursion through a loop: a body looping over itself or a later function', () => {
    const self = JSON.parse(spec({ y: 'fold(rec, h0, X)' }, ['y']));
    self.functions.rec = { args: ['h', 'x'], nodes: { n: 'fold(rec, h, X)' }, return: 'n' };
    expect(failure(JSON.stringify(self))).toMatch(/^functions\.rec\.nodes\.n: column 6: 'rec' calls itself/);
    const later = JSON.parse(spec({ y: 'fold(early, h0, X)' }, ['y']));
    later.functions = { early: { args: ['h', 'x'], nodes: { n: 'iterate(late, h, steps=2)' }, return: 'n' }, late: { args: ['h'], return: 'h' } };
    expect(failure(JSON.stringify(later))).toMatch(/^functions\.early\.nodes\.n: column 9: 'late' is defined after 'early'/);
  });

  it('a body is bound by the spec limits too', () => {
    const text = spec({ y: 'fold(cell, h0, X)' }, ['y']);
    expect(() => loadSpec(text, { maxNodes: 12 })).toThrow(/grows past 12 nodes/);
    expect(() => loadSpec(text, { maxNodes: 40 })).not.toThrow();
    expect(failure(spec({ y: 'iterate(descend, h0, steps=1000)' }, ['y']), { maxElements: 999 })).toMatch(/^nodes\.y: column 1: a loop of 1000 steps is longer than 999 \(--max-elements\)/);
  });

  it('the CLI prints one error line and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'symgrad-loops-'));
    const file = join(dir, 'bad.graph.json');
    writeFileSync(file, spec({ y: 'iterate(descend, h0, steps=1.5)' }, ['y']));
    const { code, stderr } = await cli('compile', file, '-o', join(dir, 'out.js'));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: .*bad\.graph\.json: nodes\.y: column \d+: steps must be a whole number ≥ 0/);
  });
});
