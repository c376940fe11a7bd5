import type { Shape } from './shape.js';

export type AttrValue = number | boolean | string | readonly number[] | Shape;
export type Attrs = Readonly<Record<string, AttrValue>>;

/** The attributes of ops that have none, shared (big graphs hold one object, not one per node). */
export const NO_ATTRS: Attrs = Object.freeze({});

/** A canonical text for attributes: sorted keys, exact numbers (-0, NaN and ±Infinity kept apart). */
export function attrsKey(attrs: Attrs): string {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return '';
  return keys
    .sort()
    .map((k) => `${k}=${valueKey(attrs[k])}`)
    .join(';');
}

function valueKey(value: AttrValue): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  return `[${value.map(valueKey).join(',')}]`;
}
