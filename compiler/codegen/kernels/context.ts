import type { Node } from '../../graph.js';
import type { LoopContext } from '../indexing.js';
import type { ScalarOp } from '../scalar.js';

/** Everything a kernel knows about the node it computes. */
export interface KernelContext extends LoopContext {
  readonly node: Node;
  /** Buffer holding the result (a typed array variable). */
  readonly out: string;
  /** Buffers of the inputs, in order, each holding its values contiguously. */
  readonly ins: readonly string[];
  /** An element read (`a[i]`, or `a[i]!` in TypeScript). */
  at(array: string, index: string): string;
}

/** What expanding a node into scalar operations needs (values are indices into the expanded program). */
export interface ScalarExpansion {
  readonly node: Node;
  /** The value of each element of each input, row-major. */
  readonly ins: readonly (readonly number[])[];
  literal(value: number): number;
  /** `op` on earlier values, for element `index` of the node (literal arguments are folded). */
  apply(op: ScalarOp, args: number[], index: number): number;
  /** A number as the dtype stores it. */
  round(value: number): number;
  readonly add: ScalarOp;
  readonly mul: ScalarOp;
  /** s + a·b, a step of a dot product. */
  readonly muladd: ScalarOp;
  extremum(name: 'max' | 'min'): ScalarOp;
}

/** How the generated code computes an op that is neither a leaf nor elementwise. */
export interface Kernel {
  /** The loop nest writing the node's buffer from its inputs' buffers (the fused-loop mode). */
  lines(k: KernelContext): string[];
  /** The node's elements as scalar operations (graphs of small static tensors); undefined when it has none. */
  scalars?(s: ScalarExpansion): number[] | undefined;
  /** In the fused-loop mode, whether the node runs as its own kernel, as dot products inside a loop, or as a gemm (default: kernel). */
  step?(node: Node): 'kernel' | 'dot' | 'gemm';
  /**
   * A view op read in place: the strides of its axes from its input's strides, or null when it
   * reads its input's buffer contiguously in row-major order (a reshape).
   */
  view?(node: Node, strides: readonly string[]): readonly string[] | null;
}
