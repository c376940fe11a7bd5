import type { Command } from 'commander';
import { ancestors, graphStats, jacobianMode, type LoadedSpec, loadSpec, memoryPlan, type Node, programFromSpec, simplify, SymgradError } from '../../compiler/index.js';
import { readText, type Io } from '../io.js';
import { repeatable } from '../feeds.js';
import { limitOptions, limitsFrom } from '../limits.js';
import { forFile } from '../report.js';
import { sample } from '../package.js';
import { requireOutputs } from '../outputs.js';

type Column = { nodes: number; flops: number };
export interface SpecStats {
  forward: Column;
  expanded: Column;
  simplified: Column;
}


export function registerStats(program: Command, io: Io): void {
  const command = program
    .command('stats')
    .description('node counts and estimated flops: forward, expanded (derivatives as nodes) and simplified')
    .argument('<spec>', 'the *.graph.json spec')
    .option('--json', 'print {"forward": {"nodes", "flops"}, "expanded": {...}, "simplified": {...}}')
    .option('--dim <name=size>', 'size of a named dimension for the flop count (repeatable; default 1)', repeatable, [])
    .addHelpText('after', `\nExample:\n  $ symgrad stats ${sample('xor.graph.json')}\n  $ symgrad stats ${sample('iris-mlp.graph.json')} --dim N=120 --json`);
  limitOptions(command).action(async (specFile: string, options: { json?: boolean; dim: string[] }) => {
    const { spec, stats, dims } = await forFile(io, specFile, () => {
      const dims = parseDims(options.dim);
      const spec = requireOutputs(loadSpec(readText(specFile), limitsFrom(command.opts())));
      return { spec, stats: specStats(spec, dims), dims };
    });
    if (options.json) {
      io.out(`${JSON.stringify(stats)}\n`);
      return;
    }
    const rows = [['', 'forward', 'expanded', 'simplified'], ...(['nodes', 'flops'] as const).map((k) => [k, ...columns(stats, k)])];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const row of rows) io.out(`${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c] + 2))).join('')}\n`);
    const plan = memoryPlan(programFromSpec(spec, simplify(spec.outputs.map((o) => o.node))), dims);
    io.out(`workspace ${plan.workspaceBytes.toLocaleString('en-US')} bytes for ${plan.intermediateBytes.toLocaleString('en-US')} bytes of intermediate tensors\n`);
    for (const line of jacobianModes(spec)) io.out(`${line}\n`);
    if (Object.keys(dims).length > 0) io.out(`named dimensions: ${Object.entries(dims).map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
  });
}

/** The three columns of SPEC §4 for the spec's outputs. */
export function specStats(spec: LoadedSpec, dims: Readonly<Record<string, number>> = {}): SpecStats {
  const outputs = spec.outputs.map((o) => o.node);
  // Forward: what the outputs need that neither came from a derivative call nor uses one.
  const needed = ancestors(outputs);
  const derived = new Set<Node>();
  for (const node of needed) {
    if (spec.derivativeNodes.has(node) || node.inputs.some((input) => derived.has(input))) derived.add(node);
  }
  const forward = graphStats(needed.filter((n) => !derived.has(n)), dims);
  return { forward, expanded: graphStats(outputs, dims), simplified: graphStats(simplify(outputs), dims) };
}

function columns(stats: SpecStats, key: keyof Column): string[] {
  return [stats.forward[key], stats.expanded[key], stats.simplified[key]].map((v) => v.toLocaleString('en-US'));
}

/** Which accumulation order each `jacobian` (and so `hessian`) call chose. */
function jacobianModes(spec: LoadedSpec): string[] {
  const lines: string[] = [];
  for (const [name, calls] of spec.derivativeCalls) {
    for (const call of calls) {
      if (call.fn !== 'jacobian' && call.fn !== 'hessian') continue;
      const [y, x] = call.args;
      // hessian(y, x) is the jacobian of grad(y, x), which has x's shape.
      const mode = call.fn === 'hessian' ? jacobianMode(x, x) : jacobianMode(y, x);
      lines.push(`${name}: ${call.fn === 'hessian' ? `hessian as the ${mode}-mode jacobian of the gradient` : `jacobian in ${mode} mode`}`);
    }
  }
  return lines;
}

function parseDims(entries: readonly string[]): Record<string, number> {
  const dims: Record<string, number> = Object.create(null);
  for (const entry of entries) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(entry);
    if (!match) throw new SymgradError('--dim', `expected NAME=SIZE, got ${JSON.stringify(entry)}`);
    dims[match[1]] = Number(match[2]);
  }
  return dims;
}
