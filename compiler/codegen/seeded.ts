import type { ParamInit } from '../init.js';
import { jsNumber, jsString, jsTypedArray } from '../literals.js';

/**
 * The seeded generator a module carries when a param has a `normal` or `uniform` init: the lines
 * of common/random.ts (`seededRandom`, `seededValues`), so the module computes the same values
 * symgrad does (tests/codegen/init.test.ts holds them equal) and its size does not grow with the params'.
 */
export function seededHelper(ts: boolean): string[] {
  const t = (annotation: string) => (ts ? annotation : '');
  return [
    '/** mulberry32 and, for normal inits, the Box–Muller transform: the seeded inits of the spec. */',
    `function $seeded(kind${t(": 'normal' | 'uniform'")}, a${t(': number')}, b${t(': number')}, seed${t(': number')}, size${t(': number')})${t(': Float64Array')} {`,
    '  let state = seed >>> 0;',
    `  const random = ()${t(': number')} => {`,
    '    state = (state + 0x6d2b79f5) >>> 0;',
    '    let t = state;',
    '    t = Math.imul(t ^ (t >>> 15), t | 1);',
    '    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);',
    '    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;',
    '  };',
    '  const values = new Float64Array(size);',
    "  if (kind === 'uniform') for (let i = 0; i < size; i++) values[i] = a + (b - a) * random();",
    '  else for (let i = 0; i < size; i++) values[i] = a + b * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());',
    '  return values;',
    '}',
    '',
  ];
}

/** The expression for a param's initial values in the module's storage. */
export function initExpression(init: ParamInit, storage: string, size: number): string {
  switch (init.kind) {
    case 'values':
      return jsTypedArray(storage, Array.from(init.values));
    case 'fill':
      // As jsTypedArray writes a uniform array, without making one (a param may be huge).
      if (size <= 1) return jsTypedArray(storage, new Array<number>(size).fill(init.value));
      return Object.is(init.value, 0) ? `new ${storage}(${size})` : `new ${storage}(${size}).fill(${jsNumber(init.value)})`;
    default: {
      const call = `$seeded(${jsString(init.kind)}, ${jsNumber(init.a)}, ${jsNumber(init.b)}, ${jsNumber(init.seed)}, ${size})`;
      return storage === 'Float64Array' ? call : `${storage}.from(${call})`;
    }
  }
}
