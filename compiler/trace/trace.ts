import { scalar } from '../builder.js';
import { buildGrad } from '../autodiff/grad.js';
import { SymgradError, suggest } from '../errors.js';
import type { Node } from '../graph.js';
import { ancestors, interpret } from '../interpret.js';
import { bodyOf, inputLayout, isLoop, resultKind } from '../loops/body.js';
import { runLoop, type LoopAttrs } from '../loops/run.js';
import type { Tensor } from '../ops/op.js';
import type { LoadedSpec } from '../spec/load.js';
import { countOps } from '../stats.js';
import { notation, scalarValue } from './notation.js';

/** One line of a trace table: `v2 = ln(v0)` and its value. */
export interface TraceRow {
  readonly symbol: string;
  readonly expression: string;
  /** Spec names of this value (forward rows), or derivative spec nodes equal to it (adjoint rows). */
  readonly names: readonly string[];
  readonly value: Tensor;
}

export interface Trace {
  /** The spec node whose adjoints the reverse trace computes. */
  readonly of: string | undefined;
  readonly forward: readonly TraceRow[];
  /** From the seed `v̄k = 1` back to `v̄0`. */
  readonly reverse: readonly TraceRow[];
}

/**
 * The lecture's two tables for a spec: the forward evaluation trace, one row `vk = expression`
 * per node of the spec's forward graph (inputs first, scalar constants written in place), and the
 * reverse adjoint trace of one node y, one row `v̄k = Σ v̄c·∂vc/∂vk` per node: the contributions
 * build_grad sums into each adjoint, written with every adjoint named v̄c, and their values.
 * A small loop's row is followed by a row per step (see `stepRows`).
 */
export function traceSpec(spec: LoadedSpec, feeds: Readonly<Record<string, Tensor>>, of?: string): Trace {
  const forwardNames = [...spec.names.keys()].filter((name) => !spec.derivativeNames.has(name));
  const forward = ancestors(forwardNames.map((name) => spec.names.get(name)!)).filter((n) => scalarValue(n) === undefined);
  const symbols = new Map(forward.map((n, k) => [n, `v${k}`]));
  const namesOf = (node: Node) => forwardNames.filter((name) => spec.names.get(name) === node);
  const y = chooseY(spec, forwardNames, of);

  const reverse = y ? reverseSweep(forward, y) : undefined;
  const values = interpret([...forward, ...(reverse?.adjoints ?? [])], feeds);

  const forwardRows = forward.map((node, k): TraceRow[] => {
    const names = namesOf(node);
    const leaf = node.def.leaf !== undefined;
    const expression = leaf && names.length > 0 ? names[0] : notation(node, (n) => (n === node ? undefined : symbols.get(n)));
    const row = { symbol: `v${k}`, expression, names: leaf ? names.slice(1) : names, value: values[k] };
    return [row, ...stepRows(node, row.symbol, symbols, feeds)];
  }).flat();
  const reverseRows = y && reverse ? adjointRows(spec, forward, y, reverse, symbols, values.slice(forward.length)) : [];
  return { of: y && namesOf(y)[0], forward: forwardRows, reverse: reverseRows };
}

/** At most this many rows of loop steps × body ops for a loop to be traced step by step. */
export const STEP_ROWS = 200;

/**
 * A row per step of a small loop of one carry (T steps × the body's op nodes ≤ STEP_ROWS):
 * `v5 step 2 = cell(v5 step 1, v0[1])`, the carry after that step. Larger loops, and loops of
 * several carries (backward loops), stay one summary row.
 */
function stepRows(node: Node, symbol: string, symbols: ReadonlyMap<Node, string>, feeds: Readonly<Record<string, Tensor>>): TraceRow[] {
  if (!isLoop(node)) return [];
  const body = bodyOf(node.attrs.body as string);
  if (body.carries.length !== 1 || resultKind(body, node.attrs.result as number).kind === 'emit') return [];
  const inputs = interpret(node.inputs, feeds);
  const layout = inputLayout(body);
  const steps = body.slices.length > 0 ? inputs[layout.xs].shape[0] : (node.attrs.steps as number);
  if (steps * countOps([...body.next, ...body.emits]) > STEP_ROWS) return [];
  const Storage = inputs[0].data instanceof Float32Array ? Float32Array : Float64Array;
  const after = runLoop(node.attrs as unknown as LoopAttrs, inputs, Storage)[1]; // the stack of the carry after each step
  const size = after.data.length / Math.max(steps, 1);
  const show = (n: Node) => notation(n, (m) => symbols.get(m));
  const sequences = node.inputs.slice(layout.xs, layout.closures).map(show);
  const rows: TraceRow[] = [];
  for (let k = 0; k < steps; k++) {
    const t = node.attrs.reverse ? steps - 1 - k : k;
    const carry = k === 0 ? show(node.inputs[0]) : `${symbol} step ${k}`;
    const expression = `${body.name}(${[carry, ...sequences.map((xs) => `${xs}[${t}]`)].join(', ')})`;
    rows.push({ symbol: `${symbol} step ${k + 1}`, expression, names: [], value: { shape: after.shape.slice(1), data: after.data.slice(t * size, (t + 1) * size) } });
  }
  return rows;
}

/** `--of` if given, else the y of the spec's first derivative of a forward node, else its last scalar node. */
function chooseY(spec: LoadedSpec, forwardNames: readonly string[], of: string | undefined): Node | undefined {
  const candidates = forwardNames.filter((name) => !spec.names.get(name)!.def.leaf);
  if (of !== undefined) {
    if (!candidates.includes(of)) throw new SymgradError('--of', `'${of}' is not a forward node of the spec${suggest(of, candidates)}`);
    return spec.names.get(of);
  }
  const nodes = candidates.map((name) => spec.names.get(name)!);
  const first = [...spec.derivativeCalls.values()].flat().find((call) => nodes.includes(call.args[0]));
  if (first) return first.args[0];
  return nodes.filter((n) => n.shape.length === 0).at(-1) ?? nodes.at(-1);
}

/** What build_grad did for y: each forward node's adjoint, the contributions summed into it, and a symbol for each adjoint. */
interface ReverseSweep {
  readonly seed: Node;
  readonly adjoints: readonly Node[];
  readonly contributions: ReadonlyMap<Node, readonly Node[]>;
  readonly bars: ReadonlyMap<Node, string>;
}

/**
 * build_grad of y with respect to every forward node, watched: the seed and each adjoint stand as
 * a value named v̄k (an identity node), so the contributions read v̄5·v1 as the lecture writes them.
 */
function reverseSweep(forward: readonly Node[], y: Node): ReverseSweep {
  const graph = y.graph;
  const index = new Map(forward.map((n, k) => [n, k]));
  const bars = new Map<Node, string>();
  const named = (value: Node, k: number) => {
    const node = graph.apply('variable', [value], { name: `v̄${k}` });
    bars.set(node, `v̄${k}`);
    return node;
  };
  const seed = y.shape.length === 0 ? scalar(graph, 1) : graph.apply('broadcast_to', [scalar(graph, 1)], { shape: y.shape });
  const contributions = new Map<Node, readonly Node[]>();
  const adjoints = buildGrad(y, forward, named(seed, index.get(y)!), (v, terms, sum) => {
    contributions.set(v, terms);
    return named(sum, index.get(v)!);
  });
  return { seed, adjoints, contributions, bars };
}

function adjointRows(
  spec: LoadedSpec,
  forward: readonly Node[],
  y: Node,
  { seed, contributions, bars }: ReverseSweep,
  symbols: ReadonlyMap<Node, string>,
  values: readonly Tensor[],
): TraceRow[] {
  const name = (n: Node) => bars.get(n) ?? symbols.get(n);
  const rows: TraceRow[] = [];
  for (let k = forward.length - 1; k >= 0; k--) {
    const v = forward[k];
    const terms = v === y ? [] : (contributions.get(v) ?? []);
    const expression = v === y ? notation(seed, () => undefined) : terms.map((t) => notation(t, name, (n) => bars.has(n))).join(' + ') || '0';
    const names = [...spec.derivativeCalls]
      .filter(([name, calls]) => calls.some((c) => c.fn === 'grad' && c.args[0] === y && c.args[1] === v && c.node === spec.names.get(name)))
      .map(([name]) => name);
    rows.push({ symbol: `v̄${k}`, expression, names, value: values[k] });
  }
  return rows;
}
