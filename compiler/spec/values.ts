import { SymgradError } from '../errors.js';
import type { JsonValue } from './json.js';

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A literal tensor: a number, a non-finite string, or nested rectangular arrays of them. */
export function parseLiteral(value: JsonValue, place: string): { shape: number[]; values: number[] } {
  const shape: number[] = [];
  for (let level: JsonValue = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  const visit = (v: JsonValue, depth: number, path: string): void => {
    if (depth === shape.length) {
      values.push(literalNumber(v, `${place}${path}`));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new SymgradError(`${place}${path}`, `ragged array: expected ${shape[depth]} entries here`);
    }
    v.forEach((entry, i) => visit(entry, depth + 1, `${path}[${i}]`));
  };
  visit(value, 0, '');
  return { shape, values };
}

export function literalNumber(v: JsonValue, place: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) return NON_FINITE[v];
  throw new SymgradError(place, `expected a number (or "NaN", "Infinity", "-Infinity"), got ${describe(v)}`);
}

/** Outputs and feeds back to JSON: nested arrays by shape, non-finite numbers as strings. */
export function toJsonValue(data: ArrayLike<number>, shape: readonly number[]): JsonValue {
  const encode = (v: number): JsonValue => (Number.isFinite(v) ? v : String(v));
  const build = (depth: number, offset: number): JsonValue => {
    if (depth === shape.length) return encode(data[offset]);
    const stride = shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[depth] }, (_, i) => build(depth + 1, offset + i * stride));
  };
  return build(0, 0);
}

export function describe(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return String(v);
}
