import type { Node } from '../graph.js';
import { isLoop, bodyOf, internBody, inputLayout } from '../loops/body.js';
import { liveNodes } from '../nodes.js';
import { simplify } from './index.js';
import { rule, test } from './pattern.js';

/** Each body's simplified form, by id (a simplified body maps to itself). */
const simplified = new Map<string, string>();

/**
 * A loop's body is simplified as a graph of its own (so nothing moves between a body and the
 * graph around it), and values it no longer reads stop being passed in.
 */
export const simplifyLoopBody = rule(
  'loop-body',
  test((node) => isLoop(node)),
  (_, node) => {
    const id = node.attrs.body as string;
    const done = simplified.get(id) ?? simplifyBody(id);
    if (done === id) return undefined;
    const before = bodyOf(id);
    const after = bodyOf(done);
    const first = inputLayout(before).closures;
    const inputs = [...node.inputs.slice(0, first), ...after.closures.map((c) => node.inputs[first + before.closures.indexOf(c)])];
    return node.graph.apply('loop', inputs, { ...node.attrs, body: done });
  },
);

function simplifyBody(id: string): string {
  const body = bodyOf(id);
  const n = body.next.length;
  const outputs = simplify([...body.next, ...body.emits]);
  const live = new Set<Node>(liveNodes(outputs));
  const result = internBody({ ...body, closures: body.closures.filter((c) => live.has(c)), next: outputs.slice(0, n), emits: outputs.slice(n) });
  simplified.set(id, result.id);
  simplified.set(result.id, result.id);
  return result.id;
}
