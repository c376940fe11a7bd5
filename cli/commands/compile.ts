import type { Command } from 'commander';
import { compileSpec } from '../../compiler/compile.js';
import { SymgradError } from '../../compiler/errors.js';
import { readText, writeFileAtomic, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';

export function registerCompile(program: Command, io: Io): void {
  const command = program
    .command('compile')
    .description('write the standalone TypeScript or JavaScript module for a spec')
    .argument('<spec>', 'the *.graph.json spec')
    .requiredOption('-o, --out <file>', 'output module, ending in .ts or .js')
    .addHelpText('after', '\nExample:\n  $ symgrad compile samples/seed-function.graph.json -o seed.js\n  $ node -e "import(\'./seed.js\').then(m => console.log(m.run({ x1: 2, x2: 5 }).y))"');
  limitOptions(command).action(async (specFile: string, options: { out: string }) => {
    const language = options.out.endsWith('.ts') ? 'ts' : options.out.endsWith('.js') || options.out.endsWith('.mjs') ? 'js' : undefined;
    const source = await forFile(io, specFile, () => {
      if (!language) throw new SymgradError('--out', `${options.out} must end in .ts or .js`);
      return compileSpec(readText(specFile), { language, limits: limitsFrom(command.opts()) }).source;
    });
    await forFile(io, options.out, () => writeFileAtomic(options.out, source, specFile));
  });
}
