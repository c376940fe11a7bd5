import type { Node } from '../../graph.js';
import { squareMatrix } from '../../ops/linalg.js';
import { columns } from '../../ops/solve.js';
import { product, sizeExpr } from '../indexing.js';
import type { Kernel, KernelContext } from './context.js';

/**
 * The kernels of solve, inv, det, logdet and cholesky: one n×n matrix of a batch at a time, copied
 * into a module-level scratch and factored by the helpers below, which perform the operations of
 * the reference functions in ops/linalg.ts in the same order.
 */

/** What a kernel over a batch of n×n matrices needs: the batch count and n as expressions. */
function batchExprs(k: KernelContext, a: Node): { batch: string; n: string } {
  const { batch, n } = squareMatrix(a.shape);
  return { batch: sizeExpr(k, batch), n: k.dim(n) };
}

export const solve: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const { batch, n } = batchExprs(k, node.inputs[0]);
    const cols = k.dim(columns(node.inputs[0].shape, node.inputs[1].shape));
    const [s, o, e] = [k.local('s'), k.local('o'), k.local('e')];
    const [square, rhs] = [product(n, n), product(n, cols)];
    return [
      `$laScratch(${square} + ${rhs}, ${n});`,
      `for (let ${s} = 0; ${s} < ${batch}; ${s}++) {`,
      `  const ${o} = ${product(s, rhs)};`,
      `  for (let ${e} = 0; ${e} < ${square}; ${e}++) $la[${e}] = ${k.at(ins[0], `${product(s, square)} + ${e}`)};`,
      `  $lu($la, ${n}, $laPiv);`,
      `  $luSolve($la, ${n}, $laPiv, ${ins[1]}, ${o}, ${cols}, $la, ${square});`,
      `  for (let ${e} = 0; ${e} < ${rhs}; ${e}++) ${out}[${o} + ${e}] = ${k.at('$la', `${square} + ${e}`)};`,
      '}',
    ];
  },
};

export const inv: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const { batch, n } = batchExprs(k, node.inputs[0]);
    const [b, o, e] = [k.local('b'), k.local('o'), k.local('e')];
    return [
      `$laScratch(2 * ${n} * ${n}, ${n});`,
      `for (let ${b} = 0; ${b} < ${batch}; ${b}++) {`,
      `  const ${o} = ${b} * ${n} * ${n};`,
      `  for (let ${e} = 0; ${e} < ${n} * ${n}; ${e}++) $la[${e}] = ${k.at(ins[0], `${o} + ${e}`)};`,
      `  $lu($la, ${n}, $laPiv);`,
      `  $luSolve($la, ${n}, $laPiv, null, 0, ${n}, $la, ${n} * ${n});`,
      `  for (let ${e} = 0; ${e} < ${n} * ${n}; ${e}++) ${out}[${o} + ${e}] = ${k.at('$la', `${n} * ${n} + ${e}`)};`,
      '}',
    ];
  },
};

/** det = sign·Π uᵢᵢ and logdet = Σ log |uᵢᵢ| from the LU factors. */
export function determinant(logarithm: boolean): Kernel {
  return {
    lines: (k) => {
      const { node, out, ins } = k;
      const { batch, n } = batchExprs(k, node.inputs[0]);
      const [b, e, i, sign, acc] = ['b', 'e', 'i', 'sign', 'acc'].map((h) => k.local(h));
      const pivot = k.at('$la', `${i} * ${n} + ${i}`);
      const step = logarithm ? `${acc} + Math.log(Math.abs(${pivot}))` : `${acc} * ${pivot}`;
      return [
        `$laScratch(${n} * ${n}, ${n});`,
        `for (let ${b} = 0; ${b} < ${batch}; ${b}++) {`,
        `  for (let ${e} = 0; ${e} < ${n} * ${n}; ${e}++) $la[${e}] = ${k.at(ins[0], `${b} * ${n} * ${n} + ${e}`)};`,
        logarithm ? `  $lu($la, ${n}, $laPiv);` : `  const ${sign} = $lu($la, ${n}, $laPiv);`,
        `  let ${acc} = ${logarithm ? '0' : sign};`,
        `  for (let ${i} = 0; ${i} < ${n}; ${i}++) ${acc} = ${step};`,
        `  ${out}[${b}] = ${acc};`,
        '}',
      ];
    },
  };
}

export const cholesky: Kernel = {
  lines: (k) => {
    const { node, out, ins } = k;
    const { batch, n } = batchExprs(k, node.inputs[0]);
    const [b, e] = [k.local('b'), k.local('e')];
    return [
      `$laScratch(${n} * ${n}, ${n});`,
      `for (let ${b} = 0; ${b} < ${batch}; ${b}++) {`,
      `  $cholesky(${ins[0]}, ${b} * ${n} * ${n}, ${n}, $la);`,
      `  for (let ${e} = 0; ${e} < ${n} * ${n}; ${e}++) ${out}[${b} * ${n} * ${n} + ${e}] = ${k.at('$la', e)};`,
      '}',
    ];
  },
};

/** The same routines for generated modules, with a module-level scratch ($la, $laPiv) grown on demand. */
export function linalgHelpers(ts: boolean): string {
  const t = (annotation: string) => (ts ? annotation : '');
  const n = t(': number');
  const arr = t(': Float64Array');
  const u = t('!');
  return `/** Scratch of the linear algebra kernels (module-level: kernels never overlap), grown on demand. */
let $la = new Float64Array(0);
let $laPiv = new Int32Array(0);

function $laScratch(size${n}, n${n})${t(': void')} {
  if ($la.length < size) $la = new Float64Array(size);
  if ($laPiv.length < n) $laPiv = new Int32Array(n);
}

/** LU with partial pivoting of the n×n matrix in a[0..n²), in place; piv gets the row order. Returns the permutation's sign. */
function $lu(a${arr}, n${n}, piv${t(': Int32Array')})${n} {
  let sign = 1;
  for (let i = 0; i < n; i++) piv[i] = i;
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(a[c * n + c]${u});
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(a[r * n + c]${u});
      if (v > best) { best = v; p = r; }
    }
    if (p !== c) {
      for (let k = 0; k < n; k++) { const swap = a[c * n + k]${u}; a[c * n + k] = a[p * n + k]${u}; a[p * n + k] = swap; }
      const swap = piv[c]${u}; piv[c] = piv[p]${u}; piv[p] = swap;
      sign = -sign;
    }
    const d = a[c * n + c]${u};
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]${u} / d;
      a[r * n + c] = f;
      for (let k = c + 1; k < n; k++) a[r * n + k]${u} -= f * a[c * n + k]${u};
    }
  }
  return sign;
}

/** x[xo..] (n×k) = A⁻¹·b for A factored by $lu; b (n×k at b[bo..]) or, when null, the identity. */
function $luSolve(a${arr}, n${n}, piv${t(': Int32Array')}, b${t(': ArrayLike<number> | null')}, bo${n}, k${n}, x${arr}, xo${n})${t(': void')} {
  // Row by row, all k columns at once: the inner loops run along contiguous rows of x.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) x[xo + i * k + j] = b === null ? (piv[i] === j ? 1 : 0) : b[bo + piv[i]${u} * k + j]${u};
    for (let m = 0; m < i; m++) {
      const f = a[i * n + m]${u};
      for (let j = 0; j < k; j++) x[xo + i * k + j]${u} -= f * x[xo + m * k + j]${u};
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let m = i + 1; m < n; m++) {
      const f = a[i * n + m]${u};
      for (let j = 0; j < k; j++) x[xo + i * k + j]${u} -= f * x[xo + m * k + j]${u};
    }
    const d = a[i * n + i]${u};
    for (let j = 0; j < k; j++) x[xo + i * k + j]${u} /= d;
  }
}

/** The lower Cholesky factor of (A + Aᵀ)/2 (A n×n at a[ao..]) into l[0..n²), zeros above the diagonal. */
function $cholesky(a${t(': ArrayLike<number>')}, ao${n}, n${n}, l${arr})${t(': void')} {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[ao + i * n + j]${u} + a[ao + j * n + i]${u}) / 2;
      for (let m = 0; m < j; m++) s -= l[i * n + m]${u} * l[j * n + m]${u};
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j]${u};
    }
    for (let j = i + 1; j < n; j++) l[i * n + j] = 0;
  }
}
`;
}
