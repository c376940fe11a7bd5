import { describe, expect, it } from 'vitest';
import { cli } from './run.js';

/** The commands listed by `symgrad --help` (so a new command is covered as soon as it is registered). */
async function commands(): Promise<string[]> {
  const { stdout } = await cli('--help');
  const section = stdout.split('Commands:\n')[1].split('\n\n')[0];
  return [...section.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]).filter((name) => name !== 'help');
}

describe('--help', () => {
  it('lists the commands of SPEC §4 that exist so far', async () => {
    expect(await commands()).toEqual(expect.arrayContaining(['compile', 'eval', 'check', 'trace', 'viz']));
  });

  it('shows an example on every command', async () => {
    for (const name of await commands()) {
      const { code, stdout } = await cli(name, '--help');
      expect(code, name).toBe(0);
      expect(stdout, name).toMatch(new RegExp(`\\nExamples?:\\n {2}\\$ symgrad ${name} `));
    }
  });
});
