import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { createSession, type Feeds } from '../../runtime/index.js';
import { loadModuleSource } from '../../runtime/module.js';

// Hostile data given to Session.fit and to a generated scalar kernel.
const xorSpec = readFileSync('samples/xor-train.graph.json', 'utf8');
const xor = { X: [[0, 0], [0, 1], [1, 0], [1, 1]], Y: [0, 1, 1, 0] };

describe('Session.fit refuses bad data with an error naming it', () => {
  it.each<[string, unknown, RegExp]>([
    // Eight numbers for [4, 2], but in rows of 2, 3, 1 and 2: not reshaped into a matrix.
    ['ragged rows whose total fits', { ...xor, X: [[0, 0], [0, 1, 1], [0], [1, 1]] }, /^feeds\.X: ragged nested array: 3 entries at depth 2, where shape \[4, 2\] has 2$/],
    ['an array where a number belongs', { ...xor, X: [[0, 0], [0, [1]], [1, 0], [1, 1]] }, /^feeds\.X: ragged nested array: an array at depth 3/],
    ['a number where a row belongs', { ...xor, X: [[0, 0], [0, 1], 1, 0, [1, 1]] }, /^feeds\.X: ragged nested array: a number at depth 2/],
  ])('%s', async (_, data, message) => {
    const session = await createSession(xorSpec, { loss: 'loss', lr: 0.1 });
    const before = Array.from(session.params.W);
    expect(() => session.fit(data as Feeds)).toThrow(RangeError);
    expect(() => session.fit(data as Feeds)).toThrow(message);
    expect(Array.from(session.params.W)).toEqual(before);
  });

  it.each<[string, unknown, ErrorConstructor, string]>([
    ['null', null, TypeError, 'feeds: expected an object of input name to values, got null'],
    ['a number', 3, TypeError, 'feeds: expected an object of input name to values, got number'],
    ['a string', 'X', TypeError, 'feeds: expected an object of input name to values, got string'],
    ['an array', [xor], TypeError, 'feeds: expected an object of input name to values, got an array'],
    ['a null column', { ...xor, X: null }, TypeError, 'feeds.X: expected a number, nested arrays of numbers or { data, shape }, got null'],
    ['a string column', { ...xor, Y: '0110' }, TypeError, 'feeds.Y: expected a number, nested arrays of numbers or { data, shape }, got string'],
    ['an object column', { ...xor, Y: { length: 4 } }, TypeError, 'feeds.Y: expected a number, nested arrays of numbers or { data, shape }, got an object'],
    ['{ data: null }', { ...xor, Y: { data: null, shape: [4] } }, TypeError, 'feeds.Y: data must be an array or a typed array'],
    ['a fractional size', { ...xor, Y: { data: [0, 1, 1, 0], shape: [1.5] } }, RangeError, 'feeds.Y: shape must be an array of whole numbers >= 0'],
    ['a negative size', { ...xor, X: { data: [], shape: [-1, -2] } }, RangeError, 'feeds.X: shape must be an array of whole numbers >= 0'],
    ['no rows', { X: [], Y: [] }, RangeError, 'feeds.X: no rows to train on (N is 0)'],
    ['no rows as { data, shape }', { X: { data: [], shape: [0, 2] }, Y: { data: [], shape: [0] } }, RangeError, 'feeds.X: no rows to train on (N is 0)'],
  ])('%s', async (_, data, type, message) => {
    const session = await createSession(xorSpec, { loss: 'loss', lr: 0.1 });
    expect(() => session.fit(data as Feeds)).toThrow(type);
    expect(() => session.fit(data as Feeds)).toThrow(message);
  });

  it('good data still trains', async () => {
    const session = await createSession(xorSpec, { loss: 'loss', lr: 0.1 });
    expect(session.fit(xor, { epochs: 3 })).toMatchObject({ outcome: 'done', steps: 3 });
  });
});

describe('the scalar kernel takes numbers only', () => {
  const spec = { format: 'symgrad/1', inputs: { a: { shape: [] }, b: { shape: [] } }, nodes: { y: 'a * 2 + b' }, outputs: ['y'] };
  type Point = (...args: unknown[]) => Float64Array;

  it.each([true, false])('a string, a boolean, null or undefined is a TypeError naming the argument (simplify %s)', async (simplify) => {
    const { source } = compileSpec(JSON.stringify(spec), { simplify });
    const f = ((await loadModuleSource(source)) as unknown as { createScalarKernel(): Point }).createScalarKernel();
    expect(Array.from(f(1, 2))).toEqual([4]);
    expect(() => f('1', '2')).toThrow(new TypeError('a: expected a number, got string'));
    expect(() => f(1, '2')).toThrow(new TypeError('b: expected a number, got string'));
    expect(() => f(1, true)).toThrow(new TypeError('b: expected a number, got boolean'));
    expect(() => f(null, 1)).toThrow(new TypeError('a: expected a number, got object'));
    expect(() => f(1)).toThrow(new TypeError('b: expected a number, got undefined'));
    expect(() => f(1n, 1)).toThrow(new TypeError('a: expected a number, got bigint'));
  });

  it('a module without a scalar kernel has no such check', () => {
    const { source } = compileSpec(JSON.stringify({ ...spec, inputs: { a: { shape: ['N'] }, b: { shape: ['N'] } } }));
    expect(source).not.toMatch(/createScalarKernel|expected a number, got/);
  });
});
