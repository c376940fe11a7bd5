/** The update rules a Session steps with, and their hyper-parameters. */
export type OptimizerName = 'sgd' | 'momentum' | 'adam';

export interface OptimizerOptions {
  readonly optimizer?: OptimizerName;
  /** The learning rate α; defaults to 0.01 for sgd and momentum, 0.001 for adam (as in Keras). */
  readonly lr?: number;
  /** Momentum μ (default 0.9). */
  readonly momentum?: number;
  /** Adam's decay rates β₁ (default 0.9) and β₂ (default 0.999), and ε (default 1e-8). */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];
export const DEFAULT_LR: Readonly<Record<OptimizerName, number>> = { sgd: 0.01, momentum: 0.01, adam: 0.001 };

type Data = Float64Array | Float32Array;

export interface Optimizer {
  readonly name: OptimizerName;
  readonly lr: number;
  /** Update every param in place from its gradient (same order, same length). */
  update(params: readonly Data[], grads: readonly ArrayLike<number>[]): void;
}

export function createOptimizer(options: OptimizerOptions = {}): Optimizer {
  const name = options.optimizer ?? 'sgd';
  if (!OPTIMIZERS.includes(name)) throw new RangeError(`optimizer: expected one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(name)}`);
  const lr = check('lr', options.lr ?? DEFAULT_LR[name], (v) => v > 0);
  if (name === 'sgd') {
    return { name, lr, update: (params, grads) => params.forEach((p, k) => axpy(p, -lr, grads[k])) };
  }
  if (name === 'momentum') {
    // Heavy ball, as in PyTorch: v ← μv + g, θ ← θ − αv.
    const mu = check('momentum', options.momentum ?? 0.9, (v) => v >= 0 && v < 1);
    const velocity: Float64Array[] = [];
    const update = (params: readonly Data[], grads: readonly ArrayLike<number>[]) => {
      params.forEach((p, k) => {
        const v = (velocity[k] ??= new Float64Array(p.length));
        const g = grads[k];
        for (let i = 0; i < p.length; i++) {
          v[i] = mu * v[i] + g[i];
          p[i] -= lr * v[i];
        }
      });
    };
    return { name, lr, update };
  }
  // Adam (Kingma & Ba), with bias-corrected moment estimates.
  const beta1 = check('beta1', options.beta1 ?? 0.9, (v) => v >= 0 && v < 1);
  const beta2 = check('beta2', options.beta2 ?? 0.999, (v) => v >= 0 && v < 1);
  const epsilon = check('epsilon', options.epsilon ?? 1e-8, (v) => v > 0);
  const first: Float64Array[] = [];
  const second: Float64Array[] = [];
  let t = 0;
  const update = (params: readonly Data[], grads: readonly ArrayLike<number>[]) => {
    t += 1;
    const correction1 = 1 - beta1 ** t;
    const correction2 = 1 - beta2 ** t;
    params.forEach((p, k) => {
      const m = (first[k] ??= new Float64Array(p.length));
      const v = (second[k] ??= new Float64Array(p.length));
      const g = grads[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] -= (lr * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
      }
    });
  };
  return { name, lr, update };
}

function axpy(p: Data, a: number, g: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) p[i] += a * g[i];
}

function check(name: string, value: number, valid: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !valid(value)) throw new RangeError(`${name}: out of range: ${value}`);
  return value;
}
