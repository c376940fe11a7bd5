import { bindDims } from '../dims.js';
import type { Node } from '../graph.js';
import { ancestors, evaluateInOrder } from '../interpret.js';
import type { Data, Tensor } from '../ops/op.js';
import { concreteShape, sizeOf } from '../shape.js';
import { bodyOf, inputLayout } from './body.js';

/** What a loop node's attributes say besides its result: the body, the direction, and the steps when there are no sequences. */
export type LoopAttrs = {
  readonly body: string;
  readonly reverse: boolean;
  readonly steps: number;
};

/**
 * The reference run of a loop: every result (final carries, stacks of the carries after and before each step, stacked emits),
 * stepping the body through the interpreter. `inputs` follow the node's layout.
 */
export function runLoop(attrs: LoopAttrs, inputs: readonly Tensor[], Storage: Float64ArrayConstructor | Float32ArrayConstructor): Tensor[] {
  const body = bodyOf(attrs.body);
  const layout = inputLayout(body);
  const n = body.carries.length;
  const m = body.slices.length;
  const steps = m > 0 ? inputs[layout.xs].shape[0] : attrs.steps;
  // The body's named dimensions, bound from the values its placeholders take.
  const placeholders = [...body.carries, ...body.slices, ...body.closures];
  const fedShapes = [...inputs.slice(0, n).map((t) => t.shape), ...inputs.slice(n, n + m).map((t) => t.shape.slice(1)), ...inputs.slice(layout.closures).map((t) => t.shape)];
  const declared = new Map(placeholders.map((p) => [p.attrs.name as string, p.shape]));
  const dims = bindDims(declared, new Map(placeholders.map((p, i) => [p.attrs.name as string, fedShapes[i]])));
  const outputs = [...body.next, ...body.emits];
  const order = ancestors(outputs);
  const feeds = new Map<Node, Tensor>();
  body.closures.forEach((p, i) => feeds.set(p, inputs[layout.closures + i]));
  let carries = inputs.slice(0, n);
  const carryStacks = body.carries.map((c) => stack(concreteShape(c.shape, dims), steps, Storage));
  const beforeStacks = body.carries.map((c) => stack(concreteShape(c.shape, dims), steps, Storage));
  const emitStacks = body.emits.map((e) => stack(concreteShape(e.shape, dims), steps, Storage));
  for (let k = 0; k < steps; k++) {
    const t = attrs.reverse ? steps - 1 - k : k;
    body.carries.forEach((c, i) => {
      feeds.set(c, carries[i]);
      beforeStacks[i].data.set(carries[i].data, t * carries[i].data.length);
    });
    body.slices.forEach((s, i) => feeds.set(s, rowOf(inputs[layout.xs + i], t)));
    const known = new Map(feeds);
    evaluateInOrder(order, known, dims, Storage);
    const values = outputs.map((o) => known.get(o)!);
    carries = values.slice(0, n);
    carries.forEach((c, i) => carryStacks[i].data.set(c.data, t * c.data.length));
    values.slice(n).forEach((e, j) => emitStacks[j].data.set(e.data, t * e.data.length));
  }
  return [...carries, ...carryStacks, ...beforeStacks, ...emitStacks];
}

function stack(shape: readonly number[], steps: number, Storage: Float64ArrayConstructor | Float32ArrayConstructor): { shape: number[]; data: Data } {
  const full = [steps, ...shape];
  return { shape: full, data: new Storage(sizeOf(full)) };
}

function rowOf(xs: Tensor, t: number): Tensor {
  const shape = xs.shape.slice(1);
  const size = sizeOf(shape);
  return { shape, data: xs.data.subarray(t * size, (t + 1) * size) };
}
