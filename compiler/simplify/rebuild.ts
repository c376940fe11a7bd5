import { constantValue } from '../builder.js';
import type { Graph, Node } from '../graph.js';
import { make, number } from './make.js';
import { commonFactors, distributable, divideTerm, monomialKey, sumFacts, type Factor, type Monomial, type Poly, type SumFacts } from './poly.js';

/** A node and whether it stands for its own negation (signs are settled at the nearest sum). */
interface Signed {
  readonly node: Node;
  readonly negative: boolean;
}

/**
 * Graph for a canonical sum: factors common to all terms are taken out, then the terms are
 * split on the factor most of them share (a multivariate Horner scheme), so a polynomial in t
 * comes out as t·(a + t²·(b + t²·c)). Masks become `where` outside everything they multiply.
 * A factor that can be infinite is never taken out of a sum (∞·2 − ∞ is NaN, ∞·(2 − 1) is not).
 */
export function buildPoly(graph: Graph, p: Poly): Node {
  const terms = [...p].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (terms.length === 0) return number(graph, 0);
  if (terms.length === 1 && terms[0].factors.length === 0) return number(graph, terms[0].coef);
  const { node, negative } = emitSum(graph, terms);
  return negative ? make('neg', [node]) : node;
}

function emitSum(graph: Graph, terms: readonly Monomial[]): Signed {
  if (terms.length === 1) return emitTerm(graph, terms[0]);
  let sum: SumFacts | undefined; // taken only if some factor may be taken out
  const outside = (f: Factor) => f.mask !== undefined || distributable({ coef: 1, factors: [f] }, (sum ??= sumFacts(terms)));
  const common = commonFactors(terms).filter(outside);
  if (common.length > 0) {
    const inner = emitSum(graph, terms.map((t) => divideTerm(t, common)));
    return { node: withFactors(graph, common, [inner.node]), negative: inner.negative };
  }
  const pivot = mostShared(terms, outside);
  if (!pivot) {
    const ordered = [...terms].sort((s, t) => Number(s.factors.length === 0) - Number(t.factors.length === 0));
    return ordered.map((t) => emitTerm(graph, t)).reduce(combine);
  }
  const shares = (t: Monomial) => t.factors.some((f) => factorId(f) === pivot);
  return combine(emitSum(graph, terms.filter(shares)), emitSum(graph, terms.filter((t) => !shares(t))));
}

function emitTerm(graph: Graph, t: Monomial): Signed {
  const magnitude = Math.abs(t.coef);
  return { node: withFactors(graph, t.factors, magnitude === 1 ? [] : [number(graph, magnitude)]), negative: t.coef < 0 };
}

/** The product of `inner` (nodes) and the factors: numerator, then denominator, then masks outside. */
function withFactors(graph: Graph, factors: readonly Factor[], inner: readonly Node[]): Node {
  const up = factors.filter((f) => !f.mask && f.power > 0).map((f) => power(f.atom, f.power));
  const down = factors.filter((f) => !f.mask && f.power < 0).map((f) => power(f.atom, -f.power));
  const numerator = [...up, ...inner];
  let node = numerator.length > 0 ? numerator.reduce((a, b) => make('mul', [a, b])) : number(graph, 1);
  if (down.length > 0) node = make('div', [node, down.reduce((a, b) => make('mul', [a, b]))]);
  for (const f of factors) {
    if (!f.mask) continue;
    const zero = number(graph, 0);
    node = make('where', f.mask === 'then' ? [f.atom, node, zero] : [f.atom, zero, node]);
  }
  return node;
}

function power(atom: Node, p: number): Node {
  if (p === 1) return atom;
  if (p === 2) return make('square', [atom]);
  if (p === 0.5) return make('sqrt', [atom]);
  return make('pow', [atom, number(atom.graph, p)]);
}

/** a + b with signs; where(c, A, 0) + where(c, 0, B) is where(c, A, B). */
function combine(a: Signed, b: Signed): Signed {
  if (a.negative === b.negative) {
    const merged = mergeMasks(a.node, b.node) ?? mergeMasks(b.node, a.node);
    return { node: merged ?? make('add', [a.node, b.node]), negative: a.negative };
  }
  return a.negative ? { node: make('sub', [b.node, a.node]), negative: false } : { node: make('sub', [a.node, b.node]), negative: false };
}

function mergeMasks(a: Node, b: Node): Node | undefined {
  if (a.op !== 'where' || b.op !== 'where' || a.inputs[0] !== b.inputs[0]) return undefined;
  if (constantValue(a.inputs[2]) !== 0 || constantValue(b.inputs[1]) !== 0) return undefined;
  return make('where', [a.inputs[0], a.inputs[1], b.inputs[2]]);
}

/**
 * The factor (atom, mask or sign of power) that may be taken `outside` in most terms, if at least
 * two share one; the first such in the terms' order. Whether a factor may is the same for all of one id.
 */
function mostShared(terms: readonly Monomial[], outside: (f: Factor) => boolean): string | undefined {
  const counts = new Map<string, { n: number; f: Factor }>();
  for (const t of terms) {
    for (const f of t.factors) {
      const id = factorId(f);
      const seen = counts.get(id);
      if (seen) seen.n++;
      else counts.set(id, { n: 1, f });
    }
  }
  let best: string | undefined;
  let bestCount = 1;
  for (const [id, { n, f }] of counts) if (n > bestCount && outside(f)) [best, bestCount] = [id, n];
  return best;
}

function factorId(f: Factor): string {
  return f.mask ? monomialKey([f]) : `${f.atom.id}${f.power > 0 ? '+' : '-'}`;
}
