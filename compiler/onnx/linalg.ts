import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { showShape } from '../shape.js';
import type { OnnxBuilder } from './builder.js';

/**
 * solve, inv, logdet and cholesky as ONNX operators: ONNX has no linear solve, inverse, LU,
 * log-determinant or Cholesky factorization, so Gaussian elimination with partial pivoting (and
 * the Cholesky recurrence) is unrolled over the n columns of matrices of a fixed size, batched
 * over the leading axes. Each step does the operations of the generated code's
 * LU (compiler/ops/linalg.ts) in the same order: the first largest |entry| of the column is the
 * pivot, rows below subtract f·(pivot row) with f = entry/pivot, the right-hand sides are
 * eliminated along (forward substitution), and back substitution runs row by row from the last,
 * subtracting u·x left to right, so the results are the generated module's, bit for bit.
 */

/** The largest n whose n×n matrices are unrolled (the model grows as n²: about 700 nodes at 16). */
export const MAX_UNROLLED = 16;

/** An end past any axis (Slice clamps it); 2⁶³ − 1 itself does not survive a float64. */
const END = Number.MAX_SAFE_INTEGER;

/** The matrices' size, a whole number up to MAX_UNROLLED, else an error saying why there is no ONNX form. */
function unrolledSize(node: Node): number {
  const a = node.inputs[0].shape;
  const n = a.at(-1)!;
  if (typeof n !== 'number' || n > MAX_UNROLLED) {
    throw new SymgradError('', `'${node.op}' has an ONNX form only for matrices of a fixed size up to ${MAX_UNROLLED}×${MAX_UNROLLED} (unrolled into ONNX operators), got A of shape ${showShape(a)}`);
  }
  return n;
}

/** Entries [r0, r1) × [c0, c1) of the last two axes (c1 undefined: to the end). */
function block(b: OnnxBuilder, m: string, [r0, r1]: [number, number], [c0, c1]: [number, number | undefined], hint: string): string {
  return b.op('Slice', [m, b.ints([r0, c0]), b.ints([r1, c1 ?? END]), b.ints([-2, -1])], hint);
}

/** [A | B] of shape [..., n, w] in upper-triangular form, rows swapped and eliminated as the LU does. */
function eliminate(b: OnnxBuilder, m: string, n: number, name: string): string {
  const rows = b.ints(Array.from({ length: n }, (_, r) => r), [n, 1]);
  const shape = b.op('Shape', [m], `${name}/shape`);
  for (let c = 0; c < n - 1; c++) {
    const at = `${name}/${c}`;
    const column = b.op('Abs', [block(b, m, [c, n], [c, c + 1], `${at}/column`)], `${at}/abs`);
    const p = b.op('Add', [b.op('ArgMax', [column], `${at}/argmax`, { axis: -2, keepdims: 1, select_last_index: 0 }), b.int(c)], `${at}/pivot`);
    // Row r comes from row order[r]: c and p swapped (the same row when p is c).
    const fromP = b.op('Where', [b.op('Equal', [rows, p], `${at}/isP`), b.int(c), rows], `${at}/fromP`);
    const order = b.op('Where', [b.op('Equal', [rows, b.int(c)], `${at}/isC`), p, fromP], `${at}/order`);
    m = b.op('GatherElements', [m, b.op('Expand', [order, shape], `${at}/orders`)], `${at}/swapped`, { axis: -2 });
    const pivotRow = block(b, m, [c, c + 1], [0, undefined], `${at}/row`);
    const f = b.op('Div', [block(b, m, [0, n], [c, c + 1], `${at}/below`), block(b, pivotRow, [0, 1], [c, c + 1], `${at}/d`)], `${at}/f`);
    const eliminated = b.op('Sub', [m, b.op('Mul', [f, pivotRow], `${at}/fRow`)], `${at}/eliminated`);
    m = b.op('Where', [b.op('Greater', [rows, b.int(c)], `${at}/isBelow`), eliminated, m], `${at}/m`);
  }
  return m;
}

/** x with U·x = y for [U | y] upper triangular ([..., n, n + k]): row by row from the last, as the generated code. */
function backSubstitute(b: OnnxBuilder, m: string, n: number, name: string): string {
  const x: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    let acc = block(b, m, [i, i + 1], [n, undefined], `${name}/y${i}`);
    for (let j = i + 1; j < n; j++) {
      const u = block(b, m, [i, i + 1], [j, j + 1], `${name}/u${i}_${j}`);
      acc = b.op('Sub', [acc, b.op('Mul', [u, x[j]], `${name}/ux${i}_${j}`)], `${name}/r${i}_${j}`);
    }
    x[i] = b.op('Div', [acc, block(b, m, [i, i + 1], [i, i + 1], `${name}/u${i}_${i}`)], `${name}/x${i}`);
  }
  return n === 1 ? x[0] : b.op('Concat', x, `${name}/x`, { axis: -2 });
}

/** x with A·x = b: b a batch of vectors [..., n] or of columns [..., n, k]. */
export function solve(b: OnnxBuilder, node: Node, [a, rhs]: readonly string[], name: string): string {
  const n = unrolledSize(node);
  if (n === 0) return b.op('Identity', [rhs], name);
  const vector = node.inputs[1].shape.length < node.inputs[0].shape.length;
  const columns = vector ? b.op('Unsqueeze', [rhs, b.ints([-1])], `${name}/columns`) : rhs;
  const m = eliminate(b, b.op('Concat', [a, columns], `${name}/augmented`, { axis: -1 }), n, name);
  const x = backSubstitute(b, m, n, name);
  return vector ? b.op('Squeeze', [x, b.ints([-1])], name) : b.op('Identity', [x], name);
}

/** A⁻¹: the solve of the identity. */
export function inv(b: OnnxBuilder, node: Node, [a]: readonly string[], name: string): string {
  const n = unrolledSize(node);
  if (n === 0) return b.op('Identity', [a], name);
  const eye = b.floats(Array.from({ length: n * n }, (_, e) => (e % (n + 1) === 0 ? 1 : 0)), [n, n]);
  const identities = b.op('Expand', [eye, b.op('Shape', [a], `${name}/shape`)], `${name}/eye`);
  const m = eliminate(b, b.op('Concat', [a, identities], `${name}/augmented`, { axis: -1 }), n, name);
  return b.op('Identity', [backSubstitute(b, m, n, name)], name);
}

/** log|det A| = log|u₀₀| + log|u₁₁| + … from the eliminated matrix, added in order as the generated code. */
export function logdet(b: OnnxBuilder, node: Node, [a]: readonly string[], name: string): string {
  const n = unrolledSize(node);
  if (n === 0) return b.op('Expand', [b.floats([0]), b.op('Shape', [a], `${name}/batch`, { start: 0, end: -2 })], name);
  const m = eliminate(b, a, n, name);
  let acc = '';
  for (let i = 0; i < n; i++) {
    const u = block(b, m, [i, i + 1], [i, i + 1], `${name}/u${i}`);
    const term = b.op('Log', [b.op('Abs', [u], `${name}/abs${i}`)], `${name}/log${i}`);
    acc = i === 0 ? term : b.op('Add', [acc, term], `${name}/acc${i}`);
  }
  return b.op('Squeeze', [acc, b.ints([-2, -1])], name);
}

/**
 * The lower Cholesky factor of (A + Aᵀ)/2, entry by entry as the generated code:
 * s = sᵢⱼ − lᵢ₀·lⱼ₀ − lᵢ₁·lⱼ₁ − …, then lᵢᵢ = √s and lᵢⱼ = s / lⱼⱼ below; zeros above the diagonal.
 */
export function cholesky(b: OnnxBuilder, node: Node, [a]: readonly string[], name: string): string {
  const n = unrolledSize(node);
  if (n === 0) return b.op('Identity', [a], name);
  const perm = node.shape.map((_, axis) => axis);
  perm.splice(-2, 2, perm.length - 1, perm.length - 2);
  const sum = b.op('Add', [a, b.op('Transpose', [a], `${name}/transposed`, { perm })], `${name}/sum`);
  const symmetric = b.op('Div', [sum, b.floats([2])], `${name}/symmetric`);
  const l: string[][] = [];
  for (let i = 0; i < n; i++) {
    l[i] = [];
    for (let j = 0; j <= i; j++) {
      let s = block(b, symmetric, [i, i + 1], [j, j + 1], `${name}/s${i}_${j}`);
      for (let m = 0; m < j; m++) s = b.op('Sub', [s, b.op('Mul', [l[i][m], l[j][m]], `${name}/ll${i}_${j}_${m}`)], `${name}/s${i}_${j}_${m}`);
      l[i][j] = i === j ? b.op('Sqrt', [s], `${name}/l${i}_${i}`) : b.op('Div', [s, l[j][j]], `${name}/l${i}_${j}`);
    }
  }
  const zero = b.op('Expand', [b.floats([0]), b.op('Shape', [l[0][0]], `${name}/entry`)], `${name}/zero`);
  const rows = l.map((row, i) => (n === 1 ? row[0] : b.op('Concat', [...row, ...Array<string>(n - 1 - i).fill(zero)], `${name}/row${i}`, { axis: -1 })));
  return n === 1 ? b.op('Identity', rows, name) : b.op('Concat', rows, name, { axis: -2 });
}
