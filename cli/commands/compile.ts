import type { Command } from 'commander';
import { compileSpec, type Node, SymgradError } from '../../compiler/index.js';
import { readText, writeOutput, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';
import { sample } from '../package.js';
import { requireOutputs } from '../outputs.js';

export function registerCompile(program: Command, io: Io): void {
  const command = program
    .command('compile')
    .description('write the standalone TypeScript or JavaScript module for a spec')
    .argument('<spec>', 'the *.graph.json spec')
    .requiredOption('-o, --out <file>', 'output module, ending in .ts or .js; - writes JavaScript to stdout')
    .option('--explain-rewrites', 'list every rewrite the simplifier makes, in order, on stderr')
    .option('--no-simplify', 'emit the graph as expanded, without rewrites')
    .addHelpText('after', `\nExample:\n  $ symgrad compile ${sample('seed-function.graph.json')} -o seed.js\n  $ node -e "import('./seed.js').then(m => console.log(m.run({ x1: 2, x2: 5 }).y))"`);
  limitOptions(command).action(async (specFile: string, options: { out: string; explainRewrites?: boolean; simplify: boolean }) => {
    const language = options.out === '-' ? 'js' : options.out.endsWith('.ts') ? 'ts' : options.out.endsWith('.js') || options.out.endsWith('.mjs') ? 'js' : undefined;
    const source = await forFile(io, specFile, () => {
      if (!language) throw new SymgradError('--out', `${options.out} must end in .ts or .js`);
      const explain = options.explainRewrites ? (rule: string, before: Node, after: Node) => io.err(`${rule}: ${before} -> ${after}${before.label ? ` (in ${before.label})` : ''}\n`) : undefined;
      const { spec, source } = compileSpec(readText(specFile), { language, limits: limitsFrom(command.opts()), simplify: options.simplify, explain });
      requireOutputs(spec);
      return source;
    });
    if (options.out === '-') io.out(source);
    else await forFile(io, options.out, () => writeOutput(options.out, source, specFile));
  });
}
