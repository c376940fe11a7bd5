import type { Node } from '../../graph.js';
import type { OpName } from '../../ops/table.js';
import type { Kernel } from './context.js';
import { cholesky, determinant, inv, solve } from './linalg.js';
import { broadcast_to, concat, copy, last, pad, slice, transpose } from './movement.js';
import { gather, one_hot, scatter_add } from './positions.js';
import { log_softmax, logsumexp } from './shifted.js';
import { argExtremum, count, cumsum, prod, reduction } from './reduce.js';

/** The kernel of every op that is neither a leaf nor elementwise: the one place code generation names ops. */
const KERNELS: { readonly [op in OpName]?: Kernel } = {
  sum: reduction,
  max: reduction,
  min: reduction,
  prod,
  count,
  argmax: argExtremum('>'),
  argmin: argExtremum('<'),
  cumsum,
  reshape: copy,
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
};

/** The kernel of a node's op, if it has one. */
export function kernelOf(node: Node): Kernel | undefined {
  return KERNELS[node.op];
}
