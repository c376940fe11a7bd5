import { seededRandom } from '../../common/random.js';
import { SymgradError } from '../errors.js';
import type { JsonValue } from './json.js';
import { describe, parseLiteral } from './values.js';

/**
 * A param's initial values (flat, row-major) from its `init`: a literal, "zeros", "ones", or
 * `{ "normal": [mean, std], "seed": s }` / `{ "uniform": [low, high], "seed": s }`, deterministic per seed.
 */
export function initialValues(init: JsonValue | undefined, shape: readonly number[], place: string): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (init === undefined || init === 'zeros') return new Array<number>(size).fill(0);
  if (init === 'ones') return new Array<number>(size).fill(1);
  if (init !== null && typeof init === 'object' && !Array.isArray(init)) return randomValues(init, size, place);
  const literal = parseLiteral(init, place);
  const fits = literal.shape.length === shape.length && literal.shape.every((d, i) => d === shape[i]);
  const scalarFill = literal.shape.length === 0;
  if (!fits && !scalarFill) {
    throw new SymgradError(place, `init has shape [${literal.shape.join(', ')}] but the param has shape [${shape.join(', ')}]`);
  }
  return scalarFill ? new Array<number>(size).fill(literal.values[0]) : literal.values;
}

function randomValues(init: { [key: string]: JsonValue }, size: number, place: string): number[] {
  const kind = Object.keys(init).find((k) => k !== 'seed');
  const extra = Object.keys(init).filter((k) => k !== 'seed' && k !== kind);
  const range = kind === undefined ? undefined : init[kind];
  const seed = init.seed ?? 0;
  if ((kind !== 'normal' && kind !== 'uniform') || extra.length > 0) {
    throw new SymgradError(place, 'init must be a literal, "zeros", "ones", {"normal": [mean, std], "seed": s} or {"uniform": [low, high], "seed": s}');
  }
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new SymgradError(`${place}.${kind}`, `expected two finite numbers, got ${describe(range ?? null)}`);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new SymgradError(`${place}.seed`, 'seed must be an integer');
  const [a, b] = range as number[];
  const random = seededRandom(seed);
  if (kind === 'uniform') return Array.from({ length: size }, () => a + (b - a) * random());
  return Array.from({ length: size }, () => a + b * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}
