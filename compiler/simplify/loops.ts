import type { Node } from '../graph.js';
import { isLoop, bodyOf, internBody, inputLayout } from '../loops/body.js';
import { liveNodes } from '../nodes.js';
import { simplify } from './index.js';
import { rule, test } from './pattern.js';

/**
 * Each body's simplified form, by id (a simplified body maps to itself), with the positions of the
 * closures it still reads among the original's. Positions, not nodes: the interned body may be an
 * equal one built earlier, over placeholders of its own.
 */
const simplified = new Map<string, { readonly id: string; readonly kept: readonly number[] }>();

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
    if (done.id === id) return undefined;
    const first = inputLayout(bodyOf(id)).closures;
    const inputs = [...node.inputs.slice(0, first), ...done.kept.map((k) => node.inputs[first + k])];
    return node.graph.apply('loop', inputs, { ...node.attrs, body: done.id });
  },
);

function simplifyBody(id: string): { readonly id: string; readonly kept: readonly number[] } {
  const body = bodyOf(id);
  const n = body.next.length;
  const outputs = simplify([...body.next, ...body.emits]);
  const live = new Set<Node>(liveNodes(outputs));
  const kept = body.closures.flatMap((c, k) => (live.has(c) ? [k] : []));
  const result = internBody({ ...body, closures: kept.map((k) => body.closures[k]), next: outputs.slice(0, n), emits: outputs.slice(n) });
  const done = { id: result.id, kept };
  simplified.set(id, done);
  simplified.set(result.id, { id: result.id, kept: result.closures.map((_, k) => k) });
  return done;
}
