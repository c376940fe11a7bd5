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

export interface Term {
  readonly coef: number;
  /** Sorted by atom id (a mask before a power of the same atom). */
  readonly factors: readonly Factor[];
}

export type Poly = ReadonlyMap<string, Term>;

export function monomialKey(factors: readonly Factor[]): string {
  return factors.map((f) => (f.mask ? `${f.atom.id}${f.mask === 'then' ? '?' : '!'}` : `${f.atom.id}^${f.power}`)).join('*');
}

function compareFactors(a: Factor, b: Factor): number {
  return a.atom.id - b.atom.id || Number(!a.mask) - Number(!b.mask) || (a.mask ?? '').localeCompare(b.mask ?? '');
}

/** A number as a sum (−0 kept as a term, so a constant keeps its sign of zero). */
export function constantPoly(value: number): Poly {
  return Object.is(value, 0) ? new Map() : new Map([['', { coef: value, factors: [] }]]);
}

export function factorPoly(factor: Factor): Poly {
  return new Map([[monomialKey([factor]), { coef: 1, factors: [factor] }]]);
}

/** a + scale·b */
export function addPolys(a: Poly, b: Poly, scale = 1): Poly {
  const out = new Map(a);
  for (const [key, term] of b) addTerm(out, key, term.coef * scale, term.factors);
  return out;
}

function addTerm(out: Map<string, Term>, key: string, coef: number, factors: readonly Factor[]): void {
  const sum = (out.get(key)?.coef ?? 0) + coef;
  if (sum === 0) out.delete(key);
  else out.set(key, { coef: sum, factors });
}

export function scalePoly(p: Poly, scale: number): Poly {
  return scale === 0 ? new Map() : new Map([...p].map(([key, t]) => [key, { coef: t.coef * scale, factors: t.factors }]));
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
  return out;
}

export function mulPolys(a: Poly, b: Poly): Poly {
  const out = new Map<string, Term>();
  for (const s of a.values()) {
    for (const t of b.values()) {
      const factors = mulFactors(s.factors, t.factors);
      if (factors) addTerm(out, monomialKey(factors), s.coef * t.coef, factors);
    }
  }
  return out;
}

/** Factors common to every term: masks, and atoms whose powers all have one sign (the smallest in size). */
export function commonFactors(terms: readonly Term[]): Factor[] {
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
export function divideTerm(t: Term, g: readonly Factor[]): Term {
  const factors: Factor[] = [];
  for (const f of t.factors) {
    const h = g.find((k) => k.atom === f.atom && k.mask === f.mask);
    if (!h) factors.push(f);
    else if (!f.mask && f.power !== h.power) factors.push({ atom: f.atom, power: f.power - h.power });
  }
  return { coef: t.coef, factors };
}

export function polyOfTerms(terms: readonly Term[]): Poly {
  const out = new Map<string, Term>();
  for (const t of terms) addTerm(out, monomialKey(t.factors), t.coef, t.factors);
  return out;
}

/** The value of a constant sum, if it is one. */
export function constantOf(p: Poly): number | undefined {
  if (p.size === 0) return 0;
  const [t] = p.values();
  return p.size === 1 && t.factors.length === 0 ? t.coef : undefined;
}

export function isFinitePoly(p: Poly): boolean {
  for (const t of p.values()) if (!Number.isFinite(t.coef)) return false;
  return true;
}

/** The most factors in one term. */
export function longestTerm(p: Poly): number {
  let longest = 0;
  for (const t of p.values()) longest = Math.max(longest, t.factors.length);
  return longest;
}

export function sharesAtom(a: Poly, b: Poly): boolean {
  const atoms = new Set<Node>();
  for (const t of a.values()) for (const f of t.factors) atoms.add(f.atom);
  for (const t of b.values()) for (const f of t.factors) if (atoms.has(f.atom)) return true;
  return false;
}
