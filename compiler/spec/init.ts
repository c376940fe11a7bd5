import { SymgradError } from '../errors.js';
import type { ParamInit } from '../init.js';
import type { JsonValue } from './json.js';
import { describe, parseLiteral } from './values.js';

/**
 * A param's init: a literal, "zeros", "ones", or `{ "normal": [mean, std], "seed": s }` /
 * `{ "uniform": [low, high], "seed": s }`, deterministic per seed. Nothing is materialised here.
 */
export function paramInit(init: JsonValue | undefined, shape: readonly number[], place: string): ParamInit {
  if (init === undefined || init === 'zeros') return { kind: 'fill', value: 0 };
  if (init === 'ones') return { kind: 'fill', value: 1 };
  if (init !== null && typeof init === 'object' && !Array.isArray(init)) return randomInit(init, place);
  const literal = parseLiteral(init, place);
  const fits = literal.shape.length === shape.length && literal.shape.every((d, i) => d === shape[i]);
  const scalarFill = literal.shape.length === 0;
  if (!fits && !scalarFill) {
    throw new SymgradError(place, `init has shape [${literal.shape.join(', ')}] but the param has shape [${shape.join(', ')}]`);
  }
  return scalarFill ? { kind: 'fill', value: literal.values[0] } : { kind: 'values', values: literal.values };
}

function randomInit(init: { [key: string]: JsonValue }, place: string): ParamInit {
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
  return { kind, a, b, seed };
}
