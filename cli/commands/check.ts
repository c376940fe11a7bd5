import type { Command } from 'commander';
import { buildSpec, checkDerivatives, type CheckResult, type CheckRow, type DerivativeCall, type LoadedSpec, loadSpec, notation, parseJson, suggest, SymgradError, type Tensor, toJsonValue } from '../../compiler/index.js';
import { readFeeds, repeatable } from '../feeds.js';
import { ExitError, readText, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';
import { sample } from '../package.js';

interface CheckOptions {
  set: string[];
  feed: string[];
  json?: boolean;
  seed: string;
  tolerance: string;
  all?: boolean;
}

/**
 * Entries of each differentiated tensor compared by default (every entry of a 784×256 weight would
 * take minutes): a bug in 1% of the entries is missed with probability 0.99^500 < 1%.
 */
const SAMPLE = 500;
/** Checks with fewer finite differences than this finish too soon to need progress. */
const PROGRESS_FROM = 200;

/** The check's result, each row with the derivative call as the spec writes it. */
type Checked = Omit<CheckResult, 'rows'> & { rows: readonly (CheckRow & { expression: string })[] };


export function registerCheck(program: Command, io: Io): void {
  const command = program
    .command('check')
    .description('compare every derivative call with central finite differences (float64); exit 1 on a mismatch')
    .argument('<spec>', 'the *.graph.json spec')
    .option('--set <name=json>', 'feed one input or param (repeatable); what is not fed gets seeded random values', repeatable, [])
    .option('--feed <file>', 'a JSON file with an object of name to value (repeatable)', repeatable, [])
    .option('--seed <n>', 'seed of the random values in [0.5, 1.5] for inputs and params not fed', '1')
    .option('--tolerance <x>', 'an entry agrees when |derivative - difference| <= x * max(1, |difference|)', '1e-5')
    .option('--all', `compare every entry of each differentiated tensor (default: ${SAMPLE} drawn with the seed from a larger one)`)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExample:\n  $ symgrad check ${sample('seed-function.graph.json')} --set x1=2 --set x2=5`);
  limitOptions(command).action(async (specFile: string, options: CheckOptions) => {
    const result = await forFile(io, specFile, () => {
      const seed = Number(options.seed);
      const tolerance = Number(options.tolerance);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new SymgradError('--seed', `expected a whole number, got ${JSON.stringify(options.seed)}`);
      if (!(tolerance > 0)) throw new SymgradError('--tolerance', `expected a positive number, got ${JSON.stringify(options.tolerance)}`);
      const text = readText(specFile);
      const spec = loadFloat64(text, command.opts());
      const feeds = readFeeds(options.feed, options.set);
      checkFeedNames(spec, feeds);
      const { nodes } = parseJson(text) as { nodes: Record<string, string> };
      const { rows, ...rest } = checkDerivatives(spec, feeds, { seed, tolerance, sample: options.all ? undefined : SAMPLE, progress: progress(io) });
      // A call that is the node's whole expression is shown as written; a nested one is rebuilt.
      const expression = (row: CheckRow) => (row.call.node === spec.names.get(row.name) ? nodes[row.name] : callText(spec, row.call));
      return { ...rest, rows: rows.map((row) => ({ ...row, expression: expression(row) })) };
    });
    for (const row of result.rows.filter((row) => row.checked < row.entries)) {
      io.err(`note: nodes.${row.name}: ${row.expression} compared at ${row.checked} of its ${row.entries} entries, drawn with the seed (--all for every entry)\n`);
    }
    io.out(options.json ? `${JSON.stringify(asJson(result, Number(options.seed)), null, 2)}\n` : table(result, options.seed));
    const failed = result.rows.filter((row) => !row.ok);
    for (const row of failed) {
      io.err(`error: ${specFile}: nodes.${row.name}: ${row.expression} disagrees with central differences (max abs error ${fixed(row.absError)})\n`);
    }
    if (failed.length > 0) throw new ExitError(1);
  });
}

/** On a terminal, a line on stderr rewritten as each percent of the finite differences is done, then cleared. */
function progress(io: Io): ((done: number, total: number) => void) | undefined {
  if (!io.terminal) return undefined;
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((100 * done) / total);
    if (total < PROGRESS_FROM || percent === shown) return;
    shown = percent;
    io.err(done === total ? '\r\x1b[K' : `\rcheck: ${percent}% of ${total} finite differences`);
  };
}

/** Load a spec; a float32 spec is loaded again as float64, so differences are not drowned in rounding. */
function loadFloat64(text: string, options: Record<string, unknown>): LoadedSpec {
  const limits = limitsFrom(options);
  const spec = loadSpec(text, limits);
  return spec.graph.dtype === 'float64' ? spec : buildSpec({ ...(parseJson(text) as object), dtype: 'float64' }, limits);
}

/** Every fed name must be an input or param of the spec. */
export function checkFeedNames(spec: LoadedSpec, feeds: Readonly<Record<string, Tensor>>): void {
  const leaves = [...spec.graph.leaves('input'), ...spec.graph.leaves('param')].map((n) => n.attrs.name as string);
  for (const name of Object.keys(feeds)) {
    if (!leaves.includes(name)) throw new SymgradError(`feeds.${name}`, `not an input or param of the spec${suggest(name, leaves)}`);
  }
}

function table(result: Checked, seed: string): string {
  if (result.rows.length === 0) return 'no derivative calls to check\n';
  const header = ['node', 'derivative', 'max abs error', 'max rel error', 'verdict'];
  const lines = result.rows.map((row) => [row.name, row.expression, fixed(row.absError), fixed(row.relError), row.ok ? 'ok' : 'MISMATCH']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const text = [header, ...lines].map((line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  const failed = result.rows.filter((row) => !row.ok).length;
  text.push('');
  if (result.random.length > 0) text.push(`random values (seed ${seed}) for: ${result.random.join(', ')}`);
  const count = result.rows.length;
  text.push(failed === 0 ? `all ${count} agree with central differences` : `${failed} of ${count} disagree with central differences`);
  return `${text.join('\n')}\n`;
}

/** `grad(loss, W1)`: arguments by spec name, or written out. */
function callText(spec: LoadedSpec, call: DerivativeCall): string {
  const names = new Map([...spec.names].map(([name, node]) => [node, name]));
  return `${call.fn}(${call.args.map((arg) => names.get(arg) ?? notation(arg, (n) => names.get(n))).join(', ')})`;
}

function fixed(value: number): string {
  return value === 0 || !Number.isFinite(value) ? String(value) : value.toExponential(2);
}

function asJson(result: Checked, seed: number) {
  const number = (v: number) => (Number.isFinite(v) ? v : String(v));
  return {
    ok: result.rows.every((row) => row.ok),
    seed,
    random: result.random,
    point: Object.fromEntries(Object.entries(result.point).map(([name, t]) => [name, toJsonValue(t.data, t.shape)])),
    calls: result.rows.map((row) => ({ node: row.name, derivative: row.expression, absError: number(row.absError), relError: number(row.relError), ok: row.ok, checked: row.checked, entries: row.entries })),
  };
}
