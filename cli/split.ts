import { SymgradError } from '../compiler/index.js';
import { checkData, type Column, type Feeds, seededRandom, type Signature } from '../runtime/index.js';

export type Columns = Record<string, Column>;

/**
 * `fraction` of the rows (along the data's first named dimension, as mini-batches split them),
 * drawn with the seed, held out for validation; the rest to train on. Each part keeps the rows' order.
 */
export function holdOut(signature: Signature, data: Feeds, fraction: number, seed: number): { train: Columns; validation: Columns } {
  const { columns, rows, batchAxes } = checkData(signature, data);
  if (Object.keys(batchAxes).length === 0 || rows < 2) {
    throw new SymgradError('--validation', `needs 2 or more rows along a named dimension of the inputs to hold some out; the data has ${rows}`);
  }
  const held = Math.min(rows - 1, Math.max(1, Math.round(fraction * rows)));
  const order = Array.from({ length: rows }, (_, i) => i);
  const next = seededRandom(seed);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const take = (picked: number[]): Columns => {
    const part: Columns = { ...columns };
    for (const [name, axis] of Object.entries(batchAxes)) part[name] = gather(columns[name], axis, picked.sort((a, b) => a - b));
    return part;
  };
  return { validation: take(order.slice(0, held)), train: take(order.slice(held)) };
}

/** The given rows of a column along one axis. */
function gather({ data, shape }: Column, axis: number, rows: readonly number[]): Column {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new (data.constructor as Float64ArrayConstructor)(outer * rows.length * inner);
  for (let o = 0; o < outer; o++) {
    rows.forEach((row, r) => out.set(data.subarray((o * shape[axis] + row) * inner, (o * shape[axis] + row + 1) * inner), (o * rows.length + r) * inner));
  }
  return { data: out, shape: shape.map((d, k) => (k === axis ? rows.length : d)) };
}
