import type { Node } from '../graph.js';
import { bodyOf, inputLayout, resultKind } from '../loops/body.js';
import { loopJvp, loopVjp } from '../loops/derive.js';
import { bodyFlops, loopLength } from '../loops/shape.js';
import { runLoop, type LoopAttrs } from '../loops/run.js';
import { ShapeError, sameShape, showShape, type Shape } from '../shape.js';
import { defineOp, type OpBuilder } from './op.js';

/**
 * A loop (JAX's scan): a body graph stepped over axis 0 of its sequences, forward or in
 * reverse, with carries. Inputs: the initial carries, the sequences and the values the body
 * closes over (compiler/loops/body.ts). Attribute `result` picks one result of the loop: a final
 * carry, the stack of a carry after or before each step, or the stack of an emitted value. Nodes of one loop that differ only in `result` are computed once.
 */
export const loop: OpBuilder<(inputs: readonly Node[], attrs: LoopAttrs & { result: number }) => Node> = defineOp(
  {
    name: 'loop',
    arity: 'variadic',
    internal: true,
    infer: (inputs, attrs) => {
      const body = bodyOf(attrs.body as string);
      const layout = inputLayout(body);
      if (inputs.length !== layout.count) throw new ShapeError(`${body.name} takes ${layout.count} inputs, got ${inputs.length}`);
      const expect = (shape: Shape, want: Shape, what: string) => {
        if (!sameShape(shape, want)) throw new ShapeError(`${what} has shape ${showShape(shape)}, but ${body.name} expects ${showShape(want)}`);
      };
      body.carries.forEach((c, i) => expect(inputs[i], c.shape, 'the initial carry'));
      const length = loopLength(body, inputs, attrs.steps as number);
      body.slices.forEach((s, i) => expect(inputs[layout.xs + i], [length, ...s.shape], `sequence ${i + 1}`));
      body.closures.forEach((c, i) => expect(inputs[layout.closures + i], c.shape, 'a closed-over value'));
      const r = attrs.result as number;
      if (!Number.isInteger(r) || r < 0 || r >= 3 * body.carries.length + body.emits.length) throw new ShapeError(`${body.name} has no result ${r}`);
      const { kind, index } = resultKind(body, r);
      if (kind === 'emit') return { shape: [length, ...body.emits[index].shape] };
      return { shape: kind === 'final' ? body.carries[index].shape : [length, ...body.carries[index].shape] };
    },
    evaluate: (out, inputs, attrs) => {
      const Storage = out instanceof Float32Array ? Float32Array : Float64Array;
      out.set(runLoop(attrs as unknown as LoopAttrs, inputs, Storage)[attrs.result as number].data);
    },
    vjp: loopVjp,
    jvp: loopJvp,
    emit: { kind: 'repeat' },
    flops: (node, size) => bodyFlops(bodyOf(node.attrs.body as string), size) * size([loopLength(bodyOf(node.attrs.body as string), node.inputs.map((x) => x.shape), node.attrs.steps as number)]),
  },
  (inputs: readonly Node[], attrs: LoopAttrs & { result: number }) => inputs[0].graph.apply('loop', inputs, attrs),
);
