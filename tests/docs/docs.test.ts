import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { specFunctions } from '../../compiler/spec/functions.js';
import { cli } from '../cli/run.js';

const reference = readFileSync('docs/reference.md', 'utf8');
const tutorial = readFileSync('docs/tutorial.md', 'utf8');
const readme = readFileSync('README.md', 'utf8');

/** `$ symgrad ...` (or `$ npx symgrad ...`) commands on the samples in a page's console blocks, with the output shown under them. */
function runsIn(page: string): { argv: string[]; output: string }[] {
  const blocks = [...page.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((block) =>
    block
      .split(/^(?=\$ )/m)
      .map((run) => /^\$ (?:npx )?symgrad (.*?)(?: +#.*)?\n([\s\S]*)$/.exec(run))
      .filter((m): m is RegExpExecArray => m !== null && m[1].includes('samples/') && m[2] !== '')
      .map((m) => ({ argv: m[1].split(' '), output: m[2] })),
  );
}

describe('docs', () => {
  it('the reference documents every spec function', () => {
    const missing = [...specFunctions.keys()].filter((name) => !reference.includes(`\`${name}(`) && !new RegExp(`\`${name}\``).test(reference));
    expect(missing).toEqual([]);
  });

  it('the reference documents every command', async () => {
    const { stdout } = await cli('--help');
    const commands = [...stdout.split('Commands:\n')[1].matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    for (const command of commands) expect(reference, command).toContain(`### \`symgrad ${command} `);
  });

  it.each(runsIn(tutorial))('the tutorial shows the real output of symgrad $argv', async ({ argv, output }) => {
    const { stdout } = await cli(...argv);
    expect(stdout).toBe(output);
  });

  it.each(runsIn(readme))('the README shows the real output of symgrad $argv', async ({ argv, output }) => {
    const { stdout } = await cli(...argv);
    expect(stdout).toBe(output);
  });

  it('the README pins its runs on the samples: eval, trace, check and stats', () => {
    expect(runsIn(readme).map((run) => run.argv[0])).toEqual(['eval', 'trace', 'check', 'stats']);
  });

  it('the README links the project’s own reference as the contract, nothing outside the repository', () => {
    expect(readme).toContain('[reference](docs/reference.md)');
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1]).filter((link) => !/^https?:/.test(link));
    expect(links.filter((link) => link.startsWith('..'))).toEqual([]);
    for (const link of links) expect(() => readFileSync(link), link).not.toThrow();
  });

  it('the tutorial’s excerpt of generated code is what compile writes now', () => {
    const excerpt = /```js\n([\s\S]*?)```/.exec(tutorial)![1];
    const { source } = compileSpec(readFileSync('samples/seed-function.graph.json', 'utf8'));
    expect(source).toContain(excerpt);
  });
});
