import * as autodiff from './autodiff/index.js';
import type { Node } from './graph.js';
import { stabilizeForGrad } from './simplify/stabilize.js';

/**
 * The derivative functions of SPEC §3 as the pipeline offers them: reverse mode differentiates
 * the stabilized form of y (derivatives are built from the forward nodes, so only a stable
 * forward graph gives stable derivatives), then build_grad appends the gradient nodes.
 * Forward mode (jvp) takes y as it is.
 */
export function gradients(y: Node, xs: readonly Node[]): Node[] {
  return autodiff.gradients(stabilizeForGrad(y, xs), xs);
}

export function grad(y: Node, x: Node): Node {
  return autodiff.grad(stabilizeForGrad(y, [x]), x);
}

export function vjp(y: Node, x: Node, d: Node): Node {
  return autodiff.vjp(stabilizeForGrad(y, [x]), x, d);
}

export function jacobian(y: Node, x: Node, mode?: autodiff.JacobianMode): Node {
  return autodiff.jacobian(stabilizeForGrad(y, [x]), x, mode);
}

export function hessian(y: Node, x: Node): Node {
  return autodiff.hessian(stabilizeForGrad(y, [x]), x);
}

export function hvp(y: Node, x: Node, v: Node): Node {
  return autodiff.hvp(stabilizeForGrad(y, [x]), x, v);
}

export { jacobianMode, jvp, type JacobianMode } from './autodiff/index.js';
