import { constantValue } from '../builder.js';
import type { Graph, Node } from '../graph.js';
import { liveNodes, NodeCounts, NodeMap } from '../nodes.js';
import { sameShape } from '../shape.js';
import { buildPoly } from './rebuild.js';
import { NAN, only, POS, POS_INF, ZERO } from './facts.js';
import type { Firing } from './engine.js';
import { uniformConstant } from './fold.js';
import { make } from './make.js';
import {
  addPolys,
  commonFactors,
  constantOf,
  constantPoly,
  divideTerm,
  factorPoly,
  isFinitePoly,
  longestTerm,
  mulPolys,
  polyOfTerms,
  scalePoly,
  sharesAtom,
  underMask,
  type Factor,
  type Poly,
  type Term,
} from './poly.js';

/** Bounds that keep every node's sum small, so the pass stays linear on long chains. */
const MAX_TERMS = 256;
const MAX_FACTORS = 16;
/** Products of sums are expanded only up to this many term pairs. */
const MAX_PRODUCT = 4096;
const MAX_EXPANDED_POWER = 4;
/**
 * Coefficients of terms with atoms stay within 2^±MAX_SCALE: a term's coefficient is applied
 * after the product of its atoms, so a coefficient that grows apart from that product lets it
 * underflow (or overflow) where the written graph does not (the derivative of a chain of 3,000
 * ops is 1e-246 as written, 1.8^1000 · 0 once its factors 1.8 are gathered). A node whose sum
 * would pass the bound stays as written, an atom.
 */
const MAX_SCALE = 64;
/** A sum read by several nodes is copied into them only up to this many terms (else it is an atom). */
const SHARED_TERMS = 64;
/**
 * Work (terms built and emitted) allowed per node visited: the pass gives up once a stretch of
 * the graph has cost FREE_WORK more than that, so where expanding does not pay (a chain whose
 * sums double at every step) it stops within a few thousand nodes, not at the end of the graph.
 */
const WORK_PER_NODE = 32;
const FREE_WORK = 100_000;

/**
 * Canonical sums and products: every elementwise arithmetic node (add, sub, mul, div, neg,
 * square, sqrt, reciprocal, pow by a constant, broadcast_to, masked `where`) is read as a sum of
 * terms over its atoms, like terms collected and numeric coefficients folded; graph is emitted
 * only where something else reads the value. Repeated differentiation makes sums of products of
 * the same few atoms, so this is what keeps high-order derivatives small. Where expanding does
 * not pay (products of sums of ever new atoms, as in the gradient of a long chain) the work grows
 * fast: once a stretch of the graph costs more than a budget linear in its length, the pass
 * gives up and returns undefined.
 */
export function collectTerms(outputs: readonly Node[], log: Firing[], memo = new CollectMemo()): Node[] | undefined {
  const live = liveNodes(outputs);
  memo.pass++;
  const collector = new Collector(live, log, memo);
  for (const node of live) if (!collector.visit(node)) return undefined;
  return outputs.map((o) => collector.value(o));
}

const ARITHMETIC = new Set(['add', 'sub', 'mul', 'div', 'neg', 'square', 'sqrt', 'reciprocal', 'broadcast_to']);

/** Whether `parse` reads the node as a sum of its inputs' sums (rather than as an atom). */
function isArithmetic(node: Node): boolean {
  if (ARITHMETIC.has(node.op)) return true;
  const [, b, c] = node.inputs;
  if (node.def.leaf === 'known') return constantValue(node) !== undefined;
  if (node.op === 'pow') return constantValue(b) !== undefined;
  return node.op === 'where' && (constantValue(b) === 0 || constantValue(c) === 0);
}

/** What one pass found for a node, as the next pass may replay it. */
interface Seen {
  pass: number;
  /** Whether the node's context (read as a value, uses) is as in the pass before. */
  sameContext: boolean;
  read: boolean;
  uses: number;
  /** Whether this pass found the node as the pass before did (by replay, or anew). */
  unchanged: boolean;
  readonly poly?: Poly;
  readonly value?: Node;
  emitted?: Node;
  /** Nodes asked for their value during the visit, in order, and the work of the visit besides. */
  readonly asked: readonly Node[];
  readonly work: number;
}

/**
 * Results of earlier passes, kept between the rounds of one `simplify`: a node whose inputs were
 * unchanged and seen in the same context gets the same sum, so on a chain a round redoes only
 * what the last one changed. Replays ask the same values and count the same work, so the
 * result (and the log) is what a pass from scratch gives.
 */
export class CollectMemo {
  pass = 0;
  readonly seen = new NodeMap<Seen>();
  /** The sum each emitted node was emitted for: read as that sum again, it is its own emission. */
  readonly sources = new NodeMap<Poly>();
  private readonly atoms = new NodeMap<Poly>();

  /** The sum that is just the atom (to the power 1), made once per atom. */
  atomPoly(atom: Node): Poly {
    let p = this.atoms.get(atom);
    if (!p) this.atoms.set(atom, (p = factorPoly({ atom, power: 1 })));
    return p;
  }
}

class Collector {
  private readonly polys = new NodeMap<Poly>();
  private readonly values = new NodeMap<Node>();
  /** Nodes read as values (by a non-arithmetic op, or as a condition), and nodes read more than once. */
  private readonly read = new NodeCounts();
  private readonly uses = new NodeCounts();
  private work = 0;
  /** Work of emitting values, and the values asked for, during the current visit. */
  private valueWork = 0;
  private asked?: Node[];
  /** Nodes visited, and the least of work − WORK_PER_NODE · visited so far (where the costly stretch starts). */
  private visited = 0;
  private floor = 0;

  constructor(
    live: readonly Node[],
    private readonly log: Firing[],
    private readonly memo: CollectMemo,
  ) {
    for (const node of live) {
      const arithmetic = isArithmetic(node);
      for (let i = 0; i < node.inputs.length; i++) {
        const input = node.inputs[i];
        if (!arithmetic || (node.op === 'where' && i === 0)) this.read.set(input, 1);
        this.uses.set(input, this.uses.get(input) + 1);
      }
    }
  }

  /** Reads a node as a sum or rebuilds it as an atom; false once a stretch has spent its budget. */
  visit(node: Node): boolean {
    const { pass, seen } = this.memo;
    const before = seen.get(node);
    const read = this.read.get(node) === 1;
    const uses = this.uses.get(node);
    const sameContext = before?.pass === pass - 1 && before.read === read && before.uses === uses;
    const replay = before?.pass === pass - 1 && node.inputs.every((i) => seen.get(i)!.unchanged && seen.get(i)!.sameContext);
    if (replay) {
      for (const input of before.asked) this.value(input);
      this.work += before.work;
      if (before.poly) this.polys.set(node, before.poly);
      else this.values.set(node, before.value!);
      [before.pass, before.sameContext, before.read, before.uses, before.unchanged] = [pass, sameContext, read, uses, true];
      return this.withinBudget();
    }
    const [work, valueWork] = [this.work, this.valueWork];
    const asked: Node[] = (this.asked = []);
    const p = this.parse(node);
    let poly: Poly | undefined;
    let value: Node | undefined;
    if (p && isFinitePoly(p) && p.every(moderate)) {
      this.work += p.length;
      poly = p.length > MAX_TERMS || longestTerm(p) > MAX_FACTORS ? this.atomize(p, node) : p;
      this.polys.set(node, poly);
    } else {
      const inputs = node.inputs.map((i) => this.value(i));
      value = inputs.every((input, i) => input === node.inputs[i]) ? node : make(node.op, inputs, node.attrs);
      this.values.set(node, value);
    }
    this.asked = undefined;
    const own = this.work - work - (this.valueWork - valueWork);
    const same = before?.pass === pass - 1 && (poly ? before.poly !== undefined && samePoly(poly, before.poly) : value === before.value);
    const source = poly && this.memo.sources.get(node);
    const emitted = same ? before.emitted : source && samePoly(poly!, source) ? node : undefined;
    seen.set(node, { pass, sameContext, read, uses, unchanged: same, poly, value, emitted, asked: asked.slice(), work: own });
    return this.withinBudget();
  }

  private withinBudget(): boolean {
    const level = this.work - WORK_PER_NODE * ++this.visited;
    this.floor = Math.min(this.floor, level);
    return level - this.floor <= FREE_WORK;
  }

  /** The node's value as graph: atoms as rebuilt, sums emitted (once, where something reads them). */
  value(node: Node): Node {
    this.asked?.push(node);
    const known = this.values.get(node);
    if (known) return known;
    const p = this.polys.get(node)!;
    const constant = constantOf(p);
    if (constant === undefined) this.valueWork += p.length * p.length;
    const seen = this.memo.seen.get(node)!;
    let emitted = seen.emitted;
    if (!emitted) {
      emitted = constant === undefined ? this.emit(node.graph, p) : uniformConstant(node.graph, constant, node.shape);
      if (!sameShape(emitted.shape, node.shape)) emitted = make('broadcast_to', [emitted], { shape: node.shape });
      seen.emitted = emitted;
      if (!this.memo.sources.has(emitted)) this.memo.sources.set(emitted, p);
    } else if (constant === undefined) this.work += p.length * p.length;
    if (emitted !== node) this.log.push({ rule: 'collect-terms', before: node, after: emitted });
    this.values.set(node, emitted);
    return emitted;
  }

  /**
   * The sum a node stands for where another sum reads it. A sum that is emitted anyway, or big and
   * read more than once, is read as an atom instead: copying its terms would lose the sharing
   * (and on a chain like v ← 2·v + sin(v), grow without end).
   */
  private polyOf(node: Node): Poly {
    const p = this.polys.get(node);
    const copy = p && (constantOf(p) !== undefined || (this.read.get(node) === 0 && (p.length <= SHARED_TERMS || this.uses.get(node) === 1)));
    return copy ? p : this.memo.atomPoly(this.value(node));
  }

  private emit(graph: Graph, p: Poly): Node {
    this.work += p.length * p.length;
    return buildPoly(graph, p);
  }

  private parse(node: Node): Poly | undefined {
    const [a, b, c] = node.inputs;
    switch (node.op) {
      case 'constant': {
        const value = constantValue(node);
        return value !== undefined && Number.isFinite(value) ? constantPoly(value) : undefined;
      }
      case 'broadcast_to':
        return this.polyOf(a);
      case 'add':
        return addPolys(this.polyOf(a), this.polyOf(b));
      case 'sub':
        return addPolys(this.polyOf(a), this.polyOf(b), -1);
      case 'neg':
        return scalePoly(this.polyOf(a), -1);
      case 'mul':
        return this.multiply(this.polyOf(a), this.polyOf(b), node);
      case 'div': {
        const inverse = this.power(this.polyOf(b), -1, node);
        return inverse && this.multiply(this.polyOf(a), inverse, node);
      }
      case 'square':
        return this.power(this.polyOf(a), 2, node);
      case 'sqrt':
        return this.power(this.polyOf(a), 0.5, node);
      case 'reciprocal':
        return this.power(this.polyOf(a), -1, node);
      case 'pow': {
        const k = constantValue(b);
        return k === undefined ? undefined : this.power(this.polyOf(a), k, node);
      }
      case 'where':
        if (constantValue(c) === 0) return underMask(this.polyOf(b), { atom: this.value(a), power: 1, mask: 'then' });
        if (constantValue(b) === 0) return underMask(this.polyOf(c), { atom: this.value(a), power: 1, mask: 'else' });
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * A term times a sum is distributed; a product of sums is expanded (within bounds) when they
   * share an atom, so like terms can meet: (x + 1)·(y + 1) stays a product of two atoms.
   * Undefined where that would change a special value (see mulPolys).
   */
  private multiply(a: Poly, b: Poly, like: Node): Poly | undefined {
    this.work += a.length * b.length;
    if (a.length <= 1 || b.length <= 1 || (a.length * b.length <= MAX_PRODUCT && sharesAtom(a, b))) return mulPolys(a, b);
    return mulPolys(this.atomize(a, like), this.atomize(b, like));
  }

  /**
   * p^k. A single term takes the power factor by factor where that is exact: for an integer k
   * and integer powers, or a positive coefficient and atoms that cannot be negative ((x²)^½ is
   * |x|, not x; (√x)² is NaN at −1, not −1); masks survive positive powers only. A sum to a small
   * integer power is a product (so (1 − t²)² meets (1 − t²)·(1 − t²)); to any other power it is
   * an atom to that power.
   */
  private power(p: Poly, k: number, like: Node): Poly | undefined {
    if (k === 0) return constantPoly(1);
    if (p.length === 0) return k > 0 ? p : undefined;
    if (p.length > 1 && Number.isInteger(k) && k >= 2 && k <= MAX_EXPANDED_POWER) {
      let product: Poly | undefined = p;
      for (let i = 1; i < k && product; i++) product = this.multiply(product, p, like);
      return product;
    }
    if (p.length > 1) return this.power(this.atomize(p, like), k, like);
    const [t] = p;
    if (!Number.isInteger(k) && t.coef < 0) return undefined;
    const exact = (f: Factor) => f.mask || (Number.isInteger(k) && Number.isInteger(f.power)) || only(f.atom, NAN | ZERO | POS | POS_INF);
    if (!t.factors.every(exact)) return undefined;
    if (k < 0 && t.factors.some((f) => f.mask)) return undefined;
    const factors = t.factors.map((f) => (f.mask ? f : { atom: f.atom, power: f.power * k }));
    return polyOfTerms([{ coef: Math.pow(t.coef, k), factors }]);
  }

  /**
   * A sum as one atom; masks common to its terms stay outside, so they still guard what they
   * multiply, and so does the coefficient of a single term, so that coefficients meet in one pass.
   */
  private atomize(p: Poly, like: Node): Poly {
    const terms = [...p];
    const masks = commonFactors(terms).filter((f) => f.mask);
    const rest = terms.map((t) => divideTerm(t, masks));
    const coef = rest.length === 1 ? rest[0].coef : 1;
    if (coef !== 1) rest[0] = { coef: 1, factors: rest[0].factors };
    const atom = scalePoly(factorPoly({ atom: this.emit(like.graph, polyOfTerms(rest)), power: 1 }), coef);
    return masks.reduce(underMask, atom);
  }
}

function moderate(t: Term): boolean {
  return t.factors.length === 0 || Math.abs(Math.log2(Math.abs(t.coef))) <= MAX_SCALE;
}

/** The same terms in the same order (orders of iteration decide how coefficients round). */
function samePoly(a: Poly, b: Poly): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i].key && Object.is(t.coef, b[i].coef));
}
