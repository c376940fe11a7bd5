import type { Node } from '../graph.js';
import type { Shape } from '../shape.js';
import type { Views } from './views.js';

/** Block sizes of the packed gemm: a KC×NC panel of B (L2) and MC×KC of A, in 2×4 register tiles. */
export const GEMM_BLOCKS = { MC: 64, KC: 256, NC: 512, MR: 2, NR: 4 } as const;

/** Elements of the two packing arrays one kernel instance needs for its gemms. */
export function packingSizes(gemms: readonly Node[]): { a: number; b: number } {
  const { MC, KC, NC, MR, NR } = GEMM_BLOCKS;
  const cap = (d: Shape[number], block: number, tile: number) => (typeof d === 'number' ? Math.min(block, Math.ceil(d / tile) * tile) : block);
  let a = 0;
  let b = 0;
  for (const node of gemms) {
    const [[m, k], [, n]] = node.inputs.map((x) => x.shape);
    a = Math.max(a, cap(m, MC, MR) * cap(k, KC, 1));
    b = Math.max(b, cap(k, KC, 1) * cap(n, NC, NR));
  }
  return { a, b };
}

/** The call computing a gemm node: operands are read through their views' strides, so AᵀB and ABᵀ never copy a transpose. */
export function gemmCall(node: Node, views: Views, buffer: (n: Node) => string, dim: (d: Shape[number]) => string): string {
  const [a, b] = node.inputs.map((x) => {
    const access = views.of(x);
    if (access.kind !== 'strided') throw new Error('gemm operands are copied when constant');
    return { name: buffer(access.base), strides: access.strides };
  });
  const [m, k] = node.inputs[0].shape.map(dim);
  const n = dim(node.inputs[1].shape[1]);
  return `$gemm(${m}, ${n}, ${k}, ${a.name}, ${a.strides.join(', ')}, ${b.name}, ${b.strides.join(', ')}, ${buffer(node)}, $packA, $packB);`;
}

/**
 * The gemm helper (emitted once per module that needs it): C = A·B for strided A (m×k) and B
 * (k×n), C contiguous. B is packed in KC×NC blocks of 4-column panels, A in MC×KC blocks of 2-row
 * panels (plain double arrays, zero-padded at the edges), and a 2×4 register tile runs over each
 * pair of panels: per step of k, 6 loads feed 8 multiply-adds held in registers.
 */
export function gemmHelper(storage: string, ts: boolean): string {
  const { MC, KC, NC } = GEMM_BLOCKS;
  const t = (annotation: string) => (ts ? annotation : '');
  const n = t(': number');
  const arr = t(`: ${storage}`);
  const packs = t(': number[]');
  return `/** Packing arrays for $gemm: plain arrays of doubles (V8 reads them with fewer checks than typed arrays). */
function $doubles(size${n})${packs} {
  const array${packs} = [];
  for (let i = 0; i < size; i++) array.push(0.5);
  return array;
}

/** C (m×n, contiguous) = A·B, with A[i, p] = A[i * ars + p * acs] and B[p, j] = B[p * brs + j * bcs]. */
function $gemm(m${n}, n${n}, k${n}, A${arr}, ars${n}, acs${n}, B${arr}, brs${n}, bcs${n}, C${arr}, ap${packs}, bp${packs})${t(': void')} {
  C.fill(0);
  for (let jc = 0; jc < n; jc += ${NC}) {
    const nc = Math.min(${NC}, n - jc);
    for (let pc = 0; pc < k; pc += ${KC}) {
      const kc = Math.min(${KC}, k - pc);
      for (let jr = 0, o = 0; jr < nc; jr += 4) {
        for (let p = 0; p < kc; p++) {
          const row = (pc + p) * brs + (jc + jr) * bcs;
          for (let r = 0; r < 4; r++, o++) bp[o] = jr + r < nc ? B[row + r * bcs] : 0;
        }
      }
      for (let ic = 0; ic < m; ic += ${MC}) {
        const mc = Math.min(${MC}, m - ic);
        for (let ir = 0, o = 0; ir < mc; ir += 2) {
          for (let p = 0; p < kc; p++) {
            const column = (ic + ir) * ars + (pc + p) * acs;
            ap[o++] = A[column];
            ap[o++] = ir + 1 < mc ? A[column + ars] : 0;
          }
        }
        for (let jr = 0; jr < nc; jr += 4) {
          for (let ir = 0; ir < mc; ir += 2) {
            $tile(kc, ap, ir * kc, bp, jr * kc, C, (ic + ir) * n + jc + jr, n, Math.min(2, mc - ir), Math.min(4, nc - jr));
          }
        }
      }
    }
  }
}

/** C[co..] += (2 rows of packed A) · (4 columns of packed B) over kc; only the mr×nr corner is written. */
function $tile(kc${n}, ap${packs}, ao${n}, bp${packs}, bo${n}, C${arr}, co${n}, ldc${n}, mr${n}, nr${n})${t(': void')} {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  for (const end = (bo + kc * 4) | 0; bo < end; bo = (bo + 4) | 0, ao = (ao + 2) | 0) {
    const a0 = ap[ao], a1 = ap[(ao + 1) | 0];
    const b0 = bp[bo], b1 = bp[(bo + 1) | 0], b2 = bp[(bo + 2) | 0], b3 = bp[(bo + 3) | 0];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
  }
  if (mr === 2 && nr === 4) {
    C[co] += c00; C[co + 1] += c01; C[co + 2] += c02; C[co + 3] += c03;
    co += ldc;
    C[co] += c10; C[co + 1] += c11; C[co + 2] += c12; C[co + 3] += c13;
    return;
  }
  C[co] += c00;
  if (nr > 1) C[co + 1] += c01;
  if (nr > 2) C[co + 2] += c02;
  if (nr > 3) C[co + 3] += c03;
  if (mr < 2) return;
  co += ldc;
  C[co] += c10;
  if (nr > 1) C[co + 1] += c11;
  if (nr > 2) C[co + 2] += c12;
  if (nr > 3) C[co + 3] += c13;
}
`;
}
