import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../cli/run.js';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { nameProblem } from '../../compiler/spec/names.js';
import { loadModuleSource, type CompiledModule, type Feeds } from '../../runtime/module.js';

const compile = async (spec: object): Promise<CompiledModule> => loadModuleSource(compileSpec(JSON.stringify({ format: 'symgrad/1', ...spec })).source);

/** The error a run throws, as `Class: message`. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
  return 'no error';
}

describe('a generated module refuses bad feeds, naming the feed', () => {
  const spec = { inputs: { x: { shape: ['N', 'K'] } }, nodes: { y: 'exp(sum(x, axis=1))' }, outputs: ['y'] };
  const good = { x: { data: [1, 2, 3, 4], shape: [2, 2] } };

  it.each([
    [{ x: { data: [1, 2, 3], shape: [1.5, 2] } }, 'RangeError: feeds.x: shape [1.5, 2] has a size that is not a whole number from 0'],
    [{ x: { data: [], shape: [-1, -1] } }, 'RangeError: feeds.x: shape [-1, -1] has a size that is not a whole number from 0'],
    [{ x: { data: [], shape: [1e300, 0] } }, 'RangeError: feeds.x: shape [1e+300, 0] has a size that is not a whole number from 0'],
    [{ x: { data: null, shape: [1, 2] } }, 'RangeError: feeds.x: data must be an array or a typed array'],
    [{ x: { data: [1, 2], shape: 'no' } }, 'RangeError: feeds.x: shape must be a list of sizes'],
  ])('%j', async (feeds, message) => {
    const kernel = (await compile(spec)).createKernel();
    expect(failure(() => kernel.run(feeds as unknown as Feeds))).toBe(message);
  });

  it('a flat array that fits no size of the named dimension', async () => {
    const module = await compile({ inputs: { x: { shape: ['N', 2] } }, nodes: { y: 'sum(x)' }, outputs: ['y'] });
    expect(failure(() => module.run({ x: [1, 2, 3] }))).toBe('RangeError: feeds.x: expected shape [N, 2] (a multiple of 2 values), got 3 values');
  });

  it('a 40-byte feed cannot bind sizes past maxElements, and the kernel still runs the old sizes afterwards', async () => {
    const module = await compile(spec);
    const kernel = module.createKernel();
    const before = Array.from(kernel.run(good).y.data);
    expect(failure(() => kernel.run({ x: { data: [], shape: [5e8, 0] } }))).toBe(
      'RangeError: feeds: the sizes N=500000000, K=0 need 1000000000 elements of buffers, more than maxElements = 100000000',
    );
    expect(Array.from(kernel.run(good).y.data)).toEqual(before);
    // y's 2 and the sum's 2, and x's 4 staged in the WebAssembly memory for the loop of run-time size that reads it.
    expect(failure(() => module.createKernel({ maxElements: 3 }).run(good))).toMatch(/need 8 elements of buffers, more than maxElements = 3$/);
    expect(failure(() => module.createKernel({ maxElements: 7 }).run(good))).toMatch(/need 8 elements of buffers, more than maxElements = 7$/);
    expect(Array.from(module.createKernel({ maxElements: 8 }).run(good).y.data)).toEqual(before);
  });
});

describe('every value a module declares is reserved or cannot be a spec name', () => {
  it('in .ts and .js output, with the scalar kernel and named dimensions', () => {
    const specs = [
      { inputs: { x: { shape: [] } }, nodes: { y: 'sin(x)' }, outputs: ['y'] },
      { inputs: { scalar: { shape: [] }, x: { shape: [] } }, nodes: { y: 'sin(scalar) * x', g: 'grad(y, scalar)' }, outputs: ['y', 'g'] },
      { inputs: { x: { shape: ['N', 3] } }, params: { w: { shape: [3], init: 'ones' } }, nodes: { y: 'sum(x @ w)' }, outputs: ['y'] },
    ];
    for (const spec of specs) {
      for (const language of ['ts', 'js'] as const) {
        const { source } = compileSpec(JSON.stringify({ format: 'symgrad/1', ...spec }), { language });
        // Declarations at module level, and at the level of the kernel instance, where spec names live.
        const instance = source.slice(source.indexOf('function $instance('), source.indexOf('\n}\n', source.indexOf('function $instance(')));
        const declared = [
          // Types (Feed, Output) live apart from values, and spec names only ever name values.
          ...[...source.matchAll(/^(?:export )?(?:function|const|let) ([A-Za-z_$][\w$]*)/gm)],
          ...[...instance.matchAll(/^ {2}(?:function|const|let) ([A-Za-z_$][\w$]*)/gm)],
        ].map((m) => m[1]);
        expect(declared.length).toBeGreaterThan(10);
        const specNames = new Set([...Object.keys(spec.inputs), ...Object.keys(spec.params ?? {}), ...Object.keys(spec.nodes)]);
        const clashing = declared.filter((name) => !name.includes('$') && !specNames.has(name) && nameProblem(name, new Set()) === undefined);
        expect(clashing, language).toEqual([]);
      }
    }
  });

  it('a spec input named scalar compiles to a module that imports and runs', async () => {
    const module = await compile({ inputs: { scalar: { shape: [] } }, nodes: { y: 'sin(scalar)' }, outputs: ['y'] });
    expect(module.run({ scalar: 0.5 }).y.data[0]).toBeCloseTo(Math.sin(0.5), 15);
  });
});

describe('empty tensors', () => {
  it('reshape, elementwise ops, reductions and gradients of zero-size tensors run', async () => {
    const module = await compile({
      inputs: { x: { shape: [0] }, z: { shape: [0, 2] } },
      nodes: { r: 'reshape(x, shape=[0, 2])', a: 'abs(z)', s: 'sum(r * 3, axis=0)', g: 'grad(sum(s), x)' },
      outputs: ['r', 'a', 's', 'g'],
    });
    const out = module.run({ x: [], z: { data: [], shape: [0, 2] } });
    expect([out.r.shape, out.a.shape, out.s.shape, out.g.shape]).toEqual([[0, 2], [0, 2], [2], [0]]);
    // A sum over no entries is zero (−0, the IEEE additive identity every sum starts from).
    expect(Array.from(out.s.data).every((v) => v === 0)).toBe(true);
  });
});

describe('eval bounds the sizes feeds bind at run time', () => {
  it('by --max-total-elements, with one error line', async () => {
    const dir = join('tests', '.tmp', 'security', 'eval-bound');
    mkdirSync(dir, { recursive: true });
    const spec = join(dir, 'n.graph.json');
    writeFileSync(spec, JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: ['N', 'K'] } }, nodes: { y: 'exp(sum(x, axis=1))' }, outputs: ['y'] }));
    const refused = await cli('eval', spec, '--set', 'x=[[1,2],[3,4]]', '--max-total-elements', '3');
    expect(refused).toMatchObject({ code: 2, stdout: '', stderr: `error: ${spec}: feeds: the sizes N=2, K=2 need 8 elements of buffers, more than maxElements = 3\n` });
    expect((await cli('eval', spec, '--set', 'x=[[1,2],[3,4]]', '--max-total-elements', '7')).code).toBe(2);
    expect((await cli('eval', spec, '--set', 'x=[[1,2],[3,4]]', '--max-total-elements', '8')).code).toBe(0);
  });
});
