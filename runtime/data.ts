import { seededRandom } from '../common/random.js';
import type { Feed, Signature } from './module.js';

/** One column of a data set: row-major values and their shape. */
export interface Column {
  readonly data: Float64Array | Float32Array;
  readonly shape: readonly number[];
}

/** Data checked against a module's inputs, and the named dimension that mini-batches split. */
export interface Dataset {
  readonly columns: Readonly<Record<string, Column>>;
  /** Rows: the size of the first named dimension of the inputs (1 if there is none). */
  readonly rows: number;
  /** For each column holding that dimension, the axis it sits on. */
  readonly batchAxes: Readonly<Record<string, number>>;
}

type Storage = Float64ArrayConstructor | Float32ArrayConstructor;

/**
 * Check data against a module's inputs: every input present, no unknown names, fixed dimensions
 * as declared and each named dimension the same size in every input. Errors read
 * `feeds.NAME: ...` and name both inputs when a named dimension disagrees.
 */
export function checkData(signature: Signature, data: Readonly<Record<string, Feed>>): Dataset {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TypeError(`feeds: expected an object of input name to values, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}`);
  }
  const inputs = signature.inputs.map((i) => i.name);
  for (const name of Object.keys(data)) {
    if (!inputs.includes(name)) throw new RangeError(`feeds.${name}: not an input of the model (its inputs: ${inputs.join(', ') || 'none'})`);
  }
  const bound = new Map<string, { size: number; from: string }>();
  const columns: Record<string, Column> = {};
  for (const { name, shape: declared } of signature.inputs) {
    const place = `feeds.${name}`;
    const shown = `[${declared.join(', ')}]`;
    if (!Object.hasOwn(data, name)) {
      const has = Object.keys(data);
      throw new RangeError(`${place}: missing: the data has no column for input '${name}' ${shown} (it has ${has.join(', ') || 'nothing'})`);
    }
    const column = toColumn(data[name], declared, place, signature.dtype);
    if (column.shape.length !== declared.length || declared.some((d, k) => typeof d === 'number' && column.shape[k] !== d)) {
      throw new RangeError(`${place}: expected shape ${shown}, got [${column.shape.join(', ')}]`);
    }
    declared.forEach((d, k) => {
      if (typeof d !== 'string') return;
      const seen = bound.get(d);
      if (seen && seen.size !== column.shape[k]) {
        throw new RangeError(`${place}: dimension ${d} is ${column.shape[k]} in '${name}' but ${seen.size} in '${seen.from}'`);
      }
      bound.set(d, seen ?? { size: column.shape[k], from: name });
    });
    columns[name] = column;
  }
  const first = signature.inputs.flatMap((i) => i.shape).find((d): d is string => typeof d === 'string');
  const batchAxes: Record<string, number> = {};
  if (first !== undefined) for (const { name, shape } of signature.inputs) if (shape.includes(first)) batchAxes[name] = shape.indexOf(first);
  return { columns, rows: first === undefined ? 1 : bound.get(first)!.size, batchAxes };
}

/**
 * Mini-batches of `size` rows along the batch axes, reshuffled every epoch by one generator seeded
 * once (so a run is deterministic given the seed); the last batch of an epoch may be smaller.
 * Batches of one size share buffers: a batch is valid until the next one of the same size.
 */
export class Batches {
  readonly #buffers = new Map<number, Record<string, Column>>();
  readonly #random: () => number;

  constructor(
    readonly dataset: Dataset,
    readonly size: number,
    seed: number,
  ) {
    this.#random = seededRandom(seed);
  }

  *epoch(): Generator<{ readonly rows: number; readonly columns: Record<string, Column> }, void, undefined> {
    const order = Int32Array.from({ length: this.dataset.rows }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.#random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < order.length; start += this.size) {
      const rows = order.subarray(start, Math.min(order.length, start + this.size));
      yield { rows: rows.length, columns: this.#gather(rows) };
    }
  }

  /** The given rows of every column (along its batch axis). */
  #gather(rows: Int32Array): Record<string, Column> {
    const { columns, batchAxes } = this.dataset;
    let batch = this.#buffers.get(rows.length);
    if (!batch) {
      batch = { ...columns };
      for (const [name, axis] of Object.entries(batchAxes)) {
        const { data, shape } = columns[name];
        const batchShape = shape.map((d, k) => (k === axis ? rows.length : d));
        batch[name] = { data: new (data.constructor as Storage)(batchShape.reduce((a, b) => a * b, 1)), shape: batchShape };
      }
      this.#buffers.set(rows.length, batch);
    }
    for (const [name, axis] of Object.entries(batchAxes)) {
      const { data, shape } = columns[name];
      const out = batch[name].data;
      const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      for (let o = 0; o < outer; o++) {
        for (let r = 0; r < rows.length; r++) {
          const from = (o * shape[axis] + rows[r]) * inner;
          out.set(data.subarray(from, from + inner), (o * rows.length + r) * inner);
        }
      }
    }
    return batch;
  }
}

/** A feed as a column: a number, nested arrays, `{ data, shape }`, or a flat array when at most one dimension is unknown. */
export function toColumn(feed: Feed, declared: readonly (number | string)[], place: string, dtype: 'float64' | 'float32'): Column {
  const storage: Storage = dtype === 'float32' ? Float32Array : Float64Array;
  const numbers = (values: ArrayLike<unknown>): Column['data'] =>
    values instanceof storage ? values : storage.from(Array.from(values, (v) => (typeof v === 'number' ? v : fail(place, 'expected numbers'))));
  if (typeof feed === 'number') return { data: storage.of(feed), shape: [] };
  if (feed === null || typeof feed !== 'object') {
    throw new TypeError(`${place}: expected a number, nested arrays of numbers or { data, shape }, got ${feed === null ? 'null' : typeof feed}`);
  }
  if (Array.isArray(feed) && feed.some(Array.isArray)) return nested(feed, place, numbers);
  if ('shape' in feed && 'data' in feed) {
    const { data, shape } = feed as { data: unknown; shape: unknown };
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(place, 'shape must be an array of whole numbers >= 0');
    if (!isArrayLike(data)) throw new TypeError(`${place}: data must be an array or a typed array`);
    if (data.length !== shape.reduce((a: number, b: number) => a * b, 1)) fail(place, `data does not fill shape [${shape.join(', ')}]`);
    return { data: numbers(data), shape: [...(shape as number[])] };
  }
  if (!isArrayLike(feed)) throw new TypeError(`${place}: expected a number, nested arrays of numbers or { data, shape }, got an object`);
  const values = feed as ArrayLike<number>;
  const known = declared.reduce<number>((a, d) => (typeof d === 'number' ? a * d : a), 1);
  const unknown = values.length / known;
  const named = declared.filter((d) => typeof d === 'string').length;
  if (named > 1 || !Number.isInteger(unknown) || (named === 0 && unknown !== 1)) {
    fail(place, `a flat array of ${values.length} values does not fit [${declared.join(', ')}]; pass { data, shape }`);
  }
  return { data: numbers(values), shape: declared.map((d) => (typeof d === 'number' ? d : unknown)) };
}

/** Nested arrays, every level as long as the first one's (so no rows of other lengths, even with a total that fits). */
function nested(feed: readonly unknown[], place: string, numbers: (values: ArrayLike<unknown>) => Column['data']): Column {
  const shape: number[] = [];
  for (let level: unknown = feed; Array.isArray(level); level = level[0]) shape.push(level.length);
  let level: unknown[] = [feed];
  for (let depth = 0; depth <= shape.length; depth++) {
    const next: unknown[] = [];
    for (const item of level) {
      if (depth === shape.length) {
        if (Array.isArray(item)) fail(place, `ragged nested array: an array at depth ${depth + 1}, where shape [${shape.join(', ')}] has numbers`);
      } else if (!Array.isArray(item) || item.length !== shape[depth]) {
        fail(place, `ragged nested array: ${Array.isArray(item) ? `${item.length} entries` : 'a number'} at depth ${depth + 1}, where shape [${shape.join(', ')}] has ${shape[depth]}`);
      } else for (const value of item) next.push(value);
    }
    if (depth < shape.length) level = next;
  }
  return { data: numbers(level), shape };
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

function fail(place: string, message: string): never {
  throw new RangeError(`${place}: ${message}`);
}
