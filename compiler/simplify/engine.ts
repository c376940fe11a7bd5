import type { Node } from '../graph.js';
import { NodeCounts, NodeMap } from '../nodes.js';
import type { OpName } from '../ops/table.js';
import { sameShape } from '../shape.js';
import { make } from './make.js';
import type { Opaque, Rule } from './pattern.js';

/** One firing, as reported to `explain`. */
export interface Firing {
  readonly rule: string;
  readonly before: Node;
  readonly after: Node;
}

/**
 * Bounds that make every pass terminate whatever the rules: successive rewrites of one node, and
 * firings in all (a budget that grows with the nodes made final).
 */
const CHAIN_LIMIT = 64;
const FREE_FIRINGS = 1024;
const FIRINGS_PER_NODE = 16;

/**
 * Rewrite the graph below `outputs` to a fixed point of `rules`, bottom-up and without
 * recursion: a node is final once its inputs are final, its commutative operands sorted, and no
 * rule applies; a replacement is itself normalised before it stands for the node. Every node is
 * visited once, so the pass is linear in the graph plus the work of the rules that fire.
 * `final` may be kept between passes of the same rules: rules see only a node's subgraph, and
 * hash-consing makes a node its structure, so a node once final stays final. Patterns never
 * look into `opaque` nodes.
 */
export function rewrite(outputs: readonly Node[], rules: readonly Rule[], log: Firing[], final = new NodeMap<Node>(), opaque?: Opaque): Node[] {
  const rulesFor = indexRules(rules);
  const pending = new NodeMap<Node>();
  const chain = new NodeCounts();
  const active = new NodeCounts();
  let budget = FREE_FIRINGS;
  for (const output of outputs) {
    const stack = [output];
    while (stack.length > 0) {
      const node = stack[stack.length - 1];
      node.graph.checkTime();
      if (final.has(node)) {
        stack.pop();
        active.set(node, 0);
        continue;
      }
      active.set(node, 1);
      const next = pending.get(node);
      if (next) {
        const done = final.get(next);
        if (done) final.set(node, done);
        else if (active.get(next) === 1) final.set(node, node); // a cycle of rules: keep this form
        else stack.push(next);
        continue;
      }
      const height = stack.length;
      for (const input of node.inputs) if (!final.has(input)) stack.push(input);
      if (stack.length > height) continue;
      const rebuilt = rebuild(node, final);
      if (rebuilt !== node) {
        pending.set(node, rebuilt);
        continue;
      }
      const depth = chain.get(node);
      const fired = depth < CHAIN_LIMIT && budget > 0 ? fire(node, rulesFor(node.op), opaque) : undefined;
      if (!fired) {
        final.set(node, node);
        budget += FIRINGS_PER_NODE;
        continue;
      }
      log.push({ rule: fired.rule, before: node, after: fired.after });
      budget--;
      if (chain.get(fired.after) === 0) chain.set(fired.after, depth + 1);
      pending.set(node, fired.after);
    }
  }
  return outputs.map((o) => final.get(o)!);
}

/** The node on final inputs (graph.apply sorts the operands of a commutative op); the node itself if nothing changed. */
function rebuild(node: Node, final: NodeMap<Node>): Node {
  let same = true;
  for (const input of node.inputs) same &&= final.get(input) === input;
  if (same) return node;
  return make(node.op, node.inputs.map((input) => final.get(input)!), node.attrs);
}

function fire(node: Node, rules: readonly Rule[], opaque?: Opaque): { rule: string; after: Node } | undefined {
  for (const r of rules) {
    let after = r.apply(node, opaque);
    if (!after || after === node) continue;
    if (!sameShape(after.shape, node.shape)) after = make('broadcast_to', [after], { shape: node.shape });
    return { rule: r.name, after };
  }
  return undefined;
}

/** Rules by the op at their pattern's root, in order; rules rooted at a test are tried on every op. Built once per rule list. */
function indexRules(rules: readonly Rule[]): (op: OpName) => readonly Rule[] {
  let index = indexes.get(rules);
  if (index) return index;
  const byOp = new Map<OpName, Rule[]>();
  const any = rules.filter((r) => r.pattern.kind !== 'op');
  for (const r of rules) {
    if (r.pattern.kind !== 'op' || byOp.has(r.pattern.op)) continue;
    const op = r.pattern.op;
    byOp.set(op, rules.filter((s) => s.pattern.kind !== 'op' || s.pattern.op === op));
  }
  index = (op) => byOp.get(op) ?? any;
  indexes.set(rules, index);
  return index;
}

const indexes = new WeakMap<readonly Rule[], (op: OpName) => readonly Rule[]>();
