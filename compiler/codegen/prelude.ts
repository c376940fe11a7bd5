/**
 * The fixed part of every generated module: reading feeds into typed arrays, checking shapes
 * and binding named dimensions, with errors that name the feed and both shapes. `t(...)`
 * keeps type annotations in `.ts` output and drops them in `.js`.
 */
export function prelude(ts: boolean, storage: string): string {
  const t = (annotation: string) => (ts ? annotation : '');
  return `/** A feed: a number, a flat or nested array in row-major order, a typed array, or { data, shape }. */
${ts ? `export type Feed = number | ArrayLike<number> | readonly unknown[] | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
export type Feeds = { readonly [name: string]: Feed };
export interface Output { readonly data: ${storage}; readonly shape: readonly number[] }
` : ''}
function $fail(place${t(': string')}, message${t(': string')})${t(': never')} {
  throw new RangeError(place + ': ' + message);
}

function $sameDims(a${t(': Float64Array')}, b${t(': Float64Array')})${t(': boolean')} {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function $showShape(shape${t(': ArrayLike<number>')})${t(': string')} {
  return '[' + Array.from(shape).join(', ') + ']';
}

/** Flatten nested arrays, recording their shape. */
function $flatten(value${t(': readonly unknown[]')}, place${t(': string')})${t(': { data: number[]; shape: number[] }')} {
  const shape${t(': number[]')} = [];
  for (let level${t(': unknown')} = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const data${t(': number[]')} = [];
  const visit = (v${t(': unknown')}, depth${t(': number')})${t(': void')} => {
    if (depth === shape.length) {
      if (typeof v !== 'number') $fail(place, 'expected numbers, found ' + typeof v);
      data.push(v${t(' as number')});
    } else if (!Array.isArray(v) || v.length !== shape[depth]) {
      $fail(place, 'ragged nested array');
    } else {
      for (const entry of v) visit(entry, depth + 1);
    }
  };
  visit(value, 0);
  return { data, shape };
}

/**
 * Read feed \`name\` (or \`fallback\` for a param not fed) as a ${storage} of the declared shape.
 * \`declared\` holds sizes, or -(k + 1) for named dimension k, bound in \`dims\` on first sight.
 */
function $read(feeds${t(': Feeds')}, name${t(': string')}, declared${t(': readonly number[]')}, dimNames${t(': readonly string[]')}, dims${t(': Float64Array')}, dimFeeds${t(': string[]')}, fallback${t(`: ${storage} | null`)})${t(`: ${storage}`)} {
  const place = 'feeds.' + name;
  const value = Object.prototype.hasOwnProperty.call(feeds, name) ? feeds[name] : undefined;
  if (value === undefined) {
    if (fallback) return fallback;
    return $fail(place, "missing feed for input '" + name + "'");
  }
  let data${t(': ArrayLike<number>')};
  let shape${t(': readonly number[] | null')} = null;
  if (typeof value === 'number') {
    data = [value];
    shape = [];
  } else if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    ({ data, shape } = $flatten(value, place));
  } else if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
    ({ data, shape } = value${t(' as { data: ArrayLike<number>; shape: readonly number[] }')});
  } else if (value !== null && typeof value === 'object' && typeof (value${t(' as ArrayLike<number>')}).length === 'number') {
    data = value${t(' as ArrayLike<number>')};
  } else {
    return $fail(place, 'expected a number, an array or { data, shape }');
  }
  const expected = declared.map((d) => (d >= 0 ? String(d) : dimNames[-d - 1]));
  if (shape === null) {
    // A flat array: solve the one dimension not yet known from its length.
    let known = 1;
    let unknown = -1;
    for (const d of declared) {
      const size = d >= 0 ? d : dims[-d - 1];
      if (size >= 0) known *= size;
      else if (unknown === -1 || unknown === d) unknown = d;
      else $fail(place, 'a flat array cannot bind two dimensions of [' + expected.join(', ') + ']; pass { data, shape }');
    }
    if (unknown !== -1 && known > 0 && data.length % known === 0) {
      dims[-unknown - 1] = data.length / known;
      dimFeeds[-unknown - 1] = name;
    }
    shape = declared.map((d) => (d >= 0 ? d : dims[-d - 1]));
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) $fail(place, 'expected shape [' + expected.join(', ') + '] (' + size + ' values), got ' + data.length + ' values');
  } else {
    const given${t(': readonly number[]')} = shape;
    if (given.length !== declared.length || declared.some((d, k) => d >= 0 && given[k] !== d)) {
      $fail(place, 'expected shape [' + expected.join(', ') + '], got ' + $showShape(given));
    }
    declared.forEach((d, k) => {
      if (d >= 0) return;
      const bound = dims[-d - 1];
      if (bound >= 0 && bound !== given[k]) {
        $fail(place, 'dimension ' + dimNames[-d - 1] + ' is ' + given[k] + ' here but ' + bound + ' in feeds.' + dimFeeds[-d - 1]);
      }
      dims[-d - 1] = given[k];
      dimFeeds[-d - 1] = name;
    });
    if (data.length !== shape.reduce((a, b) => a * b, 1)) $fail(place, 'data does not fill shape ' + $showShape(shape));
  }
  return data instanceof ${storage} ? data : ${storage}.from(data, (v) => (typeof v === 'number' ? v : $fail(place, 'expected numbers')));
}
`;
}
