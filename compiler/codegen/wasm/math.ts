import { op } from './instructions.js';

/**
 * exp, log, expm1, log1p, tanh, sinh and cosh on vectors, with V8's results to the bit, and sigmoid,
 * softplus and elu as their JS forms compute them. V8's Math.exp, log, expm1, log1p and tanh are fdlibm's
 * e_exp.c, e_log.c, s_expm1.c, s_log1p.c and s_tanh.c, its sinh and cosh its own forms on expm1 and
 * exp (V8's src/base/ieee754.cc); here they are on float64 lanes with
 * the same constants and the same operations in the same order, every branch computed and each
 * lane's result selected by masks. Float32 lanes are computed as float64 and rounded once, as a
 * JS loop stores fround(Math.exp(x)). Each function takes the vector on the stack and leaves its
 * result there, using v128 locals from `at` on (MATH_LOCALS of them).
 */

export type MathOp = 'exp' | 'log' | 'sigmoid' | 'expm1' | 'log1p' | 'tanh' | 'sinh' | 'cosh' | 'softplus' | 'elu';

/** The v128 locals the ops use: log's 12 (the others fewer), and a float32 vector's. */
export const MATH_LOCALS = 13;

type Code = readonly number[];
const f64 = (value: number) => op.f64x2Const([value, value]);
const i64 = (value: bigint) => op.i64x2Const([value, value]);
const get = op.localGet;
const set = op.localSet;
/** Lanes of `ifTrue` where `mask` is all ones, else of `ifFalse`. */
const select = (ifTrue: Code, ifFalse: Code, mask: Code) => [...ifTrue, ...ifFalse, ...mask, ...op.v128Bitselect];
/** c[0] + t·(c[1] + t·(… + t·c[n−1])), innermost first. */
const horner = (t: number, c: readonly number[]) => [
  ...get(t), ...f64(c.at(-1)!), ...op.f64x2Mul,
  ...c.slice(0, -1).reverse().flatMap((ci, i) => [...f64(ci), ...op.f64x2Add, ...(i < c.length - 2 ? [...get(t), ...op.f64x2Mul] : [])]),
];
/** 1.5·2^52: for an integer n, |n| < 2^51, the bits of MAGIC + n are MAGIC_BITS + n (floats to integer lanes and back). */
const MAGIC = 6755399441055744;
const MAGIC_BITS = 0x4338000000000000n;
/** 2^n for integer-valued float lanes n of float64's normal exponents: n + 1023 in the exponent field (MAGIC's bits shift out). */
const power2 = [...f64(MAGIC), ...op.f64x2Add, ...op.i32Const(52), ...op.i64x2Shl, ...i64(0x3ff0000000000000n), ...op.i64x2Add];
const LN2_HI = 6.93147180369123816490e-01; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76

/** V8's NaN for an argument out of the domain (C++'s signaling_NaN(), kept to the bit). */
const SIGNALING_NAN = 0x7ff4000000000000n;

/**
 * k = trunc(x/ln2 ± 1/2) for the vector in local X, 0 where |x| < 0x3FD62E43_00000000 (fdlibm's
 * |x| ≤ ln2/2 on the high word; e_exp.c's and s_expm1.c's own branch for |x| < 1.5·ln2, k = ±1,
 * gives the same k, hi and lo).
 */
const reduce = (X: number) => [
  ...get(X), ...f64(1.44269504088896338700e+00), ...op.f64x2Mul,
  ...f64(0.5), ...get(X), ...i64(-0x8000000000000000n), ...op.v128And, ...op.v128Or, ...op.f64x2Add, ...op.f64x2Trunc,
  ...get(X), ...op.f64x2Abs, ...f64(0.3465735912322998), ...op.f64x2Lt, ...op.v128Andnot,
];

/** e^x (e_exp.c): x = k·ln2 + r, e^r from a rational approximation, scaled by 2^k. */
function exp(at: number): number[] {
  const [X, K, HI, LO, R, T, C, B] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => at + i);
  const P = [1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05, -1.65339022054652515390e-06, 4.13813679705723846039e-08];
  const general = [
    ...reduce(X), ...set(K),
    // r = hi − lo, hi = x − k·ln2HI (exact), lo = k·ln2LO
    ...get(X), ...get(K), ...f64(LN2_HI), ...op.f64x2Mul, ...op.f64x2Sub, ...set(HI),
    ...get(K), ...f64(LN2_LO), ...op.f64x2Mul, ...set(LO),
    ...get(HI), ...get(LO), ...op.f64x2Sub, ...set(R),
    ...get(R), ...get(R), ...op.f64x2Mul, ...set(T),
    // c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5)))), t = r²
    ...get(R), ...horner(T, P), ...get(T), ...op.f64x2Mul, ...op.f64x2Sub, ...set(C),
    // y = 1 − ((lo − r·c/(2 − c)) − hi)
    ...f64(1), ...get(LO), ...get(R), ...get(C), ...op.f64x2Mul, ...f64(2), ...get(C), ...op.f64x2Sub, ...op.f64x2Div, ...op.f64x2Sub,
    ...get(HI), ...op.f64x2Sub, ...op.f64x2Sub,
    // y·2^k as y·2^(k − ⌊k/2⌋)·2^⌊k/2⌋: both factors normal, the first product exact, so a
    // subnormal result is rounded once (as fdlibm's y·2^(k+1000)·2^−1000)
    ...get(K), ...f64(0.5), ...op.f64x2Mul, ...op.f64x2Floor, ...set(B),
    ...get(K), ...get(B), ...op.f64x2Sub, ...power2, ...op.f64x2Mul,
    ...get(B), ...power2, ...op.f64x2Mul,
  ];
  const x = get(X);
  return [
    ...set(X),
    ...select([...x, ...x, ...op.f64x2Add], // NaN: x + x
      select(f64(Infinity), // overflow
        select(f64(0), // underflow (and −∞)
          select(f64(2.718281828459045), // V8 returns E for e^1
            select([...f64(1), ...x, ...op.f64x2Add], general, [...x, ...op.f64x2Abs, ...f64(2 ** -28), ...op.f64x2Lt]), // |x| < 2^−28
            [...x, ...f64(1), ...op.f64x2Eq]),
          [...x, ...f64(-7.45133219101941108420e+02), ...op.f64x2Lt]),
        [...x, ...f64(7.09782712893383973096e+02), ...op.f64x2Gt]),
      [...x, ...x, ...op.f64x2Ne]),
  ];
}

/** ln x (e_log.c): x = 2^k·(1 + f) with √2/2 ≤ 1 + f < √2, ln(1 + f) from s = f/(2 + f). */
function log(at: number): number[] {
  const [X, SUB, Y, M, I, F, DK, S, Z, W, R, H] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => at + i);
  const high = (word: number) => i64(BigInt(word) << 32n); // a constant in the high word
  const dkLo = [...get(DK), ...f64(LN2_LO), ...op.f64x2Mul];
  // f − ln(1 + f) − k·ln2LO by fdlibm's three forms: |f| < 2^−20, the fraction's high word in
  // [0x6147A, 0x6B851], else
  const small = [...get(F), ...get(F), ...op.f64x2Mul, ...f64(0.5), ...f64(0.33333333333333333), ...get(F), ...op.f64x2Mul, ...op.f64x2Sub, ...op.f64x2Mul, ...dkLo, ...op.f64x2Sub];
  const middle = [...get(H), ...get(S), ...get(H), ...get(R), ...op.f64x2Add, ...op.f64x2Mul, ...dkLo, ...op.f64x2Add, ...op.f64x2Sub];
  const other = [...get(S), ...get(F), ...get(R), ...op.f64x2Sub, ...op.f64x2Mul, ...dkLo, ...op.f64x2Sub];
  const isSmall = [...get(M), ...high(2), ...op.i64x2Add, ...high(0xfffff), ...op.v128And, ...high(3), ...op.i64x2LtS];
  const isMiddle = [...get(M), ...high(0x6147a), ...op.i64x2GeS, ...get(M), ...high(0x6b852), ...op.i64x2LtS, ...op.v128And];
  const general = [
    // a subnormal x is scaled by 2^54 (and k counts from −54)
    ...get(X), ...f64(2.2250738585072014e-308), ...op.f64x2Lt, ...set(SUB),
    ...get(X), ...f64(1.80143985094819840000e+16), ...op.f64x2Mul, ...get(X), ...get(SUB), ...op.v128Bitselect, ...set(Y),
    // m: the fraction's bits; i: 2^52 where 1 + m ≥ √2 (high word + 0x95F64 carries), then 2^k·(1 + f) takes x/2
    ...get(Y), ...i64(0x000fffffffffffffn), ...op.v128And, ...set(M),
    ...get(M), ...high(0x95f64), ...op.i64x2Add, ...high(0x100000), ...op.v128And, ...set(I),
    ...get(M), ...get(I), ...i64(0x3ff0000000000000n), ...op.v128Xor, ...op.v128Or, ...f64(1), ...op.f64x2Sub, ...set(F),
    // k = exponent − 1023 (− 54) + (i ? 1 : 0), as a float
    ...get(Y), ...op.i32Const(52), ...op.i64x2ShrU, ...i64(1023n), ...op.i64x2Sub, ...get(SUB), ...i64(-54n), ...op.v128And, ...op.i64x2Add,
    ...get(I), ...op.i32Const(52), ...op.i64x2ShrU, ...op.i64x2Add, ...i64(MAGIC_BITS), ...op.i64x2Add, ...f64(MAGIC), ...op.f64x2Sub, ...set(DK),
    // s = f/(2 + f), z = s², w = z², R = z·(Lg1 + w·(Lg3 + w·(Lg5 + w·Lg7))) + w·(Lg2 + w·(Lg4 + w·Lg6)), hfsq = f²/2
    ...get(F), ...f64(2), ...get(F), ...op.f64x2Add, ...op.f64x2Div, ...set(S),
    ...get(S), ...get(S), ...op.f64x2Mul, ...set(Z),
    ...get(Z), ...get(Z), ...op.f64x2Mul, ...set(W),
    ...get(Z), ...horner(W, [6.666666666666735130e-01, 2.857142874366239149e-01, 1.818357216161805012e-01, 1.479819860511658591e-01]), ...op.f64x2Mul,
    ...get(W), ...horner(W, [3.999999999940941908e-01, 2.222219843214978396e-01, 1.531383769920937332e-01]), ...op.f64x2Mul, ...op.f64x2Add, ...set(R),
    ...f64(0.5), ...get(F), ...op.f64x2Mul, ...get(F), ...op.f64x2Mul, ...set(H),
    // k·ln2HI − (form − f); where k = 0 this is fdlibm's k = 0 form to the bit
    ...get(DK), ...f64(LN2_HI), ...op.f64x2Mul, ...select(small, select(middle, other, isMiddle), isSmall), ...get(F), ...op.f64x2Sub, ...op.f64x2Sub,
  ];
  const x = get(X);
  return [
    ...set(X),
    ...select(f64(-Infinity),
      select(i64(SIGNALING_NAN), // sign bit set
        select(general, [...x, ...x, ...op.f64x2Add], [...x, ...f64(Infinity), ...op.f64x2Lt]), // NaN, +∞: x + x
        [...x, ...i64(0n), ...op.i64x2LtS]),
      [...x, ...f64(0), ...op.f64x2Eq]),
  ];
}

/** σ(x) as the JS form computes it: x ≥ 0 ? 1/(1 + e^−x) : e^x/(1 + e^x), both sides on every lane. */
function sigmoid(at: number): number[] {
  const [X, E] = [at, at + 1];
  const positive = [...get(X), ...f64(0), ...op.f64x2Ge];
  return [
    ...set(X),
    ...select([...get(X), ...op.f64x2Neg], get(X), positive), ...exp(at + 2), ...set(E),
    // one division: each side's numerator over the same 1 + e
    ...select(f64(1), get(E), positive), ...f64(1), ...get(E), ...op.f64x2Add, ...op.f64x2Div,
  ];
}

/**
 * s_expm1.c on its primary range, r in local R: hfx = r/2, hxs = r·hfx, r1 = 1 + hxs·(Q1 + hxs·(… + hxs·Q5)),
 * t = 3 − r1·hfx, e = hxs·((r1 − t)/(6 − r·t)) into local E (hxs in HXS).
 */
function primary(R: number, HFX: number, HXS: number, R1: number, T: number, E: number): number[] {
  const Q = [-3.33333333333331316428e-02, 1.58730158725481460165e-03, -7.93650757867487942473e-05, 4.00821782732936239552e-06, -2.01099218183624371326e-07];
  const r = get(R);
  return [
    ...f64(0.5), ...r, ...op.f64x2Mul, ...set(HFX),
    ...r, ...get(HFX), ...op.f64x2Mul, ...set(HXS),
    ...f64(1), ...get(HXS), ...horner(HXS, Q), ...op.f64x2Mul, ...op.f64x2Add, ...set(R1),
    ...f64(3), ...get(R1), ...get(HFX), ...op.f64x2Mul, ...op.f64x2Sub, ...set(T),
    ...get(HXS), ...get(R1), ...get(T), ...op.f64x2Sub, ...f64(6), ...r, ...get(T), ...op.f64x2Mul, ...op.f64x2Sub, ...op.f64x2Div, ...op.f64x2Mul, ...set(E),
  ];
}

/** e^x − 1 (s_expm1.c): x = k·ln2 + r + c, expm1(r) from a rational approximation, scaled by 2^k in k's own forms. */
function expm1(at: number): number[] {
  const [X, K, HI, LO, R, C, R1, T, E] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => at + i);
  const [HFX, HXS, P] = [HI, LO, R1];
  const [r, k, e] = [get(R), get(K), get(E)];
  const kIs = (compare: Code, value: number) => [...k, ...f64(value), ...compare];
  // k ≠ 0, e = (r·(e − c) − c) − hxs: by k, −1, 1, 2…19, 20…56 and the rest
  const minusOne = [...f64(0.5), ...r, ...e, ...op.f64x2Sub, ...op.f64x2Mul, ...f64(0.5), ...op.f64x2Sub];
  const one = select(
    [...f64(-2), ...e, ...r, ...f64(0.5), ...op.f64x2Add, ...op.f64x2Sub, ...op.f64x2Mul],
    [...f64(1), ...f64(2), ...r, ...e, ...op.f64x2Sub, ...op.f64x2Mul, ...op.f64x2Add],
    [...r, ...f64(-0.25), ...op.f64x2Lt],
  );
  const upTo19 = [...kIs(op.f64x2Gt, 1), ...kIs(op.f64x2Lt, 20), ...op.v128And];
  const from20 = [...kIs(op.f64x2Ge, 20), ...kIs(op.f64x2Le, 56), ...op.v128And];
  const scaled = [
    // 20…56: (r − (e + 2^−k)) + 1; else (1 − 2^−k for 2…19, 1 for the rest) − (e − r)
    ...select([...r, ...e, ...get(P), ...op.f64x2Add, ...op.f64x2Sub, ...f64(1), ...op.f64x2Add],
      [...select([...f64(1), ...get(P), ...op.f64x2Sub], f64(1), upTo19), ...e, ...r, ...op.f64x2Sub, ...op.f64x2Sub], from20),
    // ·2^k as (y·2)·2^(k−1) (fdlibm's form for k = 1024), − 1 for the rest
    ...f64(2), ...op.f64x2Mul, ...k, ...f64(1), ...op.f64x2Sub, ...power2, ...op.f64x2Mul,
    ...select(f64(0), f64(1), [...upTo19, ...from20, ...op.v128Or]), ...op.f64x2Sub,
  ];
  const general = [
    ...reduce(X), ...set(K),
    // hi = x − k·ln2HI (exact), lo = k·ln2LO, r = hi − lo, c = (hi − r) − lo
    ...get(X), ...k, ...f64(LN2_HI), ...op.f64x2Mul, ...op.f64x2Sub, ...set(HI),
    ...k, ...f64(LN2_LO), ...op.f64x2Mul, ...set(LO),
    ...get(HI), ...get(LO), ...op.f64x2Sub, ...set(R),
    ...get(HI), ...r, ...op.f64x2Sub, ...get(LO), ...op.f64x2Sub, ...set(C),
    ...primary(R, HFX, HXS, R1, T, E),
    // k = 0: r − (r·e − hxs)
    ...r, ...r, ...e, ...op.f64x2Mul, ...get(HXS), ...op.f64x2Sub, ...op.f64x2Sub, ...set(T),
    ...r, ...e, ...get(C), ...op.f64x2Sub, ...op.f64x2Mul, ...get(C), ...op.f64x2Sub, ...get(HXS), ...op.f64x2Sub, ...set(E),
    ...k, ...op.f64x2Neg, ...power2, ...set(P), // 2^−k
    ...select(get(T), select(one, select(minusOne, scaled, kIs(op.f64x2Eq, -1)), kIs(op.f64x2Eq, 1)), kIs(op.f64x2Eq, 0)),
  ];
  const x = get(X);
  return [
    ...set(X),
    ...select([...x, ...x, ...op.f64x2Add], // NaN: x + x
      select(f64(Infinity), // overflow (and +∞)
        select(f64(-1), // x ≤ −56·ln2 on the high word (and −∞)
          select(x, general, [...x, ...op.f64x2Abs, ...f64(2 ** -54), ...op.f64x2Lt]), // |x| < 2^−54
          [...x, ...f64(-38.81622314453125), ...op.f64x2Le]),
        [...x, ...f64(7.09782712893383973096e+02), ...op.f64x2Gt]),
      [...x, ...x, ...op.f64x2Ne]),
  ];
}

/** ln(1 + x) (s_log1p.c): 1 + x = 2^k·(1 + f) with a correction c, √2/2 ≤ 1 + f < √2, ln(1 + f) as log's. */
function log1p(at: number): number[] {
  const [X, U, M, I, F, K, C, SMALL, R] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => at + i);
  const [H, S, Z] = [U, M, I];
  const high = (word: number) => i64(BigInt(word) << 32n);
  const x = get(X);
  // fdlibm's k = 0 form (f = x) for −0x3FD2BEC5_00000000 < x < 0x3FDA827A_00000000
  const near = [...x, ...f64(-0.292893648147583), ...op.f64x2Gt, ...x, ...f64(0.4142136573791504), ...op.f64x2Lt, ...op.v128And];
  const big = [...x, ...f64(2 ** 53), ...op.f64x2Ge];
  const dkLo = [...get(K), ...f64(LN2_LO), ...op.f64x2Mul, ...get(C), ...op.f64x2Add];
  // (form − (k·ln2LO + c)) − f, the form by |f| < 2^−20 (fraction's high word 0, or from 0xFFFFD where i)
  const small = [...get(H), ...f64(1), ...f64(0.66666666666666666), ...get(F), ...op.f64x2Mul, ...op.f64x2Sub, ...op.f64x2Mul, ...dkLo, ...op.f64x2Sub, ...get(F), ...op.f64x2Sub];
  const other = [...get(H), ...get(S), ...get(H), ...get(R), ...op.f64x2Add, ...op.f64x2Mul, ...dkLo, ...op.f64x2Add, ...op.f64x2Sub, ...get(F), ...op.f64x2Sub];
  const general = [
    // u = 1 + x (x itself from 2^53); m: u's fraction bits; i where 1 + m ≥ √2 (high word from 0x6A09E), then 2^k·(1 + f) takes u/2
    ...select(x, [...f64(1), ...x, ...op.f64x2Add], big), ...set(U),
    ...get(U), ...i64(0x000fffffffffffffn), ...op.v128And, ...set(M),
    ...get(M), ...high(0x6a09e), ...op.i64x2GeS, ...set(I),
    ...select(x, [...get(M), ...get(I), ...i64(0x0010000000000000n), ...op.v128And, ...i64(0x3ff0000000000000n), ...op.v128Xor, ...op.v128Or, ...f64(1), ...op.f64x2Sub], near), ...set(F),
    // k = u's exponent − 1023 (+ 1 where i), as a float
    ...select(f64(0), [...get(U), ...op.i32Const(52), ...op.i64x2ShrU, ...i64(1023n), ...op.i64x2Sub, ...get(I), ...op.i64x2Sub, ...i64(MAGIC_BITS), ...op.i64x2Add, ...f64(MAGIC), ...op.f64x2Sub], near), ...set(K),
    // c = (u ≥ 2 ? 1 − (u − x) : x − (u − 1))/u, 0 from 2^53 and where k = 0
    ...select(f64(0), [...select([...f64(1), ...get(U), ...x, ...op.f64x2Sub, ...op.f64x2Sub], [...x, ...get(U), ...f64(1), ...op.f64x2Sub, ...op.f64x2Sub], [...get(U), ...f64(2), ...op.f64x2Ge]), ...get(U), ...op.f64x2Div], big),
    ...get(K), ...f64(0), ...op.f64x2Eq, ...op.v128Andnot, ...set(C),
    ...select([...get(M), ...high(0xffffd), ...op.i64x2GeS], [...get(M), ...high(1), ...op.i64x2LtS], get(I)), ...near, ...op.v128Andnot, ...set(SMALL),
    // hfsq = f²/2, s = f/(2 + f), z = s², R = z·(Lp1 + z·(… + z·Lp7))
    ...f64(0.5), ...get(F), ...op.f64x2Mul, ...get(F), ...op.f64x2Mul, ...set(H),
    ...get(F), ...f64(2), ...get(F), ...op.f64x2Add, ...op.f64x2Div, ...set(S),
    ...get(S), ...get(S), ...op.f64x2Mul, ...set(Z),
    ...get(Z), ...horner(Z, [6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01]), ...op.f64x2Mul, ...set(R),
    // k·ln2HI − form; where k = 0 (and c = 0) this is fdlibm's k = 0 form to the bit
    ...get(K), ...f64(LN2_HI), ...op.f64x2Mul, ...select(small, other, get(SMALL)), ...op.f64x2Sub,
  ];
  return [
    ...set(X),
    ...select(f64(-Infinity),
      select(i64(SIGNALING_NAN), // x < −1 or a NaN with the sign bit set
        select([...x, ...x, ...op.f64x2Add], // NaN, +∞: x + x
          select(x, // |x| < 2^−54
            select([...x, ...x, ...x, ...op.f64x2Mul, ...f64(0.5), ...op.f64x2Mul, ...op.f64x2Sub], general, [...x, ...op.f64x2Abs, ...f64(2 ** -29), ...op.f64x2Lt]), // |x| < 2^−29: x − x²/2
            [...x, ...op.f64x2Abs, ...f64(2 ** -54), ...op.f64x2Lt]),
          [...x, ...f64(Infinity), ...op.f64x2Lt, ...op.v128Not]),
        [...x, ...i64(0n), ...op.i64x2LtS, ...x, ...f64(-1), ...op.f64x2Gt, ...op.v128Andnot]),
      [...x, ...f64(-1), ...op.f64x2Eq]),
  ];
}

/** tanh x (s_tanh.c): ±(1 − 2/(expm1(2|x|) + 2)) from |x| = 1, ∓expm1(−2|x|)/(expm1(−2|x|) + 2) below, ±1 from 22. */
function tanh(at: number): number[] {
  const [X, A, T, Z] = [at, at + 1, at + 2, at + 3];
  const [x, a, t, z] = [get(X), get(A), get(T), get(Z)];
  const fromOne = [...a, ...f64(1), ...op.f64x2Ge];
  const negative = [...x, ...i64(0n), ...op.i64x2LtS];
  return [
    ...set(X),
    ...x, ...op.f64x2Abs, ...set(A),
    ...select([...f64(2), ...a, ...op.f64x2Mul], [...f64(-2), ...a, ...op.f64x2Mul], fromOne), ...expm1(at + 2), ...set(T),
    // one division for both forms: q = (2 or −t)/(t + 2), then 1 − q or q
    ...select(f64(2), [...t, ...op.f64x2Neg], fromOne), ...t, ...f64(2), ...op.f64x2Add, ...op.f64x2Div, ...set(Z),
    ...select(f64(1), select([...f64(1), ...z, ...op.f64x2Sub], z, fromOne), [...a, ...f64(22), ...op.f64x2Ge]), ...set(Z),
    ...f64(1), ...x, ...op.f64x2Div, ...set(T),
    ...select(
      select([...t, ...f64(1), ...op.f64x2Sub], [...t, ...f64(1), ...op.f64x2Add], negative), // ±∞, NaN: 1/x ± 1
      select(x, select([...z, ...op.f64x2Neg], z, negative), [...a, ...f64(2 ** -28), ...op.f64x2Lt]), // |x| < 2^−28: x
      [...a, ...f64(Infinity), ...op.f64x2Lt, ...op.v128Not]),
  ];
}

/** Where V8's sinh and cosh turn to e^(|x|/2)² (0x40862E42_00000000), and where they overflow. */
const LOG_MAX = 709.7822265625;
const OVERFLOW = 710.4758600739439;

/**
 * sinh x (V8's ieee754::sinh): with h = ±1/2 and t = expm1(|x|), h·(2t − t²/(t + 1)) below |x| = 1,
 * h·(t + t/(t + 1)) below 22, then h·e^|x|, then (h·e^(|x|/2))·e^(|x|/2); x from 2^−28 down.
 */
function sinh(at: number): number[] {
  const [X, T, W, Q] = [at, at + 1, at + 2, at + 3];
  const [x, t, w, q] = [get(X), get(T), get(W), get(Q)];
  const ax = [...x, ...op.f64x2Abs];
  const h = select(f64(-0.5), f64(0.5), [...x, ...f64(0), ...op.f64x2Lt]);
  const below = (bound: number) => [...ax, ...f64(bound), ...op.f64x2Lt];
  return [
    ...set(X),
    ...ax, ...expm1(at + 2), ...set(T),
    ...select([...f64(0.5), ...ax, ...op.f64x2Mul], ax, [...ax, ...f64(LOG_MAX), ...op.f64x2Ge]), ...exp(at + 2), ...set(W),
    // one division for both forms: q = (t² or t)/(t + 1)
    ...select([...t, ...t, ...op.f64x2Mul], t, below(1)), ...t, ...f64(1), ...op.f64x2Add, ...op.f64x2Div, ...set(Q),
    ...select(x,
      select(
        select([...h, ...f64(2), ...t, ...op.f64x2Mul, ...q, ...op.f64x2Sub, ...op.f64x2Mul], [...h, ...t, ...q, ...op.f64x2Add, ...op.f64x2Mul], below(1)),
        select([...h, ...w, ...op.f64x2Mul],
          select([...h, ...w, ...op.f64x2Mul, ...w, ...op.f64x2Mul], [...x, ...f64(1e307), ...op.f64x2Mul], [...ax, ...f64(OVERFLOW), ...op.f64x2Le]), // overflow, NaN: x·10^307
          below(LOG_MAX)),
        below(22)),
      below(2 ** -28)),
  ];
}

/**
 * cosh x (V8's ieee754::cosh): with t = expm1(|x|), 1 + t²/(2(1 + t)) below |x| = 0x3FD62E43_00000000
 * (1 + t from 2^−55 down), e^|x|/2 + 1/(2e^|x|) below 22, then e^|x|/2, then (e^(|x|/2)/2)·e^(|x|/2).
 * Below 0x3FD62E43_00000000 expm1 is s_expm1.c's k = 0 form (|x| itself from 2^−54 down), so only that is computed.
 */
function cosh(at: number): number[] {
  const [X, A, T, W, Q, HFX, HXS, R1, TT, E] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => at + i);
  const [x, t, w, q, a] = [get(X), get(T), get(W), get(Q), get(A)];
  const below = (bound: number) => [...a, ...f64(bound), ...op.f64x2Lt];
  const near = below(0.3465735912322998);
  const w1 = [...f64(1), ...t, ...op.f64x2Add];
  return [
    ...set(X),
    ...x, ...op.f64x2Abs, ...set(A),
    ...primary(A, HFX, HXS, R1, TT, E),
    ...select(a, [...a, ...a, ...get(E), ...op.f64x2Mul, ...get(HXS), ...op.f64x2Sub, ...op.f64x2Sub], below(2 ** -54)), ...set(T),
    ...select([...f64(0.5), ...a, ...op.f64x2Mul], a, [...a, ...f64(LOG_MAX), ...op.f64x2Ge]), ...exp(W), ...set(W),
    // one division for both forms: q = t²/(w1 + w1) or 0.5/e^|x|
    ...select([...t, ...t, ...op.f64x2Mul], f64(0.5), near), ...select([...w1, ...w1, ...op.f64x2Add], w, near), ...op.f64x2Div, ...set(Q),
    ...select(
      select(w1, [...f64(1), ...q, ...op.f64x2Add], below(2 ** -55)),
      select([...f64(0.5), ...w, ...op.f64x2Mul, ...q, ...op.f64x2Add],
        select([...f64(0.5), ...w, ...op.f64x2Mul],
          select([...f64(0.5), ...w, ...op.f64x2Mul, ...w, ...op.f64x2Mul],
            select([...x, ...x, ...op.f64x2Mul], f64(Infinity), [...a, ...f64(Infinity), ...op.f64x2Lt, ...op.v128Not]), // ±∞, NaN: x·x
            [...a, ...f64(OVERFLOW), ...op.f64x2Le]),
          below(LOG_MAX)),
        below(22)),
      near),
  ];
}

/** softplus as the JS form computes it: max(x, 0) + ln(1 + e^−|x|). */
function softplus(at: number): number[] {
  const X = at;
  return [...set(X), ...get(X), ...f64(0), ...op.f64x2Max, ...get(X), ...op.f64x2Abs, ...op.f64x2Neg, ...exp(at + 1), ...log1p(at + 1), ...op.f64x2Add];
}

/** elu as the JS form computes it: x > 0 ? x : alpha·(e^x − 1). */
function elu(at: number, attrs: Readonly<Record<string, unknown>>): number[] {
  const X = at;
  return [...set(X), ...select(get(X), [...f64(attrs.alpha as number), ...get(X), ...expm1(at + 1), ...op.f64x2Mul], [...get(X), ...f64(0), ...op.f64x2Gt])];
}

const FLOAT64: Record<MathOp, (at: number, attrs: Readonly<Record<string, unknown>>) => number[]> = { exp, log, sigmoid, expm1, log1p, tanh, sinh, cosh, softplus, elu };
const eightBytes = (from: number) => Array.from({ length: 8 }, (_, i) => from + i);

/** `name` (with its op's `attrs`) on the vector on the stack, of float32 or float64 lanes, using v128 locals at…at + MATH_LOCALS − 1. */
export function mathLanes(name: MathOp, dtype: 'float32' | 'float64', at: number, attrs: Readonly<Record<string, unknown>> = {}): number[] {
  const lanes = (local: number) => FLOAT64[name](local, attrs);
  if (dtype === 'float64') return lanes(at);
  // Lanes 0–1 and 2–3 as float64 pairs, each computed and rounded to float32, then put together.
  return [
    ...set(at),
    ...get(at), ...op.f64x2PromoteLowF32x4, ...lanes(at + 1), ...op.f32x4DemoteF64x2Zero,
    ...get(at), ...get(at), ...op.i8x16Shuffle([...eightBytes(8), ...eightBytes(8)]), ...op.f64x2PromoteLowF32x4, ...lanes(at + 1), ...op.f32x4DemoteF64x2Zero,
    ...op.i8x16Shuffle([...eightBytes(0), ...eightBytes(16)]),
  ];
}
