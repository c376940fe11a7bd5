import type { Command } from 'commander';
import { loadSpec, type Tensor, toJsonValue, type Trace, type TraceRow, traceSpec } from '../../compiler/index.js';
import { readFeeds, repeatable } from '../feeds.js';
import { readText, type Io } from '../io.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';
import { checkFeedNames } from './check.js';
import { sample } from '../package.js';

interface TraceOptions {
  set: string[];
  feed: string[];
  of?: string;
  json?: boolean;
}

/** Entries of a tensor shown in the table. */
const SHOWN = 4;

export function registerTrace(program: Command, io: Io): void {
  const command = program
    .command('trace')
    .description('print the forward evaluation trace and the reverse (adjoint) derivative trace, one row per node')
    .argument('<spec>', 'the *.graph.json spec')
    .option('--set <name=json>', 'feed one input or param (repeatable)', repeatable, [])
    .option('--feed <file>', 'a JSON file with an object of name to value (repeatable)', repeatable, [])
    .option('--of <node>', 'the node whose adjoints to trace (default: the y of the first derivative call)')
    .option('--json', 'print the traces as JSON, values in full precision')
    .addHelpText('after', `\nExample:\n  $ symgrad trace ${sample('seed-function.graph.json')} --set x1=2 --set x2=5`);
  limitOptions(command).action(async (specFile: string, options: TraceOptions) => {
    const trace = await forFile(io, specFile, () => {
      const spec = loadSpec(readText(specFile), limitsFrom(command.opts()));
      const feeds = readFeeds(options.feed, options.set);
      checkFeedNames(spec, feeds);
      return traceSpec(spec, feeds, options.of);
    });
    io.out(options.json ? `${JSON.stringify(asJson(trace), null, 2)}\n` : tables(trace));
  });
}

/** The two tables with shared column widths, so they line up. */
function tables(trace: Trace): string {
  const cells = (row: TraceRow) => [`${row.symbol} = ${row.expression}`, formatValue(row.value), row.names.join(', ')];
  const rows = [...trace.forward, ...trace.reverse].map(cells);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => width(r[i]))));
  const line = (r: string[]) => `  ${pad(r[0], widths[0])}   ${pad(r[1], widths[1])}   ${r[2]}`.trimEnd();
  const out = ['forward evaluation trace', ...trace.forward.map((row) => line(cells(row)))];
  if (trace.reverse.length > 0) {
    const seed = trace.reverse[0];
    out.push('', `reverse adjoint trace of ${trace.of} (seed ${seed.symbol} = ∂${trace.of}/∂${seed.symbol.replace('\u0304', '')})`);
    out.push(...trace.reverse.map((row) => line(cells(row))));
  }
  return `${out.join('\n')}\n`;
}

/** Scalars to 3 decimals (trailing zeros dropped, as the lecture writes them); tensors as shape and first entries. */
function formatValue(value: Tensor): string {
  const entries = Array.from(value.data.slice(0, SHOWN), round3).join(', ');
  if (value.shape.length === 0) return entries;
  return `[${value.shape.join('×')}] ${entries}${value.data.length > SHOWN ? ', …' : ''}`;
}

function round3(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const text = v.toFixed(3).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** Display width: combining marks (the bar of v̄) take no column. */
function width(text: string): number {
  return text.replace(/\p{M}/gu, '').length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

function asJson(trace: Trace) {
  const row = (r: TraceRow) => ({ symbol: r.symbol, expression: r.expression, names: r.names, shape: r.value.shape, value: toJsonValue(r.value.data, r.value.shape) });
  return { of: trace.of ?? null, forward: trace.forward.map(row), reverse: trace.reverse.map(row) };
}
