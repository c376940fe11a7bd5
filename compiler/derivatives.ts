import * as autodiff from './autodiff/index.js';
import { pruneBetween } from './autodiff/prune.js';
import type { Node } from './graph.js';
import { staticSize } from './shape.js';
import { stabilizeForGrad } from './simplify/stabilize.js';
import { LimitedGraph } from './spec/limits.js';

/**
 * The derivative functions of SPEC §3 as the pipeline offers them: reverse mode differentiates
 * the stabilized form of y (derivatives are built from the forward nodes, so only a stable
 * forward graph gives stable derivatives), then build_grad appends the gradient nodes.
 * Forward mode (jvp) takes y as it is. On a graph with limits, each is refused before it is
 * built when its expected size would pass --max-nodes (see `expectGrowth`).
 */
export function gradients(y: Node, xs: readonly Node[]): Node[] {
  const stable = stabilizeForGrad(y, xs);
  expectGrowth('grad', stable, xs, 1);
  return autodiff.gradients(stable, xs);
}

export function grad(y: Node, x: Node): Node {
  return gradients(y, [x])[0];
}

export function vjp(y: Node, x: Node, d: Node): Node {
  const stable = stabilizeForGrad(y, [x]);
  expectGrowth('vjp', stable, [x], 1);
  return autodiff.vjp(stable, x, d);
}

export function jvp(y: Node, x: Node, v: Node): Node {
  expectGrowth('jvp', y, [x], 1);
  return autodiff.jvp(y, x, v);
}

export function jacobian(y: Node, x: Node, mode?: autodiff.JacobianMode): Node {
  const stable = stabilizeForGrad(y, [x]);
  const unrolled = (mode ?? autodiff.jacobianMode(stable, x)) === 'forward' ? x : stable;
  expectGrowth('jacobian', stable, [x], staticSize(unrolled.shape) ?? 1);
  return autodiff.jacobian(stable, x, mode);
}

export function hessian(y: Node, x: Node): Node {
  const stable = stabilizeForGrad(y, [x]);
  expectGrowth('hessian', stable, [x], 1 + (staticSize(x.shape) ?? 0));
  return autodiff.hessian(stable, x);
}

export function hvp(y: Node, x: Node, v: Node): Node {
  const stable = stabilizeForGrad(y, [x]);
  expectGrowth('hvp', stable, [x], 2);
  return autodiff.hvp(stable, x, v);
}

/**
 * The expansion estimate of --max-nodes. A sweep of reverse or forward mode makes about one node
 * for each node it goes through, those between x and y (0.9 for nested grads of sin·cos·exp·x;
 * fewer where rules pass gradients on unchanged, as `add` does); half that is counted, per sweep:
 * one for grad, vjp and jvp, two for hvp (the gradient, then its jvp), one per entry unrolled for
 * jacobian, 1 + size(x) for hessian. So nested derivatives that grow geometrically stop before the
 * level that would pass the limit is built, not partway through it.
 */
function expectGrowth(fn: string, y: Node, xs: readonly Node[], sweeps: number): void {
  if (!(y.graph instanceof LimitedGraph)) return;
  const through = pruneBetween(xs, y).size;
  y.graph.checkExpansion(fn, Math.ceil((sweeps * through) / 2), through);
}

export { jacobianMode, type JacobianMode } from './autodiff/index.js';
