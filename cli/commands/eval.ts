import type { Command } from 'commander';
import { compileSpec, interpret, type LoadedSpec, type Program, suggest, SymgradError, type Tensor, toJsonValue } from '../../compiler/index.js';
import { loadModuleSource } from '../../runtime/index.js';
import { readFeeds, repeatable } from '../feeds.js';
import { readText, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';
import { sample } from '../package.js';
import { requireOutputs } from '../outputs.js';

interface EvalOptions {
  set: string[];
  feed: string[];
  interpret?: boolean;
}


export function registerEval(program: Command, io: Io): void {
  const command = program
    .command('eval')
    .description('compile a spec, run it once and print its outputs as one JSON object')
    .argument('<spec>', 'the *.graph.json spec')
    .option('--set <name=json>', 'feed one input or param (repeatable)', repeatable, [])
    .option('--feed <file>', 'a JSON file with an object of name to value (repeatable)', repeatable, [])
    .option('--interpret', 'evaluate with the reference interpreter instead of generated code')
    .addHelpText('after', `\nExample:\n  $ symgrad eval ${sample('seed-function.graph.json')} --set x1=2 --set x2=5`);
  limitOptions(command).action(async (specFile: string, options: EvalOptions) => {
    const { spec, program, source } = await forFile(io, specFile, () => {
      const compiled = compileSpec(readText(specFile), { limits: limitsFrom(command.opts()) });
      requireOutputs(compiled.spec);
      return compiled;
    });
    const outputs = await forFile(io, specFile, async () => {
      const feeds = readFeeds(options.feed, options.set);
      checkFeedNames(spec, feeds);
      // The sizes the feeds bind are bounded at run time too: all tensors together, as --max-total-elements says.
      return options.interpret ? interpretOutputs(program, feeds) : runGenerated(source, feeds, limitsFrom(command.opts()).maxTotalElements);
    });
    io.out(`${JSON.stringify(outputs, null, 2)}\n`);
  });
}

function checkFeedNames(spec: LoadedSpec, feeds: Record<string, Tensor>): void {
  const leaves = [...spec.graph.leaves('input'), ...spec.graph.leaves('param')].map((n) => n.attrs.name as string);
  for (const name of Object.keys(feeds)) {
    if (!leaves.includes(name)) throw new SymgradError(`feeds.${name}`, `not an input or param of the spec${suggest(name, leaves)}`);
  }
  for (const name of spec.graph.leaves('input').map((n) => n.attrs.name as string)) {
    if (!(name in feeds)) throw new SymgradError(`feeds.${name}`, `missing feed for input '${name}'`);
  }
}

/** The same graph the module was generated from, run by the reference interpreter. */
function interpretOutputs(program: Program, feeds: Record<string, Tensor>): Record<string, unknown> {
  const values = interpret(program.outputs.map((o) => o.node), feeds);
  return Object.fromEntries(program.outputs.map((o, i) => [o.name, toJsonValue(values[i].data, values[i].shape)]));
}

async function runGenerated(source: string, feeds: Record<string, Tensor>, maxElements: number): Promise<Record<string, unknown>> {
  const module = await loadModuleSource(source);
  const results = module.createKernel({ maxElements }).run(feeds);
  return Object.fromEntries(module.signature.outputs.map(({ name }) => [name, toJsonValue(results[name].data, results[name].shape)]));
}
