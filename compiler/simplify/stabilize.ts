import { apply } from '../builder.js';
import type { Node } from '../graph.js';
import { NodeMap } from '../nodes.js';
import { rewrite, type Firing } from './engine.js';
import { bind, P, rule, v, type Rule } from './pattern.js';

const x = v('x');
const { add, exp, expm1, log, log1p, neg, sigmoid, softplus, sub, sum } = P;

/**
 * Forms that stay finite where the naive ones overflow (each tested at ±1000). log(softmax x)
 * needs no rule of its own: softmax is exp(log_softmax x), and log-exp gives log_softmax back.
 */
export const stabilize: readonly Rule[] = [
  rule('log-exp', log(exp(x)), x),
  rule('log-sigmoid', log(sigmoid(x)), neg(softplus(neg(x)))),
  rule('log-one-minus-sigmoid', log(sub(1, sigmoid(x))), neg(softplus(x))),
  rule('log-sum-exp', log(bind('s', sum(exp(x)))), (m) => apply('logsumexp', [m.x], m.s.attrs)),
  rule('log-one-plus', log(add(x, 1)), log1p(x)),
  rule('log1p-exp', log1p(exp(x)), softplus(x)),
  rule('exp-minus-one', sub(exp(x), 1), expm1(x)),
];

/**
 * y with the stabilizing rewrites applied below it, for build_grad to differentiate instead
 * of y: derivatives are built from the forward nodes, so only a stable forward graph gives
 * stable derivatives (d/dx of log(1 − σ(x)) is −σ(x), not σ(x)(1 − σ(x))/(1 − σ(x))).
 * Targets are left as they are and never looked through, so gradients with respect to
 * intermediate nodes keep their meaning; y itself is returned when no rule applies.
 */
export function stabilizeForGrad(y: Node, targets: readonly Node[]): Node {
  const final = new NodeMap<Node>();
  for (const t of targets) final.set(t, t);
  const targetSet = new Set(targets);
  const log: Firing[] = [];
  const [stable] = rewrite([y], stabilize, log, final, (node) => targetSet.has(node));
  return log.length > 0 ? stable : y;
}
