import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

const dir = join('tests', '.tmp', 'errors');
mkdirSync(dir, { recursive: true });

function specFile(name: string, text: string): string {
  const path = join(dir, `${name}.graph.json`);
  writeFileSync(path, text);
  return path;
}

const spec = (fields: Record<string, unknown>) => JSON.stringify({ format: 'symgrad/1', ...fields }, null, 2);
const scalarInputs = { x: { shape: [] } };

/** [case, spec text, extra eval arguments, expected error line after `error: FILE`] */
const cases: [string, string, string[], RegExp][] = [
  ['malformed JSON', '{\n  "format": "symgrad/1",\n  "nodes": { "y": "x" ,, }\n}', [], /^:3:24: expected a string as object key$/],
  ['missing format', JSON.stringify({ inputs: scalarInputs }), [], /^: format: missing: it must be "symgrad\/1"$/],
  [
    'unknown function',
    spec({ inputs: scalarInputs, nodes: { y: 'sinn(x)' }, outputs: ['y'] }),
    ['--set', 'x=1'],
    /^: nodes\.y: column 1: unknown function 'sinn' \(did you mean 'sin'\?\)$/,
  ],
  [
    'name used before it is defined',
    spec({ inputs: scalarInputs, nodes: { y: 'z + x', z: 'x * 2' }, outputs: ['y'] }),
    ['--set', 'x=1'],
    /^: nodes\.y: column 1: 'z' is used before it is defined/,
  ],
  [
    'matmul shape mismatch',
    spec({ inputs: { a: { shape: [2, 3] }, b: { shape: [2, 3] } }, nodes: { y: 'a @ b' }, outputs: ['y'] }),
    [],
    /^: nodes\.y: column 3: matmul: shapes \[2, 3\] and \[2, 3\] do not align \(3 vs 2\)$/,
  ],
  [
    'broadcast mismatch',
    spec({ inputs: { a: { shape: [2, 3] }, b: { shape: [4] } }, nodes: { y: 'a + b' }, outputs: ['y'] }),
    [],
    /^: nodes\.y: column 3: add: cannot broadcast shapes \[2, 3\] and \[4\] \(3 vs 4\)$/,
  ],
  ['missing feed', spec({ inputs: scalarInputs, nodes: { y: 'x * 2' }, outputs: ['y'] }), [], /^: feeds\.x: missing feed for input 'x'$/],
  [
    'feed of the wrong shape',
    spec({ inputs: { x: { shape: [2] } }, nodes: { y: 'x * 2' }, outputs: ['y'] }),
    ['--set', 'x=[1,2,3]'],
    /^: feeds\.x: expected shape \[2\], got \[3\]$/,
  ],
  ['JavaScript keyword as a name', spec({ inputs: { class: { shape: [] } }, outputs: ['class'] }), [], /^: inputs\.class: 'class' is a reserved word/],
  ['name breaking the name rule', spec({ inputs: { '2x': { shape: [] } }, outputs: [] }), [], /^: inputs\.2x: "2x" is not a valid name/],
];

describe.each(cases)('%s', (_, text, args, expected) => {
  it.each([['compile'], ['eval'], ['eval --interpret']])('%s: exit 2, one error line naming the place, no output file', async (command) => {
    const path = specFile(_.replace(/\W+/g, '-'), text);
    const out = join(dir, `${_.replace(/\W+/g, '-')}.js`);
    const [name, ...flags] = command.split(' ');
    const argv = name === 'compile' ? ['compile', path, '-o', out] : ['eval', path, ...flags, ...args];
    const { code, stdout, stderr } = await cli(...argv);
    const isFeedError = expected.source.includes('feeds');
    if (name === 'compile' && isFeedError) {
      expect(code).toBe(0);
      return;
    }
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`error: ${path}`)).toBe(true);
    expect(lines[0].slice(`error: ${path}`.length)).toMatch(expected);
    if (name === 'compile') expect(existsSync(out)).toBe(false);
  });
});

it('refuses to overwrite the input spec, leaving it intact', async () => {
  const text = spec({ inputs: scalarInputs, outputs: ['x'] });
  const path = join(dir, 'spec-named-like-a-module.js');
  writeFileSync(path, text);
  const { code, stderr } = await cli('compile', path, '-o', path);
  expect(code).toBe(2);
  expect(stderr).toBe(`error: ${path}: refusing to overwrite the input spec ${path}\n`);
  expect(readFileSync(path, 'utf8')).toBe(text);
});
