import type { Node } from '../graph.js';
import { broadcastStrideExprs, loopNest, strideExprs, type LoopContext } from './indexing.js';
import type { Shape } from '../shape.js';
import type { Views } from './views.js';

/** Where the module's gemms run: WebAssembly SIMD (falling back to JS where it cannot run), or JS only. */
export type Target = 'js' | 'wasm';

/**
 * Block sizes of the packed gemm: a KC×NC block of B and an MC×KC block of A, in 2×3 register
 * tiles (six sums, the most V8 keeps in registers without spilling one every step of k).
 */
export const GEMM_BLOCKS = { MC: 64, KC: 512, NC: 512, MR: 2, NR: 3 } as const;

/** Elements of the module's two packing arrays: the largest blocks (rounded up to whole tiles) its gemms pack. */
export function packingSizes(gemms: readonly Node[]): { a: number; b: number } {
  const { MC, KC, NC, MR, NR } = GEMM_BLOCKS;
  const cap = (d: Shape[number], block: number, tile: number) => Math.ceil(Math.min(block, typeof d === 'number' ? d : block) / tile) * tile;
  let a = 0;
  let b = 0;
  for (const node of gemms) {
    const [[m, k], [, n]] = node.inputs.map((x) => x.shape.slice(-2));
    a = Math.max(a, cap(m, MC, MR) * cap(k, KC, 1));
    b = Math.max(b, cap(k, KC, 1) * cap(n, NC, NR));
  }
  return { a, b };
}

/**
 * The lines computing a gemm node: one $gemm call per matrix of the (broadcast) batch axes.
 * Operands are read through their views' strides, so AᵀB and ABᵀ never copy a transpose.
 */
export function gemmCall(node: Node, views: Views, names: LoopContext & { buffer(n: Node): string }): string[] {
  const batch = node.shape.slice(0, -2);
  const [a, b] = node.inputs.map((x) => {
    const access = views.of(x);
    if (access.kind !== 'strided') throw new Error('gemm operands are copied when constant');
    const batchStrides = broadcastStrideExprs(access.strides.slice(0, -2), x.shape.slice(0, -2), batch);
    return { name: names.buffer(access.base), batchStrides, strides: access.strides.slice(-2).join(', ') };
  });
  const [m, k] = node.inputs[0].shape.slice(-2).map(names.dim);
  const n = names.dim(node.shape.at(-1)!);
  const c = strideExprs(names, node.shape).slice(0, -2);
  return loopNest(names, batch, [a.batchStrides, b.batchStrides, c], ([ao, bo, co]) => [
    `$gemm(${m}, ${n}, ${k}, ${a.name}, ${ao}, ${a.strides}, ${b.name}, ${bo}, ${b.strides}, ${names.buffer(node)}, ${co});`,
  ]);
}

/**
 * The JS gemm (emitted once per module that needs one), named `$gemmJs` where it is the fallback
 * of the WebAssembly gemm (`wasm/dispatch.ts`): C = A·B for strided A (m×k) and B
 * (k×n), C contiguous. B is packed in KC×NC blocks of 3-column panels, A in MC×KC blocks of 2-row
 * panels, and a 2×3 register tile runs over each pair of panels: per step of k, 5 loads feed 6
 * multiply-adds. The packing arrays are module-level constants, which V8 reads without checking
 * their kind or loading their length and data pointer at every step; gemms never overlap, so one
 * pair serves every kernel instance. A fallback makes them on its first call.
 */
export function gemmHelper(storage: string, ts: boolean, packing: { a: number; b: number }, fallback: boolean): string {
  const name = fallback ? '$gemmJs' : '$gemm';
  const { MC, KC, NC } = GEMM_BLOCKS;
  const t = (annotation: string) => (ts ? annotation : '');
  const n = t(': number');
  const arr = t(`: ${storage}`);
  const u = t('!');
  const packs = fallback
    ? 'let $packA = new Float64Array(0);\nlet $packB = $packA;'
    : `const $packA = new Float64Array(${packing.a});\nconst $packB = new Float64Array(${packing.b});`;
  const make = fallback ? `\n  if ($packA.length === 0) [$packA, $packB] = [new Float64Array(${packing.a}), new Float64Array(${packing.b})];` : '';
  return `${packs}

/** C[co..] (m×n, contiguous) = A·B, with A[i, p] = A[ao + i * ars + p * acs] and B[p, j] = B[bo + p * brs + j * bcs]. */
function ${name}(m${n}, n${n}, k${n}, A${arr}, ao${n}, ars${n}, acs${n}, B${arr}, bo${n}, brs${n}, bcs${n}, C${arr}, co${n})${t(': void')} {${make}
  C.fill(0, co, co + m * n);
  for (let jc = 0; jc < n; jc += ${NC}) {
    const nc = Math.min(${NC}, n - jc);
    for (let pc = 0; pc < k; pc += ${KC}) {
      const kc = Math.min(${KC}, k - pc);
      // Lanes past the last column or row repeat it (reads stay in bounds); their sums are never stored.
      for (let jr = 0, o = 0; jr < nc; jr += 3) {
        const j1 = Math.min(1, nc - jr - 1) * bcs, j2 = Math.min(2, nc - jr - 1) * bcs;
        for (let p = 0, x = bo + pc * brs + (jc + jr) * bcs; p < kc; p++, x += brs, o += 3) {
          $packB[o] = B[x]${u}; $packB[o + 1] = B[x + j1]${u}; $packB[o + 2] = B[x + j2]${u};
        }
      }
      for (let ic = 0; ic < m; ic += ${MC}) {
        const mc = Math.min(${MC}, m - ic);
        for (let ir = 0, o = 0; ir < mc; ir += 2) {
          const i1 = Math.min(1, mc - ir - 1) * ars;
          for (let p = 0, x = ao + (ic + ir) * ars + pc * acs; p < kc; p++, x += acs, o += 2) {
            $packA[o] = A[x]${u}; $packA[o + 1] = A[x + i1]${u};
          }
        }
        for (let jr = 0; jr < nc; jr += 3) {
          for (let ir = 0; ir < mc; ir += 2) {
            $tile(kc, ir * kc, jr * kc, C, co + (ic + ir) * n + jc + jr, n, mc - ir, nc - jr);
          }
        }
      }
    }
  }
}

/** C[co..] += (2 packed rows of A from ai) · (3 packed columns of B from bi) over kc, storing only as many rows and columns as C has left. */
function $tile(kc${n}, ai${n}, bi${n}, C${arr}, co${n}, ldc${n}, rows${n}, columns${n})${t(': void')} {
  let c00 = 0, c01 = 0, c02 = 0, c10 = 0, c11 = 0, c12 = 0;
  for (const end = (bi + kc * 3) | 0; bi < end; bi = (bi + 3) | 0, ai = (ai + 2) | 0) {
    const a0 = $packA[ai]${u}, a1 = $packA[(ai + 1) | 0]${u};
    const b0 = $packB[bi]${u}, b1 = $packB[(bi + 1) | 0]${u}, b2 = $packB[(bi + 2) | 0]${u};
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2;
  }
  C[co]${u} += c00;
  if (columns > 1) C[co + 1]${u} += c01;
  if (columns > 2) C[co + 2]${u} += c02;
  if (rows < 2) return;
  co += ldc;
  C[co]${u} += c10;
  if (columns > 1) C[co + 1]${u} += c11;
  if (columns > 2) C[co + 2]${u} += c12;
}
`;
}
