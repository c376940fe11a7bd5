import type { Node } from '../graph.js';
import { liveNodes } from '../nodes.js';
import { ShapeError, showShape, type Dim, type Shape } from '../shape.js';
import { isLoop, inputLayout, type LoopBody } from './body.js';

/** The number of steps: the length of the sequences, or `steps` when there are none. */
export function loopLength(body: LoopBody, inputs: readonly Shape[], steps: number): Dim {
  if (body.slices.length === 0) {
    if (!Number.isSafeInteger(steps) || steps < 0) throw new ShapeError(`steps must be a whole number ≥ 0, got ${steps}`);
    return steps;
  }
  const first = inputs[inputLayout(body).xs];
  if (first.length === 0) throw new ShapeError(`a sequence needs an axis to loop over, got shape ${showShape(first)}`);
  return first[0];
}

/** Estimated flops of one step of the body. */
export function bodyFlops(body: LoopBody, size: (shape: Shape) => number): number {
  let flops = 0;
  for (const node of liveNodes([...body.next, ...body.emits])) {
    if (!node.def.leaf) flops += node.def.flops ? node.def.flops(node, size) : size(node.shape);
  }
  return flops;
}

/** The loop nodes of the same loop as `node` (same body, inputs, direction and steps) that exist in its graph. */
export function sameLoop(a: Node, b: Node): boolean {
  return (
    isLoop(a) &&
    isLoop(b) &&
    a.attrs.body === b.attrs.body &&
    a.attrs.reverse === b.attrs.reverse &&
    a.attrs.steps === b.attrs.steps &&
    a.inputs.length === b.inputs.length &&
    a.inputs.every((x, i) => x === b.inputs[i])
  );
}
