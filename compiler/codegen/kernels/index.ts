import type { Node } from '../../graph.js';
import type { OpName } from '../../ops/table.js';
import type { Kernel } from './context.js';
import { cholesky, determinant, inv, solve } from './linalg.js';
import { matmul } from './matmul.js';
import { broadcast_to, concat, last, pad, reshape, slice, transpose } from './movement.js';
import { gather, one_hot, scatter_add } from './positions.js';
import { argExtremum, count, cumsum, exclusive_scan, prod, reduction } from './reduce.js';
import { log_softmax, logsumexp } from './shifted.js';

/**
 * The kernel of every op that is neither a leaf nor elementwise, by op name: the one place code
 * generation names ops. A kernel writes the op's loop nest, and may also expand it into scalars,
 * choose a gemm or dot products instead (matmul), or read a view in place.
 */
const KERNELS: { readonly [op in OpName]?: Kernel } = {
  sum: reduction((s) => s.add),
  max: reduction((s) => s.extremum('max')),
  min: reduction((s) => s.extremum('min')),
  prod,
  count,
  argmax: argExtremum('>'),
  argmin: argExtremum('<'),
  cumsum,
  exclusive_scan,
  reshape,
  broadcast_to,
  transpose,
  slice,
  pad,
  concat,
  custom_vjp: last,
  gather,
  scatter_add,
  one_hot,
  solve,
  inv,
  det: determinant(false),
  logdet: determinant(true),
  cholesky,
  logsumexp,
  log_softmax,
  matmul,
};

/** The kernel of a node's op (every op whose emission is `kernel` has one). */
export function kernelOf(node: Node): Kernel {
  const kernel = KERNELS[node.op];
  if (!kernel) throw new Error(`no kernel for ${node.op}`);
  return kernel;
}
