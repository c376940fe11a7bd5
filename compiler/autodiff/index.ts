// The derivative functions of SPEC §3; each appends ordinary nodes to y's graph.
export { grad, gradients, vjp } from './grad.js';
export { hessian, hvp } from './hessian.js';
export { jacobian, jacobianMode, type JacobianMode } from './jacobian.js';
export { jvp } from './jvp.js';
