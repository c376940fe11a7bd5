import type { Node } from '../graph.js';
import { broadcastShapes, sameShape } from '../shape.js';
import { make } from './make.js';
import { simplifyLoopBody } from './loops.js';
import { rule, test, type Rule } from './pattern.js';

const isElementwise = (node: Node) => node.def.emit.kind === 'elementwise';

/** Last touches: broadcasts that an elementwise op would do anyway are dropped. */
export const cleanup: readonly Rule[] = [
  rule(
    'implicit-broadcast',
    test((n) => isElementwise(n) && n.inputs.length > 1 && n.inputs.some((i) => i.op === 'broadcast_to')),
    (_, n) => {
      const inputs = [...n.inputs];
      n.inputs.forEach((input, i) => {
        if (input.op !== 'broadcast_to') return;
        const narrower = inputs.map((other, j) => (j === i ? input.inputs[0] : other));
        if (sameShape(broadcastShapes(narrower.map((x) => x.shape)), n.shape)) inputs[i] = input.inputs[0];
      });
      return inputs.every((input, i) => input === n.inputs[i]) ? undefined : make(n.op, inputs, n.attrs);
    },
  ),
  simplifyLoopBody,
];
