import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsString } from '../../compiler/literals.js';
import { compileSpec } from '../../compiler/compile.js';
import { specFunctions } from '../../compiler/spec/functions.js';
import { nameProblem } from '../../compiler/spec/names.js';
import { interpret } from '../../compiler/interpret.js';
import { loadModuleSource } from '../../runtime/module.js';
import { cli } from '../cli/run.js';
import { expectErrorLine, runAgreeing, scratch, writeSpec } from './support.js';

const dir = scratch('names');
const invalid = ['a*/b', 'x/*', '${x}', '`x`', 'a\nb', 'a\u2028b', 'a\u2029b', 'a b', 'a"b', "a'b", 'a\\b', 'x;y', 'é', '1x', '', 'x-y', 'x.y', '</script>', '\u202ex'];
const reserved = ['__proto__', 'constructor', 'prototype', 'class', 'Math', 'eval', 'arguments', 'NaN', 'Infinity', 'undefined', 'globalThis', 'Float64Array'];
const moduleNames = ['run', 'signature', 'initialParams', 'createKernel', 'createScalarKernel'];
const functions = ['sin', 'grad'];

/** A spec declaring `name` in `section` and using it as an output. */
function declaring(section: string, name: string): object {
  const decl: Record<string, object> = {
    inputs: { inputs: { [name]: { shape: [] } } },
    params: { params: { [name]: { shape: [], init: 1 } } },
    consts: { consts: { [name]: 1 } },
    nodes: { inputs: { x: { shape: [] } }, nodes: { [name]: 'x * 2' } },
  };
  return { ...decl[section], outputs: [name] };
}

/** What the one error line shows of `text`: control characters and separators as `\u` escapes (`\u2028`). */
const shown = (text: string) => text.replace(/[\x00-\x1f\u2028\u2029\u202e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('a hostile spec name is rejected with one error line naming it', () => {
  const rows = [
    ...invalid.map((name) => [name, `${shown(JSON.stringify(name))} is not a valid name (letters, digits and _, not starting with a digit)`]),
    ...[...reserved, ...moduleNames].map((name) => [name, `'${name}' is a reserved word of JavaScript/TypeScript`]),
    ...functions.map((name) => [name, `'${name}' is a function name`]),
  ];
  describe.each(['inputs', 'params', 'consts', 'nodes'])('in %s', (section) => {
    it.each(rows)('%j', async (name, message) => {
      const path = writeSpec(dir, `${section}-${rows.findIndex((r) => r[0] === name)}`, declaring(section, name));
      const out = path.replace('.graph.json', '.js');
      await expectErrorLine(['compile', path, '-o', out], `${path}: ${section}.${shown(name)}: ${message}`);
      expect(existsSync(out)).toBe(false);
    });
  });
});

describe('names that are odd but legal compile to a correct module', () => {
  const odd = ['hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__', '_', '__', 'Feed', 'Feeds', 'Output', 'i', 'k', 'data', 'shape', 'place', 'value', 'name'];
  const spec = {
    inputs: Object.fromEntries(odd.slice(0, 6).map((n) => [n, { shape: [2] }])),
    params: Object.fromEntries(odd.slice(6, 12).map((n, k) => [n, { shape: [2], init: [k, -k] }])),
    consts: { [odd[12]]: [1, 2], [odd[13]]: [[3, 4]] },
    nodes: Object.fromEntries(odd.slice(14).map((n, k) => [n, `${odd[k]} * ${odd[k + 6]} + sum(${odd[12]} * ${odd[13]})`])),
    outputs: odd,
  };
  const feeds = Object.fromEntries(odd.slice(0, 6).map((n, k) => [n, { shape: [2], data: Float64Array.from([k + 1, -k]) }]));

  it('imports, runs and agrees with the interpreter', async () => {
    const outputs = await runAgreeing(spec, feeds);
    expect(Object.keys(outputs).sort()).toEqual([...odd].sort());
    expect(Object.getPrototypeOf(outputs)).toBe(null);
  });

  it('type-checks as .ts under --strict', () => {
    const path = join(dir, 'odd-names.ts');
    writeFileSync(path, compileSpec(JSON.stringify({ format: 'symgrad/1', ...spec }), { language: 'ts' }).source);
    const args = ['--ignoreConfig', '--strict', '--noEmit', '--target', 'es2022', '--module', 'es2022', '--lib', 'es2022', '--types', '', path];
    expect(() => execFileSync(join('node_modules', '.bin', 'tsc'), args, { encoding: 'utf8' })).not.toThrow();
  });

  it('holds for named dimensions called like Object.prototype members', async () => {
    const dims = { inputs: { x: { shape: ['constructor', 'toString'] }, y: { shape: ['toString'] }, w: { shape: ['__proto__'] } }, nodes: { z: 'sum(x, axis=0) * y + sum(w)' }, outputs: ['z'] };
    const feeds = { x: { shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]) }, y: { shape: [3], data: Float64Array.from([1, 0, -1]) }, w: { shape: [1], data: Float64Array.from([1]) } };
    expect([...(await runAgreeing(dims, feeds)).z.data]).toEqual([6, 1, -8]);
  });
});

describe('identifiers of the generated code, taken as spec names, change nothing', () => {
  // Every identifier a module uses for itself (`$`-prefixed ones without their `$`), as long as the name rule allows it.
  const sample = {
    inputs: { x: { shape: ['N', 3] }, v: { shape: [3] } },
    params: { W: { shape: [3, 3], init: { normal: [0, 1], seed: 1 } } },
    nodes: { y: 'sum(softmax(x @ W, axis=-1) * v, axis=1)', l: 'mean(y ^ 2)', g: 'grad(l, W)', m: 'maxout(x @ W, pieces=3)' },
    outputs: ['y', 'g', 'm'],
  };
  const code = compileSpec(JSON.stringify({ format: 'symgrad/1', ...sample })).source.replace(/\/\/.*|\/\*[^]*?\*\/|'(?:[^'\\]|\\.)*'/g, '');
  const functions = new Set(specFunctions.keys());
  const identifiers = [...new Set(code.match(/[A-Za-z_$][\w$]*/g)!.map((id) => id.replace(/^\$+/, '')))].filter((id) => !nameProblem(id, functions));
  const data = (shape: number[]) => ({ shape, data: Float64Array.from({ length: shape[0] * (shape[1] ?? 1) }, (_, k) => (k % 5) - 1.5) });

  it('as input names and as the dimension names of those inputs', async () => {
    expect(identifiers.length).toBeGreaterThan(20);
    const inputs = Object.fromEntries(identifiers.map((id) => [id, { shape: [id, 4] }]));
    const nodes = Object.fromEntries(identifiers.map((id, k) => [`n${k}_`, `maxout(softmax(${id}, axis=0), pieces=2) @ ones(shape=[2])`]));
    await runAgreeing({ inputs, nodes, outputs: Object.keys(nodes) }, Object.fromEntries(identifiers.map((id) => [id, data([2, 4])])));
  });

  it('as node names', async () => {
    const free = identifiers.filter((id) => !['x', 'v', 'W', 'l', 'g'].includes(id));
    const nodes = Object.fromEntries(free.map((id, k) => [id, `sum(softmax(x @ W, axis=-1) * v, axis=1) * ${k + 2}`]));
    const spec = { ...sample, nodes: { ...nodes, l: `mean(${free[0]} ^ 2)`, g: 'grad(l, W)' }, outputs: [...free, 'g'] };
    await runAgreeing(spec, { x: data([2, 3]), v: data([3]) });
  });
});

describe('the graph name reaches the module only as one string literal', () => {
  const hostile = ['*/ throw 1; /*', '\n}); process.exit(1); ({', '${process.exit(1)}', '`', '\u2028', '\u2029', '</script><script>alert(1)</script>', '\\', '"', "'", '\u0000', '\ud800', '\u202e'];
  const base = { inputs: { x: { shape: [] } }, nodes: { y: 'x * 2' }, outputs: ['y'] };
  const source = (name: string, language: 'js' | 'ts') => compileSpec(JSON.stringify({ format: 'symgrad/1', name, ...base }), { language }).source;

  it.each(hostile)('%j', async (name) => {
    for (const language of ['js', 'ts'] as const) {
      expect(source(name, language)).toBe(source('X', language).replace(jsString('X'), jsString(name)));
    }
    expect(jsString(name)).not.toMatch(/[\n\r\u2028\u2029]/);
    const module = await loadModuleSource(source(name, 'js'));
    expect([...module.run({ x: 3 }).y.data]).toEqual([6]);
  });
});

describe('hostile feed keys do not reach prototypes', () => {
  const spec = JSON.stringify({ format: 'symgrad/1', inputs: { x: { shape: [] } }, params: { toString: { shape: [], init: 5 } }, nodes: { y: 'x + toString' }, outputs: ['y'] });

  it('the generated module reads own keys only and returns a null-prototype object', async () => {
    const module = await loadModuleSource(compileSpec(spec).source);
    const before = Object.getOwnPropertyNames(Object.prototype);
    expect(module.run(JSON.parse('{"__proto__": {"x": 100, "polluted": 1}, "x": 1}')).y.data[0]).toBe(6);
    expect(() => module.run(JSON.parse('{"__proto__": {"x": 100}}'))).toThrow("feeds.x: missing feed for input 'x'");
    expect(() => module.run(Object.create({ x: 100 }))).toThrow("feeds.x: missing feed for input 'x'");
    const output = module.run({ x: 1, constructor: 2, hasOwnProperty: 3, ['__proto__']: 4 } as never);
    expect(output.y.data[0]).toBe(6);
    expect(Object.getPrototypeOf(output)).toBe(null);
    expect(module.run({ x: JSON.parse('{"__proto__": {"polluted": 1}, "data": [1], "shape": []}') }).y.data[0]).toBe(6);
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(before);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('the interpreter reads own keys only', () => {
    const { spec: loaded } = compileSpec(spec);
    expect(() => interpret([loaded.outputs[0].node], JSON.parse('{"__proto__": {"x": {"shape": [], "data": [1]}}}'))).toThrow("missing feed for input 'x'");
  });

  it.each([
    [['--set', '__proto__=1'], '__proto__'],
    [['--set', 'constructor=1'], 'constructor'],
  ])('the CLI rejects %j by name', async (args, name) => {
    const path = writeSpec(dir, 'feeds', spec);
    await expectErrorLine(['eval', path, '--set', 'x=1', ...args], `${path}: feeds.${name}: not an input or param of the spec`);
  });

  it('the CLI rejects a feed file with a __proto__ key by name', async () => {
    const path = writeSpec(dir, 'feeds', spec);
    const feed = join(dir, 'proto-feed.json');
    writeFileSync(feed, '{"x": 1, "__proto__": 2}');
    await expectErrorLine(['eval', path, '--feed', feed], `${path}: feeds.__proto__: not an input or param of the spec`);
    expect(({} as { x?: unknown }).x).toBeUndefined();
    const { stdout } = await cli('eval', path, '--set', 'x=1', '--interpret');
    expect(JSON.parse(stdout)).toEqual({ y: 6 });
  });
});
