import { describe, expect, it } from 'vitest';
import { Batches, checkData } from '../../runtime/data.js';
import type { Signature } from '../../runtime/module.js';

const signature: Signature = {
  dtype: 'float64',
  inputs: [
    { name: 'X', shape: ['N', 2] },
    { name: 'Y', shape: ['N'] },
    { name: 'T', shape: [3, 'N'] },
    { name: 'scale', shape: [] },
  ],
  params: [],
  outputs: [],
};

const rows = 5;
const data = {
  X: Array.from({ length: rows }, (_, i) => [i, 10 * i]),
  Y: Float64Array.from({ length: rows }, (_, i) => i),
  T: { data: Float64Array.from({ length: 3 * rows }, (_, i) => i), shape: [3, rows] },
  scale: 2,
};

describe('checkData', () => {
  it('binds the first named dimension and where it sits in each input', () => {
    const dataset = checkData(signature, data);
    expect(dataset.rows).toBe(rows);
    expect(dataset.batchAxes).toEqual({ X: 0, Y: 0, T: 1 });
    expect(dataset.columns.X.shape).toEqual([rows, 2]);
  });

  it('names the missing input and what the data has', () => {
    const { Y: _, ...withoutY } = data;
    expect(() => checkData(signature, withoutY)).toThrow("feeds.Y: missing: the data has no column for input 'Y' [N] (it has X, T, scale)");
  });

  it('names both inputs when a named dimension disagrees', () => {
    expect(() => checkData(signature, { ...data, Y: [1, 2, 3] })).toThrow("feeds.Y: dimension N is 3 in 'Y' but 5 in 'X'");
  });

  it.each([
    [{ ...data, X: [[1, 2, 3]] }, 'feeds.X: expected shape [N, 2], got [1, 3]'],
    [{ ...data, extra: 1 }, 'feeds.extra: not an input of the model (its inputs: X, Y, T, scale)'],
    [{ ...data, X: [[1, 2], [3]] }, 'feeds.X: ragged nested array'],
    [{ ...data, X: [1, 2, 3] }, 'feeds.X: a flat array of 3 values does not fit [N, 2]'],
  ])('rejects bad data: %#', (bad, message) => {
    expect(() => checkData(signature, bad)).toThrow(message);
  });
});

describe('Batches', () => {
  const dataset = checkData(signature, data);

  it('visits every row once per epoch, along each input’s own axis, the last batch smaller', () => {
    const batches = new Batches(dataset, 2, 7);
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const { rows: size, columns } of batches.epoch()) {
        sizes.push(size);
        const ys = Array.from(columns.Y.data);
        seen.push(...ys);
        expect(Array.from(columns.X.data)).toEqual(ys.flatMap((y) => [y, 10 * y]));
        expect(Array.from(columns.T.data)).toEqual([0, 1, 2].flatMap((r) => ys.map((y) => r * rows + y)));
        expect(columns.scale).toBe(dataset.columns.scale);
      }
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
    }
  });

  it('shuffles the same way for the same seed, and differently for another', () => {
    const orders = (seed: number) => {
      const batches = new Batches(dataset, rows, seed);
      return Array.from({ length: 4 }, () => [...batches.epoch()].flatMap((b) => Array.from(b.columns.Y.data)));
    };
    expect(orders(3)).toEqual(orders(3));
    expect(orders(3)).not.toEqual(orders(4));
  });
});
