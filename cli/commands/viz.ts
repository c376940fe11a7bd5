import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { loadSpec, SymgradError, toDot, toMermaid, vizGraph } from '../../compiler/index.js';
import { FileError, readText, writeOutput, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';
import { sample } from '../package.js';
import { requireOutputs } from '../outputs.js';

type Format = 'dot' | 'mermaid' | 'svg';
type VizGraph = ReturnType<typeof vizGraph>;

export function registerViz(program: Command, io: Io): void {
  const command = program
    .command('viz')
    .description('draw the graph: inputs and params apart, forward ops, and derivative ops marked by order')
    .argument('<spec>', 'the *.graph.json spec')
    .addOption(new Option('--format <format>', 'output format (default: from the -o extension, else dot)').choices(['dot', 'mermaid', 'svg']))
    .option('-o, --out <file>', 'write to a file instead of stdout (- for stdout)')
    .option('--simplified', 'draw the outputs after the simplifier\'s rewrites')
    .addHelpText('after', `\nExamples:\n  $ symgrad viz ${sample('seed-function.graph.json')} -o seed.svg\n  $ symgrad viz ${sample('xor.graph.json')} --format mermaid --simplified`);
  limitOptions(command).action(async (specFile: string, options: { format?: Format; out?: string; simplified?: boolean }) => {
    const format = options.format ?? (await forFile(io, specFile, () => formatOf(options.out)));
    const text = await forFile(io, specFile, async () => {
      const spec = loadSpec(readText(specFile), limitsFrom(command.opts()));
      const graph = vizGraph(options.simplified ? requireOutputs(spec) : spec, options.simplified);
      if (format === 'mermaid') return toMermaid(graph);
      if (format !== 'svg') return toDot(graph);
      const problem = svgProblem(graph);
      if (problem) throw new SymgradError('--format svg', `${problem}: use --format dot (Graphviz's own dot may manage) or --format mermaid`);
      return renderSvg(toDot(graph));
    });
    if (options.out && options.out !== '-') await forFile(io, options.out, () => writeOutput(options.out!, text, specFile));
    else io.out(text);
  });
}

const EXTENSIONS: Record<string, Format> = { '.dot': 'dot', '.gv': 'dot', '.svg': 'svg', '.mmd': 'mermaid', '.mermaid': 'mermaid' };

/** The format named by `-o`'s extension; any other extension needs `--format` (a .png of DOT text helps nobody). */
function formatOf(file: string | undefined): Format {
  if (file === undefined || file === '-') return 'dot';
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (!format) {
    throw new FileError(file, `cannot tell the format from the extension: use ${Object.keys(EXTENSIONS).join(', ')} (PNG and PDF are not written), or --format`);
  }
  return format;
}

/** Graphviz compiled to WebAssembly (@viz-js/viz), loaded only when SVG is asked for. */
async function renderSvg(dot: string): Promise<string> {
  let viz: typeof import('@viz-js/viz');
  try {
    viz = await import('@viz-js/viz');
  } catch {
    throw new SymgradError('--format svg', 'needs the package @viz-js/viz (npm install @viz-js/viz), or use --format dot');
  }
  const result = (await viz.instance()).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new SymgradError('--format svg', `Graphviz could not render the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}

/**
 * Graphviz lays out a graph in time that grows fast with its size, and most with edges that
 * cross many ranks (each crossing is a hidden node): a 100-step chain that reuses its input at
 * every step takes a minute, and 10,000 nodes overflow its stack. Bounds that keep every sample
 * drawable in seconds.
 */
export const SVG_LIMITS = { nodes: 5_000, crossings: 8_000 } as const;

/** Why `graph` is too large to lay out as SVG, or undefined. */
export function svgProblem(graph: VizGraph): string | undefined {
  if (graph.nodes.length > SVG_LIMITS.nodes) return `${graph.nodes.length} nodes are too many to lay out as SVG (at most ${SVG_LIMITS.nodes})`;
  const crossings = rankCrossings(graph);
  if (crossings > SVG_LIMITS.crossings) {
    return `edges crossing ${crossings} ranks (long edges from reused nodes) are too many to lay out as SVG (at most ${SVG_LIMITS.crossings})`;
  }
  return undefined;
}

/** Ranks skipped by edges: an edge from rank r to rank s skips s − r − 1, with a node's rank its longest path from a leaf. */
export function rankCrossings(graph: VizGraph): number {
  const inputs = new Map<string, string[]>();
  for (const { from, to } of graph.edges) {
    const list = inputs.get(to);
    if (list) list.push(from);
    else inputs.set(to, [from]);
  }
  const rank = new Map<string, number>();
  const rankOf = (id: string) => rank.get(id) ?? 0;
  // Nodes come inputs first (literals, which have no inputs, right after their user).
  for (const { id } of graph.nodes) rank.set(id, (inputs.get(id) ?? []).reduce((r, i) => Math.max(r, rankOf(i) + 1), 0));
  return graph.edges.reduce((sum, { from, to }) => sum + Math.max(0, rankOf(to) - rankOf(from) - 1), 0);
}
