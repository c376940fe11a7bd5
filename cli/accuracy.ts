import { type Limits, loadSpec, parseJson } from '../compiler/index.js';
import { compileGraph, type Feeds, type Output } from '../runtime/index.js';

/** The fraction of rows a model classifies right, given its params and data. */
export type Accuracy = (params: Feeds, data: Feeds) => number;

/**
 * Accuracy, when the loss node is a cross-entropy of two named nodes: `softmax_cross_entropy(logits,
 * labels[, axis=k])` (one-hot or soft labels: right where the largest logit is at the largest
 * label) or `bce_with_logits(z, y)` (right where z > 0 exactly when y > 0.5). Else undefined.
 */
export async function accuracyOf(text: string, loss: string, limits: Limits): Promise<Accuracy | undefined> {
  const nodes = (parseJson(text) as { nodes?: Record<string, unknown> }).nodes ?? {};
  const expression = Object.hasOwn(nodes, loss) ? nodes[loss] : undefined;
  const match = typeof expression === 'string' ? /^\s*(softmax_cross_entropy|bce_with_logits)\(\s*(\w+)\s*,\s*(\w+)\s*(?:,\s*axis\s*=\s*(-?\d+)\s*)?\)\s*$/.exec(expression) : null;
  if (!match) return undefined;
  const [, fn, logits, labels, axis] = match;
  const spec = loadSpec(text, limits);
  const [z, y] = [spec.names.get(logits), spec.names.get(labels)];
  if (!z || !y) return undefined;
  const kernel = (await compileGraph(spec.graph, { logits: z, labels: y })).createKernel();
  return (params, data) => {
    const out = kernel.run({ ...data, ...params });
    return fn === 'bce_with_logits' ? binary(out.logits, out.labels) : classes(out.logits, out.labels, Number(axis ?? -1));
  };
}

function binary(z: Output, y: Output): number {
  let right = 0;
  for (let i = 0; i < z.data.length; i++) if (z.data[i] > 0 === y.data[i] > 0.5) right++;
  return right / Math.max(1, z.data.length);
}

/** Rows whose largest logit (along `axis`) is where the largest label is. */
function classes(logits: Output, labels: Output, axis: number): number {
  const { shape, data } = logits;
  const k = axis < 0 ? shape.length + axis : axis;
  const size = shape[k];
  const inner = shape.slice(k + 1).reduce((a, b) => a * b, 1);
  const rows = data.length / Math.max(1, size);
  let right = 0;
  for (let r = 0; r < rows; r++) {
    const base = Math.floor(r / inner) * size * inner + (r % inner);
    const argmax = (values: ArrayLike<number>) => {
      let best = 0;
      for (let c = 1; c < size; c++) if (values[base + c * inner] > values[base + best * inner]) best = c;
      return best;
    };
    if (argmax(data) === argmax(labels.data)) right++;
  }
  return right / Math.max(1, rows);
}
