import type { Node } from '../../graph.js';
import type { LoopContext } from '../indexing.js';

/** Everything a kernel knows about the node it computes. */
export interface KernelContext extends LoopContext {
  readonly node: Node;
  /** Buffer holding the result (a typed array variable). */
  readonly out: string;
  /** Buffers of the inputs, in order, each holding its values contiguously. */
  readonly ins: readonly string[];
}

/** How the generated code computes an op that is neither a leaf nor elementwise. */
export interface Kernel {
  /** The loop nest writing the node's buffer from its inputs' buffers (the fused-loop mode). */
  lines(k: KernelContext): string[];
}
