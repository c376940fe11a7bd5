import type { Node } from '../graph.js';
import { factsOf, FINITE, NAN, only, POS, POS_INF, ZERO, ZEROS } from './facts.js';

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

/**
 * What a term can be in each case of the leaves (see facts.ts), as bit sets over the cases:
 * where it can be ±Infinity (an atom that can be infinite to a positive power, or zero to a
 * negative one), ±Infinity or NaN, and where it is NaN for sure (a NaN atom and no mask).
 */
interface TermFacts {
  readonly relevant: number;
  readonly infinite: number;
  readonly special: number;
  readonly nan: number;
}

function termFacts(factors: readonly Factor[]): TermFacts {
  let [relevant, infinite, special, nan] = [1, 0, 0, 0];
  const masked = factors.some((f) => f.mask);
  for (const f of factors) {
    if (f.mask) continue;
    const atom = factsOf(f.atom);
    relevant |= atom.relevant;
    infinite |= f.power > 0 ? atom.infinite : atom.zero;
    special |= atom.nan;
    if (!masked) nan |= atom.onlyNaN;
  }
  return { relevant, infinite, special: special | infinite, nan };
}

/** Facts of a sum's terms: the cases where every term, and where some term, is NaN for sure. */
export interface SumFacts {
  readonly relevant: number;
  readonly allNaN: number;
  readonly someNaN: number;
}

export function sumFacts(terms: readonly Monomial[]): SumFacts {
  let [relevant, allNaN, someNaN] = [1, terms.length > 0 ? -1 : 0, 0];
  for (const t of terms) {
    const f = termFacts(t.factors);
    relevant |= f.relevant;
    allNaN &= f.nan;
    someNaN |= f.nan;
  }
  return { relevant, allNaN, someNaN };
}

const NO_TERMS: SumFacts = { relevant: 1, allNaN: 0, someNaN: 0 };

/**
 * Whether t may be distributed over (or factored out of) a sum (of facts `sum`), or summed with a
 * like term of the opposite sign (no sum): where t can be infinite, only if it or every term is
 * NaN there (∞·(2 − 1) is ∞, but ∞·2 − ∞·1 is NaN).
 */
export function distributable(t: Monomial, sum: SumFacts = NO_TERMS): boolean {
  const f = termFacts(t.factors);
  return (f.infinite & ~f.nan & ~sum.allNaN & (f.relevant | sum.relevant)) === 0;
}

/** Whether t may vanish from a sum whose other terms have facts `rest`: only where it is finite, or the rest is NaN anyway. */
function removable(t: Monomial, rest: SumFacts = NO_TERMS): boolean {
  const f = termFacts(t.factors);
  return (f.special & ~rest.someNaN & (f.relevant | rest.relevant)) === 0;
}

/**
 * Terms added one by one, like terms summed (a term summing to 0 leaves; met again, it comes
 * last). A sum that would change a special value (see mayBeInfinite) makes the whole sum unsafe.
 */
class TermSum {
  private readonly terms: (Term | undefined)[] = [];
  /** Positions by key, once there are too many terms to search. */
  private index?: Map<string, number>;
  private unsafe = false;
  /** Terms that summed to 0: the sum is unsafe if one could be NaN or infinite and is not met again. */
  private readonly removed: Monomial[] = [];

  constructor(start: Poly = []) {
    for (const t of start) this.terms.push(t);
  }

  add(key: string, coef: number, factors: readonly Factor[]): void {
    const i = this.find(key);
    const sum = (i < 0 ? 0 : this.terms[i]!.coef) + coef;
    if (i >= 0 && sum !== 0 && Math.sign(this.terms[i]!.coef) !== Math.sign(coef) && !distributable({ coef, factors })) {
      this.unsafe = true;
    }
    if (i >= 0 && sum === 0 && factors.length > 0) this.removed.push({ coef, factors });
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

  /** The sum, in an array of its exact size (big graphs keep one per node); undefined if unsafe. */
  get poly(): Poly | undefined {
    const terms = this.terms.filter((t): t is Term => t !== undefined);
    if (this.unsafe) return undefined;
    const gone = this.removed.filter((t) => this.find(monomialKey(t.factors)) < 0);
    const rest = gone.length > 0 ? sumFacts(terms) : NO_TERMS;
    return gone.every((t) => removable(t, rest)) ? terms.slice() : undefined;
  }

  private find(key: string): number {
    if (!this.index && this.terms.length > 16) this.index = new Map(this.terms.flatMap((t, i) => (t ? [[t.key, i] as const] : [])));
    if (this.index) return this.index.get(key) ?? -1;
    return this.terms.findIndex((t) => t?.key === key);
  }
}

/** a + scale·b; undefined where that would change a special value. */
export function addPolys(a: Poly, b: Poly, scale = 1): Poly | undefined {
  const out = new TermSum(a);
  for (const t of b) out.add(t.key, t.coef * scale, t.factors);
  return out.poly;
}

export function scalePoly(p: Poly, scale: number): Poly {
  return scale === 0 ? [] : p.map((t) => ({ key: t.key, coef: t.coef * scale, factors: t.factors }));
}

/**
 * Whether x^p·x^q may be written x^(p+q) for every value of the atom x: powers of opposite signs
 * only where x is neither 0 nor infinite (x³/x is NaN at 0), nor NaN if they cancel; fractional
 * powers only where x is not negative (√x·√x is NaN at −1).
 */
function mergeable(atom: Node, p: number, q: number): boolean {
  if (!Number.isInteger(p) || !Number.isInteger(q)) return only(atom, NAN | ZERO | POS | POS_INF);
  if (Math.sign(p) === Math.sign(q)) return true;
  return only(atom, p + q === 0 ? FINITE & ~ZEROS : NAN | (FINITE & ~ZEROS));
}

/**
 * The product of two monomials (factors merged, powers added); 'zero' if opposite masks meet,
 * undefined if powers of an atom cannot be merged (see mergeable).
 */
export function mulFactors(a: readonly Factor[], b: readonly Factor[]): Factor[] | 'zero' | undefined {
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
    } else if (!mergeable(f.atom, f.power, g.power)) {
      return undefined;
    } else if (f.power + g.power !== 0) {
      out.push({ atom: f.atom, power: f.power + g.power });
    }
  }
  for (let n = 1; n < out.length; n++) {
    if (out[n].mask && out[n - 1].mask && out[n].atom === out[n - 1].atom) return 'zero';
  }
  return out.slice(); // exact size: terms keep their factors for as long as the graph lives
}

/**
 * a·b, distributed; undefined where that would change a special value: a term that can be
 * infinite is not distributed over a sum, nor a term that can be NaN or infinite multiplied away
 * (by a zero, or by the opposite mask) or taken under a mask (where(c, x, 0)·∞ is NaN where c
 * does not hold, where(c, x·∞, 0) is 0).
 */
export function mulPolys(a: Poly, b: Poly): Poly | undefined {
  if ((a.length === 0 && !b.every((t) => removable(t))) || (b.length === 0 && !a.every((t) => removable(t)))) return undefined;
  if (a.length > 1 && b.length > 0) {
    const sum = sumFacts(a);
    if (!b.every((t) => distributable(t, sum))) return undefined;
  }
  if (b.length > 1 && a.length > 0) {
    const sum = sumFacts(b);
    if (!a.every((t) => distributable(t, sum))) return undefined;
  }
  const out = new TermSum();
  for (const s of a) {
    for (const t of b) {
      if (!multipliable(s, t) || !multipliable(t, s)) return undefined;
      const factors = mulFactors(s.factors, t.factors);
      if (!factors) return undefined;
      if (factors !== 'zero') out.add(monomialKey(factors), s.coef * t.coef, factors);
    }
  }
  return out.poly;
}

/** where(c, p, 0) or where(c, 0, p) for the mask factor of c: each term under the mask (none where the opposite one is). */
export function underMask(p: Poly, mask: Factor): Poly {
  return p.flatMap((t) => {
    const factors = mulFactors(t.factors, [mask]);
    return factors === 'zero' || !factors ? [] : [{ key: monomialKey(factors), coef: t.coef, factors }];
  });
}

/** Whether t may multiply s as a term of s's masks and to s's zero coefficient. */
function multipliable(s: Monomial, t: Monomial): boolean {
  const masked = s.coef === 0 || s.factors.some((f) => f.mask && !t.factors.some((g) => g.atom === f.atom && g.mask === f.mask));
  return !masked || removable(t);
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

/** Terms of distinct monomials as a sum. */
export function polyOfTerms(terms: readonly Monomial[]): Poly {
  return terms.filter((t) => t.coef !== 0).map((t) => ({ key: monomialKey(t.factors), coef: t.coef, factors: t.factors }));
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
