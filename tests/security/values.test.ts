import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run.js';
import { expectErrorLine, runAgreeing, scratch, writeSpec } from './support.js';

const dir = scratch('values');
const extremes = '[-0, "NaN", "Infinity", "-Infinity", 5e-324, -1.7976931348623157e308, 0.1, 9007199254740993]';

describe('numbers round-trip exactly through generated code', () => {
  it('consts: -0, NaN, ±Infinity, the smallest and largest doubles', async () => {
    const spec = `{"format": "symgrad/1", "consts": {"c": ${extremes}, "z": -0}, "nodes": {"d": "c * 1", "e": "z * 1"}, "outputs": ["c", "d", "e", "z"]}`;
    const out = await runAgreeing(spec);
    const expected = [-0, NaN, Infinity, -Infinity, 5e-324, -1.7976931348623157e308, 0.1, 9007199254740992];
    expect([...out.c.data]).toEqual(expected);
    expect([...out.d.data]).toEqual(expected);
    expect(Object.is(out.e.data[0], -0) && Object.is(out.z.data[0], -0)).toBe(true);
  });

  it('param inits and feeds: -0 and non-finite strings', async () => {
    const spec = `{"format": "symgrad/1", "params": {"p": {"shape": [8], "init": ${extremes}}}, "nodes": {"q": "p + 0"}, "outputs": ["p", "q"]}`;
    expect(Object.is((await runAgreeing(spec)).p.data[0], -0)).toBe(true);
    const path = writeSpec(dir, 'init', spec);
    const { code, stdout } = await cli('eval', path, '--set', 'p=[-0, "NaN", "Infinity", "-Infinity", 1, 2, 3, 4]');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).q).toEqual([0, 'NaN', 'Infinity', '-Infinity', 1, 2, 3, 4]);
  });

  it('number literals in expressions, including -0 and subnormals, with IEEE semantics when not simplified', async () => {
    const nodes = { a: 'x * -0', b: 'x - -1', c: 'x + 5e-324 - x', d: 'x * 1.7976931348623157e308 * 10', e: '-0 * x' };
    const spec = { inputs: { x: { shape: [] } }, nodes, outputs: Object.keys(nodes) };
    const out = await runAgreeing(spec, { x: { shape: [], data: Float64Array.from([2]) } }, { simplify: false });
    expect([out.a.data[0], out.b.data[0], out.c.data[0], out.d.data[0], out.e.data[0]]).toEqual([-0, 3, 0, Infinity, -0]);
  });

  it('any finite double, as a literal or a keyword value, gives the same result as the interpreter', async () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0));
    await fc.assert(
      fc.asyncProperty(finite, async (v) => {
        const nodes = { a: `x * ${v}`, b: `leaky_relu(x, alpha=${v})`, c: `elu(x, alpha=${v})`, d: `${v} - x` };
        const feeds = { x: { shape: [3], data: Float64Array.from([-1.5, 0, 2]) } };
        const out = await runAgreeing({ inputs: { x: { shape: [3] } }, nodes, outputs: Object.keys(nodes) }, feeds);
        expect(out.a.data[2]).toBe(2 * v);
      }),
      { seed: 9, numRuns: 40 },
    );
  });
});

describe('hostile values are rejected with one error line', () => {
  const x = { inputs: { x: { shape: [] } }, outputs: ['y'] };
  const rows: [string, object | string, string][] = [
    ['1e999 in JSON', '{"format": "symgrad/1", "consts": {"c": 1e999}}', ':1:41: number out of range'],
    ['-1e999 in JSON', '{"format": "symgrad/1", "consts": {"c": [-1e999]}}', ':1:42: number out of range'],
    ['1e999 in an expression', { ...x, nodes: { y: 'x * 1e999' } }, ": nodes.y: column 5: number out of range '1e999'"],
    ['1e999 as a keyword', { ...x, nodes: { y: 'leaky_relu(x, alpha=1e999)' } }, ": nodes.y: column 21: number out of range '1e999'"],
    ['NaN as a keyword', { ...x, nodes: { y: 'leaky_relu(x, alpha=NaN)' } }, ": nodes.y: column 21: expected a number, true/false or a list of numbers for keyword 'alpha'"],
    ['true as a number keyword', { ...x, nodes: { y: 'leaky_relu(x, alpha=true)' } }, ': nodes.y: column 15: keyword \'alpha\' of leaky_relu must be a finite number'],
    ['a backtick', { ...x, nodes: { y: 'x + `1`' } }, ": nodes.y: column 5: unknown character '`'"],
    ['a template hole', { ...x, nodes: { y: '${x}' } }, ": nodes.y: column 1: unknown character '$'"],
    ['a comment end', { ...x, nodes: { y: 'x */ 1' } }, ": nodes.y: column 4: unexpected '/'"],
    ['a line separator', { ...x, nodes: { y: 'x\u2028+ 1' } }, ': nodes.y: column 2: unknown character "\\u2028"'],
    ['a quote', { ...x, nodes: { y: "x + '1'" } }, ': nodes.y: column 5: unknown character "\'"'],
    ['code as a const', { consts: { c: '1; process.exit()' } }, ': consts.c: expected a number (or "NaN", "Infinity", "-Infinity"), got the string "1; process.exit()"'],
    ['code in an init', { params: { p: { shape: [], init: '0 });//' } } }, ': params.p.init: expected a number (or "NaN", "Infinity", "-Infinity"), got the string "0 });//"'],
    ['NaN in a random init', { params: { p: { shape: [], init: { normal: ['NaN', 1] } } } }, ': params.p.init.normal: expected two finite numbers, got an array'],
    ['a fractional seed', { params: { p: { shape: [], init: { uniform: [0, 1], seed: 0.5 } } } }, ': params.p.init.seed: seed must be an integer'],
    ['a ragged literal', { consts: { c: [[1, 2], [3]] } }, ': consts.c[1]: ragged array: expected 2 entries here'],
  ];
  it.each(rows)('%s', async (name, spec, line) => {
    const path = writeSpec(dir, name, spec);
    await expectErrorLine(['compile', path, '-o', path.replace('.graph.json', '.js')], `${path}${line}`);
  });
});
