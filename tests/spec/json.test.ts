import { describe, it, expect } from 'vitest';
import { parseJson, type JsonValue } from '../../compiler/spec/json.js';
import { SymgradError } from '../../compiler/errors.js';

/** `place: message` of the error that parsing `text` throws. */
function failure(text: string, options?: { maxDepth?: number }): string {
  try {
    parseJson(text, options);
  } catch (e) {
    if (e instanceof SymgradError) return `${e.place}: ${e.message}`;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseJson values', () => {
  const rows: [string, JsonValue][] = [
    ['null', null],
    ['true', true],
    ['false', false],
    ['0', 0],
    ['-12', -12],
    ['1.5e3', 1500],
    ['-1E-2', -0.01],
    ['2e+2', 200],
    ['"x"', 'x'],
    ['"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"', 'a"b\\c/d\b\f\n\r\t'],
    ['"\\u00e9\\ud83d\\ude00 \u00e9"', '\u00e9\ud83d\ude00 \u00e9'],
    ['"\\ud800"', '\ud800'],
    ['[]', []],
    ['{}', {}],
    ['[1, [2, {}], []]', [1, [2, {}], []]],
    ['{"a": {"b": [null, true]}, "c": "d"}', { a: { b: [null, true] }, c: 'd' }],
    [' \t\r\n [ 1 , 2 ] \n', [1, 2]],
    ['\ufeff{"a": 1}', { a: 1 }],
  ];
  it.each(rows)('%j', (text, expected) => {
    expect(parseJson(text)).toEqual(expected);
  });

  it('keeps the sign of -0', () => {
    expect(Object.is(parseJson('-0'), -0)).toBe(true);
  });

  it('gives objects a null prototype', () => {
    const value = parseJson('{"a": {"b": 1}}') as { [key: string]: { [key: string]: JsonValue } };
    expect(Object.getPrototypeOf(value)).toBe(null);
    expect(Object.getPrototypeOf(value.a)).toBe(null);
  });

  it('treats __proto__ and other Object.prototype names as ordinary keys', () => {
    const value = parseJson('{"__proto__": {"polluted": 1}, "constructor": 2, "toString": 3}') as {
      [key: string]: JsonValue;
    };
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(value['__proto__']).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(value)).toBe(null);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('allows the same key in different objects', () => {
    expect(parseJson('{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}')).toEqual({ a: { a: 1 }, b: [{ a: 2 }, { a: 3 }] });
  });
});

describe('parseJson errors', () => {
  const rows: [string, string][] = [
    ['', "1:1: unexpected end of input"],
    ['   ', '1:4: unexpected end of input'],
    ['[1,]', "1:4: unexpected ']'"],
    ['[,1]', "1:2: unexpected ','"],
    ['[1', '1:3: unexpected end of input'],
    ['{"a":', '1:6: unexpected end of input'],
    ['[1 2]', "1:4: expected ',' or ']' after array element"],
    ['{"a": 1 "b": 2}', "1:9: expected ',' or '}' after object member"],
    ['{"a" 1}', "1:6: expected ':' after object key"],
    ['{"a": 1,}', '1:9: expected a string as object key'],
    ['{a: 1}', '1:2: expected a string as object key'],
    ['{"a": 1, "a": 2}', "1:10: duplicate key 'a'"],
    ['{"__proto__": 1, "__proto__": 2}', "1:18: duplicate key '__proto__'"],
    ['{"a\\nb": 1, "a\\nb": 2}', '1:13: duplicate key "a\\nb"'],
    ['"abc', '1:1: unterminated string'],
    ['["abc\\', '1:2: unterminated string'],
    ['"a\nb"', '1:3: control character in string'],
    ['"a\tb"', '1:3: control character in string'],
    ['"\\x"', "1:2: invalid escape '\\x'"],
    ['"\\\u2028"', '1:2: invalid escape "\\\\\\u2028"'],
    ['"\\u12g4"', '1:2: invalid unicode escape, expected \\u and four hex digits'],
    ['1 2', '1:3: trailing characters after the JSON value'],
    ['{} {}', '1:4: trailing characters after the JSON value'],
    ['0x10', '1:2: trailing characters after the JSON value'],
    ['01', '1:2: leading zero in number'],
    ['-01', '1:3: leading zero in number'],
    ['-', '1:2: unexpected end of input'],
    ['-a', "1:2: expected a digit after '-'"],
    ['1.', '1:3: unexpected end of input'],
    ['1.e3', "1:3: expected a digit after '.'"],
    ['1e+x', '1:4: expected a digit in the exponent'],
    ['1e999', '1:1: number out of range'],
    ['[0, -1e400]', '1:5: number out of range'],
    ['+1', "1:1: unexpected '+'"],
    ['.5', "1:1: unexpected '.'"],
    ['NaN', "1:1: unexpected 'NaN'"],
    ['[Infinity]', "1:2: unexpected 'Infinity'"],
    ['truex', "1:1: unexpected 'truex'"],
    ['tru', "1:1: unexpected 'tru'"],
    ["'a'", `1:1: unexpected "'"`],
    ['\u00a01', '1:1: unexpected "\\u00a0"'],
    ['["\ud83d\ude00", x]', "1:7: unexpected 'x'"],
    ['\ufeff[1,]', "1:4: unexpected ']'"],
    ['{\n  "a": 1,\n  "b" 2\n}', "3:7: expected ':' after object key"],
    ['{"a": 1,\n"b": 2,\n  "b": 3}', "3:3: duplicate key 'b'"],
    ['[\r\n1,\r\n,]', "3:1: unexpected ','"],
  ];
  it.each(rows)('%j', (text, expected) => {
    expect(failure(text)).toBe(expected);
  });

  it('keeps messages on one line of printable ASCII', () => {
    for (const text of ['\u2028', '"\\\n"', '\u0000', '\ud800', `${'z'.repeat(1000)}`, '{"\u2029": 1, "\u2029": 2}']) {
      expect(failure(text)).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(failure('z'.repeat(1000))).toBe(`1:1: unexpected '${'z'.repeat(40)}...'`);
  });
});

describe('parseJson nesting limit', () => {
  it('accepts 256 levels and rejects 257', () => {
    expect(() => parseJson('['.repeat(256) + ']'.repeat(256))).not.toThrow();
    expect(failure('['.repeat(257) + ']'.repeat(257))).toBe('1:257: nesting deeper than 256');
    expect(failure('{"a":'.repeat(300))).toBe('1:1281: nesting deeper than 256');
  });

  it('fails fast on a million open brackets', () => {
    expect(failure('['.repeat(1e6))).toBe('1:257: nesting deeper than 256');
  });

  it('takes a custom limit', () => {
    expect(failure('[[[]]]', { maxDepth: 2 })).toBe('1:3: nesting deeper than 2');
  });

  it('parses deep nesting without recursion when the limit allows it', () => {
    const depth = 100_000;
    let value = parseJson('[{"a":'.repeat(depth) + '0' + '}]'.repeat(depth), { maxDepth: Infinity });
    for (let i = 0; i < depth; i++) value = ((value as JsonValue[])[0] as { [key: string]: JsonValue }).a;
    expect(value).toBe(0);
  });
});
