import { jsNumber } from '../literals.js';

/**
 * erf and erfc by W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969, the
 * netlib SPECFUN CALERF coefficients): relative error below about 1e-15 on the whole line, and
 * erfc keeps its relative accuracy far into the tail (erfc(26) ≈ 5.7e-296). The reference
 * evaluation and the helpers emitted into generated code are rendered from the same
 * coefficients and perform the same operations in the same order, so they agree to the bit.
 */

/** erf(x) = x·A(x²)/B(x²) for |x| ≤ 0.46875. */
const A = [3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
/** erfc(y) = exp(−y²)·C(y)/D(y) for 0.46875 < y ≤ 4. */
const C = [
  5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1, 2.98635138197400131e2, 8.8195222124176909e2,
  1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3, 3.29079923573345963e3,
  4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3,
];
/** erfc(y) = exp(−y²)/y·(1/√π − z·P(z)/Q(z)), z = 1/y², for 4 < y < 26.543 (beyond, erfc underflows to 0). */
const P = [
  3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4,
  1.63153871373020978e-2,
];
const Q = [2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];
const SMALL = 0.46875;
const BIG = 26.543;
const ONE_OVER_SQRT_PI = 0.56418958354775628695;

/** The coefficients and break points, for the ONNX export's form of erfc (compiler/onnx/erfc.ts). */
export const CODY = { A, B, C, D, P, Q, SMALL, BIG, ONE_OVER_SQRT_PI } as const;

/** Cody's form of p(v)/q(v): q is monic, p has one coefficient more (the leading one last). */
function rational(p: readonly number[], q: readonly number[], v: number): number {
  const n = q.length;
  let num = p[n] * v;
  let den = v;
  for (let i = 0; i < n - 1; i++) {
    num = (num + p[i]) * v;
    den = (den + q[i]) * v;
  }
  return (num + p[n - 1]) / (den + q[n - 1]);
}

/** exp(−y²) as exp(−s²)·exp(−(y − s)(y + s)), s = y rounded down to sixteenths: no cancellation in y². */
function gaussian(y: number): number {
  const s = Math.trunc(y * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s));
}

/** erfc(y) for y > 0.46875 (NaN stays NaN). */
function erfcTail(y: number): number {
  if (y <= 4) return gaussian(y) * rational(C, D, y);
  if (y >= BIG) return 0;
  const z = 1 / (y * y);
  return (gaussian(y) * (ONE_OVER_SQRT_PI - z * rational(P, Q, z))) / y;
}

export function erfValue(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return x * rational(A, B, x * x);
  const c = erfcTail(y);
  return x < 0 ? c - 1 : 1 - c;
}

export function erfcValue(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return 1 - x * rational(A, B, x * x);
  const c = erfcTail(y);
  return x < 0 ? 2 - c : c;
}

/** The same rational function as an expression over the variable `v`. */
function rationalExpr(p: readonly number[], q: readonly number[], v: string): string {
  const n = q.length;
  let num = `${jsNumber(p[n])} * ${v}`;
  let den = v;
  for (let i = 0; i < n - 1; i++) {
    num = `(${num} + ${jsNumber(p[i])}) * ${v}`;
    den = `(${den} + ${jsNumber(q[i])}) * ${v}`;
  }
  return `(${num} + ${jsNumber(p[n - 1])}) / (${den} + ${jsNumber(q[n - 1])})`;
}

/** The generated module's `$erf` and `$erfc` (and their shared parts), for expressions to call. */
export function erfHelpers(ts: boolean): string {
  const n = ts ? ': number' : '';
  return `/** erf and erfc by W. J. Cody's rational approximations (Math. Comp. 1969): relative error below 1e-15. */
function $erf(x${n})${n} {
  const y = Math.abs(x);
  if (y <= ${SMALL}) return x * $erfRational(x * x);
  const c = $erfcTail(y);
  return x < 0 ? c - 1 : 1 - c;
}

function $erfc(x${n})${n} {
  const y = Math.abs(x);
  if (y <= ${SMALL}) return 1 - x * $erfRational(x * x);
  const c = $erfcTail(y);
  return x < 0 ? 2 - c : c;
}

function $erfRational(v${n})${n} {
  return ${rationalExpr(A, B, 'v')};
}

function $erfcTail(y${n})${n} {
  const s = Math.trunc(y * 16) / 16;
  const g = Math.exp(-s * s) * Math.exp(-(y - s) * (y + s));
  if (y <= 4) return g * (${rationalExpr(C, D, 'y')});
  if (y >= ${BIG}) return 0;
  const z = 1 / (y * y);
  return (g * (${jsNumber(ONE_OVER_SQRT_PI)} - z * (${rationalExpr(P, Q, 'z')}))) / y;
}
`;
}
