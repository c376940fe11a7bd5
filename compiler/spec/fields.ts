import { suggest, SymgradError } from '../errors.js';
import type { JsonValue } from './json.js';
import { describe } from './values.js';

export type JsonObject = { [key: string]: JsonValue };

export function objectAt(value: JsonValue, place: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SymgradError(place, `expected an object, got ${describe(value)}`);
  }
  return value;
}

export function fieldsAt(value: JsonValue, place: string, allowed: string[], required: string[]): JsonObject {
  const fields = objectAt(value, place);
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key)) throw new SymgradError(`${place}.${key}`, `unknown field${suggest(key, allowed)}`);
  }
  for (const key of required) if (!(key in fields)) throw new SymgradError(place, `missing '${key}'`);
  return fields;
}
