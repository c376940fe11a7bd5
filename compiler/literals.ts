/** Spec text reaches generated code only through these, re-serialised from parsed values. */

/** A JS string literal; also escapes U+2028/U+2029, which JSON leaves raw but JS treats as line ends. */
export function jsString(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A JS number literal that reads back to exactly the same double (-0, NaN and ±Infinity included). */
export function jsNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** A number in an expression position (negative ones parenthesised so `x - -1` cannot become `x--1`). */
export function jsOperand(value: number): string {
  const text = jsNumber(value);
  return text.startsWith('-') ? `(${text})` : text;
}

/** A typed array of `values`: a uniform one (zeros, ones, a fill) as a fill, so big inits stay small. */
export function jsTypedArray(storage: string, values: readonly number[]): string {
  const uniform = values.length > 1 && values.every((v) => Object.is(v, values[0]));
  if (!uniform) return `${storage}.from([${values.map(jsNumber).join(', ')}])`;
  return Object.is(values[0], 0) ? `new ${storage}(${values.length})` : `new ${storage}(${values.length}).fill(${jsNumber(values[0])})`;
}
