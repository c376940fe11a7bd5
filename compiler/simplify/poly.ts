import type { Node } from '../graph.js';

/**
 * Sums of products over atoms (any node that is not elementwise arithmetic): the canonical form
 * of an elementwise subgraph, as Theano's add/mul canonicalizers kept it. A factor is an atom to
 * a power, or a mask: where(c, ·, 0) is mask(c, then)·(·) and where(c, 0, ·) is mask(c, else)·(·),
 * masks being idempotent and exclusive. Terms are keyed by their monomial, so like terms meet.
 */
export interface Factor {
  readonly atom: Node;
  /** The exponent; 1 for a mask. */
  readonly power: number;
  readonly mask?: 'then' | 'else';
}

export interface Monomial {
  readonly coef: number;
  /** Sorted by atom id (a mask before a power of the same atom). */
  readonly factors: readonly Factor[];
}

/** A term of a sum: a monomial and the key that makes like terms meet. */
export interface Term extends Monomial {
  readonly key: string;
}

/**
 * A sum: at most one term per key, in the order the terms first met (which decides how
 * coefficients round). A plain array: big graphs hold one sum per node.
 */
export type Poly = readonly Term[];

export function monomialKey(factors: readonly Factor[]): string {
  return factors.map((f) => (f.mask ? `${f.atom.id}${f.mask === 'then' ? '?' : '!'}` : `${f.atom.id}^${f.power}`)).join('*');
}

function compareFactors(a: Factor, b: Factor): number {
  return a.atom.id - b.atom.id || Number(!a.mask) - Number(!b.mask) || (a.mask ?? '').localeCompare(b.mask ?? '');
}

/** A number as a sum (−0 kept as a term, so a constant keeps its sign of zero). */
export function constantPoly(value: number): Poly {
  return Object.is(value, 0) ? [] : [{ key: '', coef: value, factors: [] }];
}

export function factorPoly(factor: Factor): Poly {
  return [{ key: monomialKey([factor]), coef: 1, factors: [factor] }];
}

/** Terms added one by one, like terms summed (a term summing to 0 leaves; met again, it comes last). */
class TermSum {
  private readonly terms: (Term | undefined)[] = [];
  /** Positions by key, once there are too many terms to search. */
  private index?: Map<string, number>;

  constructor(start: Poly = []) {
    for (const t of start) this.terms.push(t);
  }

  add(key: string, coef: number, factors: readonly Factor[]): void {
    const i = this.find(key);
    const sum = (i < 0 ? 0 : this.terms[i]!.coef) + coef;
    if (i >= 0 && sum === 0) {
      this.terms[i] = undefined;
      this.index?.delete(key);
    } else if (i >= 0) {
      this.terms[i] = { key, coef: sum, factors };
    } else if (sum !== 0) {
      this.terms.push({ key, coef: sum, factors });
      this.index?.set(key, this.terms.length - 1);
    }
  }

  /** The sum, in an array of its exact size (big graphs keep one per node). */
  get poly(): Poly {
    return this.terms.filter((t): t is Term => t !== undefined).slice();
  }

  private find(key: string): number {
    if (!this.index && this.terms.length > 16) this.index = new Map(this.terms.flatMap((t, i) => (t ? [[t.key, i] as const] : [])));
    if (this.index) return this.index.get(key) ?? -1;
    return this.terms.findIndex((t) => t?.key === key);
  }
}

/** a + scale·b */
export function addPolys(a: Poly, b: Poly, scale = 1): Poly {
  const out = new TermSum(a);
  for (const t of b) out.add(t.key, t.coef * scale, t.factors);
  return out.poly;
}

export function scalePoly(p: Poly, scale: number): Poly {
  return scale === 0 ? [] : p.map((t) => ({ key: t.key, coef: t.coef * scale, factors: t.factors }));
}

/** The product of two monomials (factors merged, powers added); undefined if opposite masks meet. */
export function mulFactors(a: readonly Factor[], b: readonly Factor[]): Factor[] | undefined {
  const out: Factor[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const order = i === a.length ? 1 : j === b.length ? -1 : compareFactors(a[i], b[j]);
    if (order !== 0) {
      out.push(order < 0 ? a[i++] : b[j++]);
      continue;
    }
    const [f, g] = [a[i++], b[j++]];
    if (f.mask) {
      out.push(f);
    } else if (f.power + g.power !== 0) {
      out.push({ atom: f.atom, power: f.power + g.power });
    }
  }
  for (let n = 1; n < out.length; n++) {
    if (out[n].mask && out[n - 1].mask && out[n].atom === out[n - 1].atom) return undefined;
  }
  return out.slice(); // exact size: terms keep their factors for as long as the graph lives
}

export function mulPolys(a: Poly, b: Poly): Poly {
  const out = new TermSum();
  for (const s of a) {
    for (const t of b) {
      const factors = mulFactors(s.factors, t.factors);
      if (factors) out.add(monomialKey(factors), s.coef * t.coef, factors);
    }
  }
  return out.poly;
}

/** Factors common to every term: masks, and atoms whose powers all have one sign (the smallest in size). */
export function commonFactors(terms: readonly Monomial[]): Factor[] {
  const common: Factor[] = [];
  for (const f of terms[0]?.factors ?? []) {
    let power = f.power;
    for (const t of terms) {
      const g = t.factors.find((h) => h.atom === f.atom && h.mask === f.mask);
      power = !g || Math.sign(g.power) !== Math.sign(f.power) ? 0 : f.power > 0 ? Math.min(power, g.power) : Math.max(power, g.power);
      if (power === 0) break;
    }
    if (power !== 0) common.push(f.mask ? f : { atom: f.atom, power });
  }
  return common;
}

/** t / g for a monomial g dividing t (masks of g are dropped from t). */
export function divideTerm(t: Monomial, g: readonly Factor[]): Monomial {
  const factors: Factor[] = [];
  for (const f of t.factors) {
    const h = g.find((k) => k.atom === f.atom && k.mask === f.mask);
    if (!h) factors.push(f);
    else if (!f.mask && f.power !== h.power) factors.push({ atom: f.atom, power: f.power - h.power });
  }
  return { coef: t.coef, factors };
}

export function polyOfTerms(terms: readonly Monomial[]): Poly {
  const out = new TermSum();
  for (const t of terms) out.add(monomialKey(t.factors), t.coef, t.factors);
  return out.poly;
}

/** The value of a constant sum, if it is one. */
export function constantOf(p: Poly): number | undefined {
  if (p.length === 0) return 0;
  return p.length === 1 && p[0].factors.length === 0 ? p[0].coef : undefined;
}

export function isFinitePoly(p: Poly): boolean {
  return p.every((t) => Number.isFinite(t.coef));
}

/** The most factors in one term. */
export function longestTerm(p: Poly): number {
  let longest = 0;
  for (const t of p) longest = Math.max(longest, t.factors.length);
  return longest;
}

export function sharesAtom(a: Poly, b: Poly): boolean {
  const atoms = new Set<Node>();
  for (const t of a) for (const f of t.factors) atoms.add(f.atom);
  for (const t of b) for (const f of t.factors) if (atoms.has(f.atom)) return true;
  return false;
}
