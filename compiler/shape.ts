import { SymgradError } from './errors.js';

/** A dimension is a size, or a name bound from the fed arrays at run time (`["N", 2]`). */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** Thrown by shape rules; the graph adds the place (the node being built). */
export class ShapeError extends SymgradError {
  constructor(message: string) {
    super('', message);
  }
}

export function showShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** For operands compared entry by entry (the losses): equal shapes, or a ShapeError naming both. */
export function checkSameShape(what: string, a: Shape, b: Shape): void {
  if (!sameShape(a, b)) throw new ShapeError(`${what} need the same shape, got ${showShape(a)} and ${showShape(b)}`);
}

/**
 * NumPy broadcasting: align on the right; equal dims, or a 1, broadcast. Two names must be the
 * same name. A name against a fixed size k > 1 gives k, and requires the name to be k at run
 * time (a requirement recorded with `requireDim`, checked when the feeds bind the names).
 */
export function broadcastShapes(shapes: readonly Shape[]): Shape {
  // Shapes are immutable: a result equal to an input shape is that shape (big graphs keep fewer arrays).
  if (shapes.length > 0 && shapes.every((s) => sameShape(s, shapes[0]))) return shapes[0];
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  const cannot = (a: Dim, b: Dim) => new ShapeError(`cannot broadcast shapes ${shapes.map(showShape).join(' and ')} (${a} vs ${b})`);
  for (let k = 0; k < rank; k++) {
    let dim: Dim = 1;
    const named = new Set<string>();
    for (const shape of shapes) {
      const d = shape[shape.length - rank + k] ?? 1;
      if (typeof d === 'string') named.add(d);
      if (d === 1 || d === dim) continue;
      if (dim === 1) dim = d;
      else if (typeof dim === typeof d) throw cannot(dim, d);
      else if (typeof d === 'number') dim = d;
    }
    if (typeof dim === 'number') for (const name of named) requireDim(name, dim);
    out.push(dim);
  }
  return out;
}

/** A named dimension that must have a given size at run time (it is broadcast against that size). */
export interface DimRequirement {
  readonly dim: string;
  readonly size: number;
}

/** A requirement with the label of the node that makes it (what a run that breaks it names). */
export interface NodeRequirement extends DimRequirement {
  readonly label: string;
}

let collecting: DimRequirement[] | undefined;

/** Records that named dimension `dim` must be `size` at run time, for the shape rule being run. */
export function requireDim(dim: string, size: number): void {
  collecting?.push({ dim, size });
}

/** Runs a shape rule, returning its result and what it requires of named dimensions. */
export function collectRequirements<T>(rule: () => T): { result: T; required: DimRequirement[] } {
  const outer = collecting;
  const required: DimRequirement[] = [];
  collecting = required;
  try {
    return { result: rule(), required };
  } finally {
    collecting = outer;
  }
}

/** Number of elements, with named dims looked up in `dims`. */
export function sizeOf(shape: Shape, dims: Readonly<Record<string, number>> = {}): number {
  let size = 1;
  for (const d of shape) size *= typeof d === 'number' ? d : dimValue(d, dims);
  return size;
}

/** The shape with named dims replaced by their bound sizes. */
export function concreteShape(shape: Shape, dims: Readonly<Record<string, number>>): number[] {
  return shape.map((d) => (typeof d === 'number' ? d : dimValue(d, dims)));
}

function dimValue(name: string, dims: Readonly<Record<string, number>>): number {
  const value = Object.hasOwn(dims, name) ? dims[name] : undefined;
  if (value === undefined) throw new SymgradError('dims', `dimension '${name}' is not bound`);
  return value;
}

/** Static element count, or undefined if the shape has named dims. */
export function staticSize(shape: Shape): number | undefined {
  return shape.every((d) => typeof d === 'number') ? sizeOf(shape) : undefined;
}

/** Normalise an axis (negative counts from the end) against a rank, or throw. */
export function normalizeAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`axis ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, unique, non-negative axes; `undefined` means every axis. */
export function normalizeAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const axes = [...new Set(list.map((a) => normalizeAxis(a, rank)))];
  return axes.sort((a, b) => a - b);
}

/** Row-major strides of a concrete shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = stride;
    stride *= shape[k];
  }
  return strides;
}
