import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SymgradError } from '../../compiler/errors.js';
import { interpret } from '../../compiler/interpret.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { cli } from '../cli/run.js';

type Json = Record<string, unknown>;

/** A spec with inputs x [3], m [2, 3] and param p [3], these functions and nodes; every node an output. */
function spec(functions: Json, nodes: Record<string, string>, extra: Json = {}): string {
  return JSON.stringify({
    format: 'symgrad/1',
    inputs: { x: { shape: [3] }, m: { shape: [2, 3] } },
    params: { p: { shape: [3], init: [1, 2, 3] } },
    consts: { c: 10 },
    functions,
    nodes,
    outputs: Object.keys(nodes),
    ...extra,
  });
}

const feeds = { x: { shape: [3], data: Float64Array.of(1, -2, 0.5) }, m: { shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) } };

/** Every output's flat value, by name. */
function run(text: string): Record<string, number[]> {
  const loaded = loadSpec(text);
  const values = interpret(
    loaded.outputs.map((o) => o.node),
    { ...feeds, p: { shape: [3], data: Float64Array.of(1, 2, 3) } },
  );
  return Object.fromEntries(loaded.outputs.map((o, i) => [o.name, [...values[i].data]]));
}

/** `place: message` of the error loading `text` throws. */
function failure(text: string): string {
  try {
    loadSpec(text);
  } catch (error) {
    if (error instanceof SymgradError) return `${error.place}: ${error.message}`;
    throw error;
  }
  throw new Error('no error');
}

const twice = { args: ['a'], nodes: { s: 'a * a' }, return: 's' };

describe('spec functions', () => {
  it('builds a call per call, for arguments of different shapes', () => {
    const out = run(spec({ twice }, { v: 'twice(x)', w: 'twice(m)', s: 'twice(2)' }));
    expect(out.v).toEqual([1, 4, 0.25]);
    expect(out.w).toEqual([1, 4, 9, 16, 25, 36]);
    expect(out.s).toEqual([4]);
    expect(loadSpec(spec({ twice }, { w: 'twice(m)' })).names.get('w')!.shape).toEqual([2, 3]);
  });

  it('lets a body use the inputs, params and consts, and a function call earlier functions', () => {
    const functions = {
      twice,
      quartic: { args: ['a', 'b'], nodes: { q: 'twice(twice(a))', r: 'q + b * p + c' }, return: 'r' },
    };
    expect(run(spec(functions, { y: 'quartic(x, 1)' })).y).toEqual([1 + 1 + 10, 16 + 2 + 10, 0.0625 + 3 + 10]);
  });

  it('lets a body take a grad, and keeps an argument apart from an equal value in the body', () => {
    const functions = {
      cube_slope: { args: ['a'], nodes: { g: 'grad(sum(a ^ 3), a)' }, return: 'g' },
      // The argument is sin(p); the body's own sin(p) is held fixed when differentiating by the argument.
      held: { args: ['a'], nodes: { g: 'grad(sum(a * sin(p)), a)' }, return: 'g' },
    };
    const out = run(spec(functions, { g: 'cube_slope(x)', h: 'held(sin(p))', d: 'grad(sum(cube_slope(x)), x)' }));
    expect(out.g).toEqual([3, 12, 0.75]);
    [1, 2, 3].forEach((v, i) => expect(out.h[i]).toBeCloseTo(Math.sin(v), 14));
    expect(out.d).toEqual([6, -12, 3]);
  });

  it('differentiates through a call like through its body', () => {
    const functions = { cell: { args: ['h', 'u'], nodes: { next: 'tanh(h * p + u)' }, return: 'next' } };
    const out = run(spec(functions, { a: 'grad(sum(cell(cell(x, 1), x)), x)', b: 'grad(sum(tanh(tanh(x * p + 1) * p + x)), x)' }));
    out.a.forEach((v, i) => expect(v).toBeCloseTo(out.b[i], 14));
  });

  it('names the calling node and the body node of an error in a body', () => {
    const functions = { cell: { args: ['a', 'b'], nodes: { h_next: 'tanh(a @ b)' }, return: 'h_next' } };
    expect(failure(spec(functions, { ok: 'cell(m, x)', y: 'cell(x, m)' }))).toBe(
      'nodes.y: column 1: in cell: nodes.h_next: column 8: matmul: shapes [3] and [2, 3] do not align (3 vs 2)',
    );
    const nested = { cell: functions.cell, wrap: { args: ['a'], nodes: { o: '1 + cell(a, a)' }, return: 'o' } };
    expect(failure(spec(nested, { z: 'sin(wrap(m))' }))).toBe(
      'nodes.z: column 5: in wrap: nodes.o: column 5: in cell: nodes.h_next: column 8: matmul: shapes [2, 3] and [2, 3] do not align (3 vs 2)',
    );
  });

  it.each([
    [{ f: { args: ['a'], nodes: { b: 'f(a)' }, return: 'b' } }, {}, "functions.f.nodes.b: column 1: 'f' calls itself: a function may call only built-ins and functions defined before it (no recursion)"],
    [
      { f: { args: ['a'], nodes: { b: '1 + g(a)' }, return: 'b' }, g: twice },
      {},
      "functions.f.nodes.b: column 5: 'g' is defined after 'f': a function may call only built-ins and functions defined before it (no recursion)",
    ],
    [{ twice }, { y: 'twice(x, x)' }, 'nodes.y: column 1: twice takes 1 argument, got 2'],
    [{ twice }, { y: 'twice(x, axis=0)' }, 'nodes.y: column 10: twice takes no keywords'],
    [{ sin: twice }, {}, "functions.sin: 'sin' is a built-in function's name"],
    [{ class: twice }, {}, "functions.class: 'class' is a reserved word of JavaScript/TypeScript"],
    [{ x: twice }, {}, "functions.x: 'x' is already declared"],
    [{ twice }, { twice: 'x' }, "nodes.twice: 'twice' is a function name"],
    [{ f: { args: ['a', 'a'], nodes: {}, return: 'a' } }, {}, "functions.f.args[1]: 'a' is already declared in f"],
    [{ f: { args: ['a'], nodes: { a: '1' }, return: 'a' } }, {}, "functions.f.nodes.a: 'a' is already declared in f"],
    [{ f: { args: ['a'], nodes: { exp: 'a' }, return: 'exp' } }, {}, "functions.f.nodes.exp: 'exp' is a function name"],
    [{ f: { args: ['a'], nodes: {} } }, {}, "functions.f: missing 'return'"],
    [{ f: { args: ['a'], nodes: {}, return: 'b' } }, {}, "functions.f.return: 'b' is not an argument or node of f (did you mean 'a'?)"],
    [{ f: { args: 'a', nodes: {}, return: 'a' } }, {}, 'functions.f.args: expected a list of names, got the string "a"'],
    [{ f: { args: ['a'], nodes: {}, return: 'a', vjb: {} } }, {}, "functions.f.vjb: unknown field (did you mean 'vjp'?)"],
    [{ f: { args: ['a'], nodes: { b: 'a + y' }, return: 'b' } }, { y: 'x' }, "functions.f.nodes.b: column 5: unknown name 'y' (did you mean 'x'?) (a body sees its args, its earlier nodes, and the spec's inputs, params and consts)"],
    [{ f: { args: ['a'], nodes: { b: 'e', e: 'a' }, return: 'b' } }, {}, "functions.f.nodes.b: column 1: 'e' is used before it is defined (body nodes may only refer to earlier names)"],
    [{ f: { args: ['a'], nodes: { b: 'sinn(a)' }, return: 'b' } }, {}, "functions.f.nodes.b: column 1: unknown function 'sinn' (did you mean 'sin'?)"],
    [{ f: { args: ['a'], nodes: { b: 'a +' }, return: 'b' } }, {}, 'functions.f.nodes.b: column 4: unexpected end of expression'],
    [{ f: { args: ['a'], nodes: { s: 'step(a)' }, return: 's', vjp: {} } }, {}, 'functions.f.vjp: no entry for the argument \'a\' (every argument needs one; write "0" for none)'],
    [{ f: { args: ['a'], nodes: { s: 'step(a)' }, return: 's', vjp: { a: '0', b: '0' } } }, {}, "functions.f.vjp.b: 'b' is not an argument of f (did you mean 'a'?)"],
    [{ f: { args: ['a'], nodes: { dy: 'step(a)' }, return: 'dy', vjp: { a: 'dy' } } }, {}, "functions.f.nodes.dy: 'dy' is the cotangent of the vjp: a function with a vjp cannot name an argument or node 'dy'"],
    [{ f: { args: ['dy'], nodes: {}, return: 'dy', vjp: { dy: 'dy' } } }, {}, "functions.f.args[0]: 'dy' is the cotangent of the vjp: a function with a vjp cannot name an argument or node 'dy'"],
    [{ f: { args: ['a'], nodes: { s: 'step(a)' }, return: 's', vjp: { a: 'dy * s + zz' } } }, {}, "functions.f.vjp.a: column 10: unknown name 'zz' (a vjp sees the args, the body's nodes, dy, and the spec's inputs, params and consts)"],
    [{ f: { args: ['a'], nodes: {}, return: 'a' } }, { y: 'g(x)' }, "nodes.y: column 1: unknown function 'g' (did you mean 'f'?)"],
  ])('rejects %j with nodes %j', (functions, nodes, message) => {
    expect(failure(spec(functions, nodes as Record<string, string>))).toBe(message);
  });

  it('allows dy as a name in a function without a vjp, and a function without nodes', () => {
    expect(run(spec({ f: { args: ['dy'], return: 'dy' } }, { y: 'f(x)' })).y).toEqual([1, -2, 0.5]);
  });

  it('reports a vjp of the wrong shape at the derivative that uses it', () => {
    const functions = { f: { args: ['a'], nodes: { s: 'sin(a)' }, return: 's', vjp: { a: 'sum(dy)' } }, g: { args: ['a'], nodes: { s: 'sin(a)' }, return: 's', vjp: { a: 'ones(shape=[2])' } } };
    expect(failure(spec(functions, { ok: 'grad(sum(f(x)), x)', y: 'grad(sum(g(x)), x)' }))).toBe(
      "nodes.y: in g: vjp.a: the gradient of 'a' has shape [2], not the argument's shape [3]",
    );
  });
});

describe('spec function errors on the command line', () => {
  const dir = join('tests', '.tmp', 'functions');
  mkdirSync(dir, { recursive: true });
  it.each([
    ['recursion', { f: { args: ['a'], nodes: { b: 'f(a)' }, return: 'b' } }, {}, "functions.f.nodes.b: column 1: 'f' calls itself"],
    ['arity', { twice }, { y: 'twice()' }, 'nodes.y: column 1: twice takes 1 argument, got 0'],
    ['missing vjp entry', { f: { args: ['a', 'b'], nodes: {}, return: 'a', vjp: { a: 'dy' } } }, {}, "functions.f.vjp: no entry for the argument 'b'"],
  ])('prints one error line for %s and exits 2', async (name, functions, nodes, message) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.graph.json`);
    writeFileSync(file, spec(functions, nodes as Record<string, string>));
    const { code, stdout, stderr } = await cli('eval', file, '--set', 'x=[1,2,3]', '--set', 'm=[[1,2,3],[4,5,6]]');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr.startsWith(`error: ${file}: ${message}`)).toBe(true);
  });
});
