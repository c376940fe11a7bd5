import { SymgradError } from '../errors.js';
import type { Node } from '../graph.js';
import { showShape } from '../shape.js';
import { grad } from './grad.js';
import { jacobian } from './jacobian.js';
import { jvp } from './jvp.js';

/**
 * Second derivatives of a scalar y, with shape x.shape ++ x.shape: the Jacobian of the gradient
 * (a loop over x's entries when their number is known only at run time).
 */
export function hessian(y: Node, x: Node): Node {
  checkScalar('hessian', y);
  return jacobian(grad(y, x), x);
}

/** Hessian-vector product H·v, forward over reverse: the jvp of the gradient along v; H is never formed. */
export function hvp(y: Node, x: Node, v: Node): Node {
  checkScalar('hvp', y);
  return jvp(grad(y, x), x, v);
}

function checkScalar(name: string, y: Node): void {
  if (y.shape.length !== 0) throw new SymgradError('', `${name} needs a scalar y, got shape ${showShape(y.shape)}`);
}
