import type { Graph, Node } from '../graph.js';
import { NodeMap } from '../nodes.js';

/**
 * What a node's elements can be, as a set of IEEE classes: what the guards of rewrites prove
 * their preconditions from (x·0 is 0 only where x is finite, and −0 where x is negative).
 * Magnitudes up to 1 are a class of their own, so sin, tanh or exp(sin x) are known finite.
 */
export const NAN = 1;
export const NEG_INF = 2;
export const NEG_BIG = 4;
export const NEG_SMALL = 8;
export const NEG_ZERO = 16;
export const ZERO = 32;
export const POS_SMALL = 64;
export const POS_BIG = 128;
export const POS_INF = 256;
export const ANY = 511;
export const NEG = NEG_BIG | NEG_SMALL;
export const POS = POS_SMALL | POS_BIG;
export const ZEROS = NEG_ZERO | ZERO;
export const INFINITE = NEG_INF | POS_INF;
export const FINITE = NEG | ZEROS | POS;

/** The classes in order of value (−0 apart), to fill in what lies between two results. */
const ORDER = [NEG_INF, NEG_BIG, NEG_SMALL, ZERO, POS_SMALL, POS_BIG, POS_INF];

export function classOf(value: number): number {
  if (Number.isNaN(value)) return NAN;
  if (value === 0) return Object.is(value, -0) ? NEG_ZERO : ZERO;
  const size = Math.abs(value);
  const kind = size === Infinity ? 2 : size > 1 ? 1 : 0;
  return value > 0 ? [POS_SMALL, POS_BIG, POS_INF][kind] : [NEG_SMALL, NEG_BIG, NEG_INF][kind];
}

/**
 * Cases: assumptions on the leaves (inputs and params) of a graph: all finite, or one leaf NaN,
 * +∞ or −∞ and the others anything. Together they cover every input, so what holds in each case
 * holds always; apart they let a guard see that x·(a + b) → x·a + x·b is safe in exp(sin x)·x:
 * where x is infinite, a and b are NaN anyway. A node's facts are its classes in each case; a
 * case of a leaf the node does not depend on is not relevant to it (there its leaves are all
 * anything). Past MAX_LEAVES leaves, the cases are: all finite, and all anything.
 */
const MAX_LEAVES = 10;
const NON_FINITE = [NAN, POS_INF, NEG_INF];

export interface AtomFacts {
  /** Bit i set where case i is relevant. */
  readonly relevant: number;
  /** Classes in each case. */
  readonly classes: Int16Array;
  /** Classes over the relevant cases. */
  readonly union: number;
  /** Bit sets of the cases where the node can be infinite, can be ±0, can be NaN, is NaN for sure. */
  readonly infinite: number;
  readonly zero: number;
  readonly nan: number;
  readonly onlyNaN: number;
}

interface Memo {
  readonly leaves: Node[];
  scanned: number;
  facts: NodeMap<AtomFacts>;
}

const memos = new WeakMap<Graph, Memo>();

/** Per-graph memo of facts, reset when the graph gains a leaf. */
function memoOf(graph: Graph): Memo {
  let memo = memos.get(graph);
  if (!memo) memos.set(graph, (memo = { leaves: [], scanned: 0, facts: new NodeMap() }));
  const before = memo.leaves.length;
  for (; memo.scanned < graph.nodes.length; memo.scanned++) if (isLeaf(graph.nodes[memo.scanned])) memo.leaves.push(graph.nodes[memo.scanned]);
  if (memo.leaves.length !== before) memo.facts = new NodeMap();
  return memo;
}

const isLeaf = (node: Node) => node.def.leaf === 'fed';

/** The facts of a node (computed for it and the nodes below it, without recursion). */
export function factsOf(node: Node): AtomFacts {
  const memo = memoOf(node.graph);
  const known = memo.facts.get(node);
  if (known) return known;
  const few = memo.leaves.length <= MAX_LEAVES;
  const count = few ? 1 + NON_FINITE.length * memo.leaves.length : 2;
  const { facts } = memo;
  const stack = [node];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (facts.has(top)) {
      stack.pop();
      continue;
    }
    const missing = top.inputs.filter((input) => !facts.has(input));
    if (missing.length > 0) {
      stack.push(...missing);
      continue;
    }
    stack.pop();
    const inputs = top.inputs.map((input) => facts.get(input)!);
    const classes = new Int16Array(count);
    let relevant = 1 | inputs.reduce((acc, f) => acc | f.relevant, 0);
    if (top.def.leaf === 'known') {
      classes.fill(classesFrom(top, []));
    } else if (isLeaf(top)) {
      const i = few ? memo.leaves.indexOf(top) : -1;
      relevant = few ? 1 | (((1 << NON_FINITE.length) - 1) << (1 + NON_FINITE.length * i)) : 3;
      for (let c = 0; c < count; c++) classes[c] = leafClasses(c, i);
    } else {
      for (let c = 0; c < count; c++) classes[c] = classesFrom(top, inputs.map((f) => f.classes[c]));
    }
    let [union, infinite, zero, nan, onlyNaN] = [0, 0, 0, 0, 0];
    for (let c = 0; c < count; c++) {
      if ((relevant >> c) & 1) union |= classes[c];
      if (classes[c] & INFINITE) infinite |= 1 << c;
      if (classes[c] & ZEROS) zero |= 1 << c;
      if (classes[c] & NAN) nan |= 1 << c;
      if (classes[c] === NAN) onlyNaN |= 1 << c;
    }
    facts.set(top, { relevant, classes, union, infinite, zero, nan, onlyNaN });
  }
  return facts.get(node)!;
}

/** Leaf number `leaf`'s classes in case c: finite in case 0, its own class in a case of its own, else anything. */
function leafClasses(c: number, leaf: number): number {
  if (c === 0) return FINITE;
  return Math.floor((c - 1) / NON_FINITE.length) === leaf ? NON_FINITE[(c - 1) % NON_FINITE.length] : ANY;
}

/** Whether every element of `node` is always in `allowed`. */
export function only(node: Node, allowed: number): boolean {
  return (factsOf(node).union & ~allowed) === 0;
}

/** Results of the `monotone` ops (none has attributes or more than two inputs) by op, then by dtype and their inputs' classes. */
const byClasses = new Map<string, Map<number, number>>();

function classesFrom(node: Node, inputs: readonly number[]): number {
  const def = node.def;
  if (def.leaf === 'known') return (node.attrs.value as number[]).reduce((acc, v) => acc | classOf(v), 0);
  if (def.movement === 'view') return inputs[0];
  if (def.selects) return inputs[1] | inputs[2];
  if (def.range === 'bounded') return (inputs[0] & FINITE ? NEG_SMALL | ZEROS | POS_SMALL : 0) | (inputs[0] & ~FINITE ? NAN : 0);
  if (def.range !== 'monotone') return ANY;
  let known = byClasses.get(node.op);
  if (!known) byClasses.set(node.op, (known = new Map()));
  const key = (node.dtype === 'float32' ? 1 << 18 : 0) | ((inputs[1] ?? 0) << 9) | inputs[0];
  let out = known.get(key);
  if (out === undefined) known.set(key, (out = evaluated(node, inputs)));
  return out;
}

/**
 * The classes an op gives on inputs of the given classes, from its values at the ends of each
 * class: each op here is monotone in every argument within a class of each (a quotient's
 * divisor never crosses 0 there), so its values over a class lie between those at its ends,
 * and every class between two results is reached too.
 */
function evaluated(node: Node, inputs: readonly number[]): number {
  const float32 = node.dtype === 'float32';
  const Storage = float32 ? Float32Array : Float64Array;
  let out = 0;
  for (const args of combinations(inputs.map((c) => ends(c, float32)))) {
    const result = new Storage(1);
    node.def.evaluate(result, args.map((a) => ({ shape: [], data: Storage.of(a) })), node.attrs, []);
    out |= classOf(result[0]);
  }
  const reached = ORDER.filter((c) => out & c).map((c) => ORDER.indexOf(c));
  for (let i = Math.min(...reached) + 1; i < Math.max(...reached); i++) out |= ORDER[i];
  return out;
}

function ends(classes: number, float32: boolean): number[] {
  const [max, min, aboveOne] = float32
    ? [3.4028234663852886e38, 1.401298464324817e-45, 1 + 2 ** -23]
    : [Number.MAX_VALUE, Number.MIN_VALUE, 1 + 2 ** -52];
  const values: Record<number, readonly number[]> = {
    [NAN]: [NaN],
    [NEG_INF]: [-Infinity],
    [NEG_BIG]: [-max, -aboveOne],
    [NEG_SMALL]: [-1, -min],
    [NEG_ZERO]: [-0],
    [ZERO]: [0],
    [POS_SMALL]: [min, 1],
    [POS_BIG]: [aboveOne, max],
    [POS_INF]: [Infinity],
  };
  return Object.entries(values).flatMap(([c, v]) => (classes & Number(c) ? v : []));
}

function combinations(lists: readonly number[][]): number[][] {
  return lists.reduce<number[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}
