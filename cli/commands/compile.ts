import type { Command } from 'commander';
import { bakeParams, compileLoaded, loadSpec, type Node, parseJson, SymgradError, type Target } from '../../compiler/index.js';
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
    .option('--target <target>', "where matrix products run: wasm (WebAssembly SIMD, plain JS where it is missing) or js", 'wasm')
    .option('--params <file>', "bake these values in as the params' initial values (a JSON object of name to value, as train --save writes)")
    .addHelpText('after', `\nExample:\n  $ symgrad compile ${sample('seed-function.graph.json')} -o seed.js\n  $ node -e "import('./seed.js').then(m => console.log(m.run({ x1: 2, x2: 5 }).y))"`);
  limitOptions(command).action(async (specFile: string, options: { out: string; explainRewrites?: boolean; simplify: boolean; params?: string; target: string }) => {
    const language = options.out === '-' ? 'js' : options.out.endsWith('.ts') ? 'ts' : options.out.endsWith('.js') || options.out.endsWith('.mjs') ? 'js' : undefined;
    const spec = await forFile(io, specFile, () => {
      if (!language) throw new SymgradError('--out', `${options.out} must end in .ts or .js`);
      if (options.target !== 'js' && options.target !== 'wasm') throw new SymgradError('--target', `expected js or wasm, got '${options.target}'`);
      return loadSpec(readText(specFile), limitsFrom(command.opts()));
    });
    const paramsFile = options.params;
    if (paramsFile !== undefined) await forFile(io, paramsFile, () => bakeParams(spec, parseJson(readText(paramsFile))));
    const { source, declarations } = await forFile(io, specFile, () => {
      const explain = options.explainRewrites ? (rule: string, before: Node, after: Node) => io.err(`${rule}: ${before} -> ${after}${before.label ? ` (in ${before.label})` : ''}\n`) : undefined;
      requireOutputs(spec);
      return compileLoaded(spec, { language, target: options.target as Target, simplify: options.simplify, explain });
    });
    if (options.out === '-') {
      io.out(source);
      return;
    }
    await forFile(io, options.out, () => writeOutput(options.out, source, specFile));
    // A .js module gets its types beside it (seed.js: seed.d.ts; seed.mjs: seed.d.mts).
    const typesFile = language === 'js' ? options.out.replace(/\.(m?)js$/, '.d.$1ts') : undefined;
    if (typesFile) await forFile(io, typesFile, () => writeOutput(typesFile, declarations, specFile));
  });
}
