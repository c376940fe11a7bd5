import type { Node } from '../graph.js';
import type { Shape } from '../shape.js';

/** A buffer of the pool: `coefficient` elements per unit of the product of its named dimensions. */
export interface PoolBuffer {
  readonly name: string;
  /** Sorted named dimensions (one entry per occurrence); all nodes sharing the buffer have the same. */
  readonly dims: readonly string[];
  coefficient: number;
}

export interface MemoryAssignment {
  readonly buffers: readonly PoolBuffer[];
  /** The pool buffer holding each stored node that is not an output (outputs own exact buffers). */
  readonly bufferOf: ReadonlyMap<Node, PoolBuffer>;
}

/** A shape's size as (number, named dims): [3, 'N', 'N'] is 3 × N·N. */
export function factorSize(shape: Shape): { coefficient: number; dims: string[] } {
  let coefficient = 1;
  const dims: string[] = [];
  for (const d of shape) typeof d === 'number' ? (coefficient *= d) : dims.push(d);
  return { coefficient, dims: dims.sort() };
}

/**
 * Buffer reuse by liveness, in step order: a node written at step s takes a free buffer of the
 * same named dimensions (the smallest that fits, else the largest, grown), and its buffer is free
 * again after the last step that reads it. A step's inputs and outputs never share a buffer.
 */
export function assignBuffers(
  nodes: readonly Node[],
  position: ReadonlyMap<Node, number>,
  lastUse: ReadonlyMap<Node, number>,
  steps: number,
): MemoryAssignment {
  const buffers: PoolBuffer[] = [];
  const bufferOf = new Map<Node, PoolBuffer>();
  const free: PoolBuffer[] = [];
  const defined: Node[][] = Array.from({ length: steps }, () => []);
  const released: Node[][] = Array.from({ length: steps }, () => []);
  for (const node of nodes) {
    defined[position.get(node)!].push(node);
    released[lastUse.get(node) ?? position.get(node)!].push(node);
  }
  for (let s = 0; s < steps; s++) {
    for (const node of defined[s]) {
      const { coefficient, dims } = factorSize(node.shape);
      const key = dims.join('*');
      const fitting = free.filter((b) => b.dims.join('*') === key);
      const pick =
        fitting.filter((b) => b.coefficient >= coefficient).sort((a, b) => a.coefficient - b.coefficient)[0] ??
        fitting.sort((a, b) => b.coefficient - a.coefficient)[0];
      let buffer = pick;
      if (buffer) {
        free.splice(free.indexOf(buffer), 1);
        buffer.coefficient = Math.max(buffer.coefficient, coefficient);
      } else {
        buffer = { name: `$buffer${buffers.length + 1}`, dims, coefficient };
        buffers.push(buffer);
      }
      bufferOf.set(node, buffer);
    }
    for (const node of released[s]) free.push(bufferOf.get(node)!);
  }
  return { buffers, bufferOf };
}
