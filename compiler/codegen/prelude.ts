/**
 * The fixed part of every generated module: reading feeds into typed arrays, checking shapes
 * and binding named dimensions, with errors that name the feed and both shapes. `t(...)`
 * keeps type annotations in `.ts` output and drops them in `.js`. With `requirements`, also the
 * check that a named dimension has the fixed size the graph broadcasts it against.
 */
export function prelude(ts: boolean, storage: string, requirements = false): string {
  const t = (annotation: string) => (ts ? annotation : '');
  return `${ts ? `/** A feed: a number, a flat or nested array in row-major order, a typed array, or { data, shape }. */
export type Feed = number | ArrayLike<number> | readonly unknown[] | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };
export type Feeds = { readonly [name: string]: Feed | undefined };
export interface Output { readonly data: ${storage}; readonly shape: readonly number[] }

` : ''}/** Throws the error for feed \`name\` (the message is built only here: a run that succeeds allocates nothing). */
function $fail(name${t(': string')}, message${t(': string')})${t(': never')} {
  throw new RangeError('feeds.' + name + ': ' + message);
}

function $sameDims(a${t(': Float64Array')}, b${t(': Float64Array')})${t(': boolean')} {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function $showShape(shape${t(': ArrayLike<number>')})${t(': string')} {
  return '[' + Array.from(shape).join(', ') + ']';
}

/** A declared shape as text, named dimensions by name. */
function $expected(declared${t(': readonly number[]')}, dimNames${t(': readonly string[]')})${t(': string')} {
  return '[' + declared.map((d) => (d >= 0 ? String(d) : dimNames[-d - 1])).join(', ') + ']';
}

/** Flatten nested arrays, recording their shape. */
function $flatten(value${t(': readonly unknown[]')}, name${t(': string')})${t(': { data: number[]; shape: number[] }')} {
  const shape${t(': number[]')} = [];
  for (let level${t(': unknown')} = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const data${t(': number[]')} = [];
  const visit = (v${t(': unknown')}, depth${t(': number')})${t(': void')} => {
    if (depth === shape.length) {
      if (typeof v !== 'number') $fail(name, 'expected numbers, found ' + typeof v);
      data.push(v${t(' as number')});
    } else if (!Array.isArray(v) || v.length !== shape[depth]) {
      $fail(name, 'ragged nested array');
    } else {
      for (const entry of v) visit(entry, depth + 1);
    }
  };
  visit(value, 0);
  return { data, shape };
}

/**
 * Check feed \`name\` (or take \`fallback\` for a param not fed) against its declared shape and
 * return its flat values: the feed itself when it is already flat, nothing copied or allocated.
 * \`declared\` holds sizes, or -(k + 1) for named dimension k, bound in \`dims\` on first sight.
 */
function $check(feeds${t(': Feeds')}, name${t(': string')}, declared${t(': readonly number[]')}, dimNames${t(': readonly string[]')}, dims${t(': Float64Array')}, dimFeeds${t(': string[]')}, fallback${t(`: ${storage} | null`)})${t(': number | ArrayLike<number>')} {
  const value = Object.prototype.hasOwnProperty.call(feeds, name) ? feeds[name] : undefined;
  if (value === undefined) {
    if (fallback) return fallback;
    return $fail(name, "missing feed for input '" + name + "'");
  }
  let data${t(': ArrayLike<number>')};
  let shape${t(': readonly number[] | null')} = null;
  if (typeof value === 'number') {
    if (declared.length !== 0) $fail(name, 'expected shape ' + $expected(declared, dimNames) + ', got []');
    return value;
  } else if (value instanceof ${storage}) {
    data = value;
  } else if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    ({ data, shape } = $flatten(value, name));
  } else if (value !== null && typeof value === 'object' && 'data' in value && 'shape' in value) {
    ({ data, shape } = value${t(' as { data: ArrayLike<number>; shape: readonly number[] }')});
    if (data === null || typeof data !== 'object' || typeof data.length !== 'number') $fail(name, 'data must be an array or a typed array');
    if (!Array.isArray(shape)) $fail(name, 'shape must be a list of sizes');
    for (const d of shape${t(' as readonly unknown[]')}) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) $fail(name, 'shape ' + $showShape(shape${t(' as readonly number[]')}) + ' has a size that is not a whole number from 0');
    }
  } else if (value !== null && typeof value === 'object' && typeof (value${t(' as ArrayLike<number>')}).length === 'number') {
    data = value${t(' as ArrayLike<number>')};
  } else {
    return $fail(name, 'expected a number, an array or { data, shape }');
  }
  if (shape === null) {
    // A flat array: solve the one dimension not yet known from its length.
    let known = 1;
    let unknown = 0;
    for (const d of declared) {
      const size = d >= 0 ? d : dims[-d - 1]${t('!')};
      if (size >= 0) known *= size;
      else if (unknown === 0 || unknown === d) unknown = d;
      else $fail(name, 'a flat array cannot bind two dimensions of ' + $expected(declared, dimNames) + '; pass { data, shape }');
    }
    if (unknown !== 0) {
      if (known === 0 || data.length % known !== 0) {
        $fail(name, 'expected shape ' + $expected(declared, dimNames) + ' (a multiple of ' + known + ' values), got ' + data.length + ' values');
      }
      dims[-unknown - 1] = data.length / known;
      dimFeeds[-unknown - 1] = name;
    }
    let size = 1;
    for (const d of declared) size *= d >= 0 ? d : dims[-d - 1]${t('!')};
    if (data.length !== size) $fail(name, 'expected shape ' + $expected(declared, dimNames) + ' (' + size + ' values), got ' + data.length + ' values');
  } else {
    const given${t(': readonly number[]')} = shape;
    let fits = given.length === declared.length;
    for (let k = 0; fits && k < declared.length; k++) fits = declared[k]${t('!')} < 0 || given[k] === declared[k];
    if (!fits) $fail(name, 'expected shape ' + $expected(declared, dimNames) + ', got ' + $showShape(given));
    let size = 1;
    for (let k = 0; k < declared.length; k++) {
      size *= given[k]${t('!')};
      const d = declared[k]${t('!')};
      if (d >= 0) continue;
      const bound = dims[-d - 1]${t('!')};
      if (bound >= 0 && bound !== given[k]) {
        $fail(name, 'dimension ' + dimNames[-d - 1] + ' is ' + given[k] + ' here but ' + bound + ' in feeds.' + dimFeeds[-d - 1]);
      }
      dims[-d - 1] = given[k]${t('!')};
      dimFeeds[-d - 1] = name;
    }
    if (data.length !== size) $fail(name, 'data does not fill shape ' + $showShape(shape));
  }
  if (!(data instanceof ${storage})) {
    for (let i = 0; i < data.length; i++) if (typeof data[i] !== 'number') $fail(name, 'expected numbers');
  }
  return data;
}

${requirements ? requireDim(t) : ''}/** The checked values of a feed that is not a ${storage}, copied into this kernel's staging array (made once per size). */
function $stage(value${t(': number | ArrayLike<number>')}, staging${t(`: ${storage}`)}, size${t(': number')})${t(`: ${storage}`)} {
  if (staging.length !== size) staging = new ${storage}(size);
  if (typeof value === 'number') {
    staging[0] = value;
  } else {
    for (let i = 0; i < value.length; i++) staging[i] = value[i]${t('!')};
  }
  return staging;
}
`;
}

/** The check of named dimension k against the fixed size it is broadcast against (at node \`node\`). */
function requireDim(t: (annotation: string) => string): string {
  return `/** Named dimension k is broadcast against a fixed size at node \`node\`: it must have that size. */
function $requireDim(dims${t(': Float64Array')}, dimNames${t(': readonly string[]')}, dimFeeds${t(': readonly string[]')}, k${t(': number')}, size${t(': number')}, node${t(': string')})${t(': void')} {
  if (dims[k] !== size) {
    throw new RangeError('nodes.' + node + ': dimension ' + dimNames[k] + ' is ' + dims[k] + ' (in feeds.' + dimFeeds[k] + ') but is broadcast against size ' + size + ', so it must be ' + size);
  }
}

`;
}
