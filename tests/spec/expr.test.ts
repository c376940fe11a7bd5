import { describe, it, expect } from 'vitest';
import { parseExpression, type Expr, type KwValue } from '../../compiler/spec/expr.js';
import { SymgradError } from '../../compiler/errors.js';

/** The AST as function calls: `add(x, mul(2, y))`. */
function show(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return String(expr.value);
    case 'name':
      return expr.name;
    case 'unary':
      return `${expr.op}(${show(expr.operand)})`;
    case 'binary':
      return `${expr.op}(${show(expr.left)}, ${show(expr.right)})`;
    case 'call': {
      const kwargs = expr.kwargs.map((k) => `${k.name}=${showValue(k.value)}`);
      return `${expr.callee}(${[...expr.args.map(show), ...kwargs].join(', ')})`;
    }
  }
}

function showValue(value: KwValue): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

/** `place: message` of the error that parsing `text` throws. */
function failure(text: string, limits?: { maxLength?: number; maxDepth?: number }): string {
  try {
    parseExpression(text, limits);
  } catch (e) {
    if (e instanceof SymgradError) return `${e.place}: ${e.message}`;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseExpression', () => {
  const rows: [string, string][] = [
    // precedence and associativity
    ['x + 2 * y', 'add(x, mul(2, y))'],
    ['a - b - c', 'sub(sub(a, b), c)'],
    ['a / b * c', 'mul(div(a, b), c)'],
    ['a*b@c/d', 'div(matmul(mul(a, b), c), d)'],
    ['a @ b + c', 'add(matmul(a, b), c)'],
    ['(a + b) * c', 'mul(add(a, b), c)'],
    ['a ^ b ^ c', 'pow(a, pow(b, c))'],
    ['a ** b ** c', 'pow(a, pow(b, c))'],
    ['a * b ^ c', 'mul(a, pow(b, c))'],
    ['-x^2', 'neg(pow(x, 2))'],
    ['-x**2', 'neg(pow(x, 2))'],
    ['2^-x', 'pow(2, neg(x))'],
    ['2^-x^2', 'pow(2, neg(pow(x, 2)))'],
    ['(-x)^2', 'pow(neg(x), 2)'],
    ['-a * b', 'mul(neg(a), b)'],
    ['a - -b', 'sub(a, neg(b))'],
    ['--x', 'neg(neg(x))'],
    ['+x', 'x'],
    ['-+x', 'neg(x)'],
    ['a < b < c', 'less(less(a, b), c)'],
    ['a + 1 <= b * 2', 'less_equal(add(a, 1), mul(b, 2))'],
    ['a > b', 'greater(a, b)'],
    ['a >= b', 'greater_equal(a, b)'],
    ['a == b', 'equal(a, b)'],
    ['a != b', 'not_equal(a, b)'],
    ['a == b != c', 'not_equal(equal(a, b), c)'],
    // numbers
    ['1.5', '1.5'],
    ['.5', '0.5'],
    ['1.', '1'],
    ['0', '0'],
    ['1e-3', '0.001'],
    ['1E+3', '1000'],
    ['2.5e2', '250'],
    ['1e-999', '0'],
    // names and whitespace
    ['x2_ + _y', 'add(x2_, _y)'],
    [' a\t+\n b\r\n', 'add(a, b)'],
    // calls and keywords
    ['f()', 'f()'],
    ['sin(x)', 'sin(x)'],
    ['where(x > 0, sqrt(x), 0)', 'where(greater(x, 0), sqrt(x), 0)'],
    ['grad(grad(y, x2), x1)', 'grad(grad(y, x2), x1)'],
    ['sum(x * y, axis=-1, keepdims=true)', 'sum(mul(x, y), axis=-1, keepdims=true)'],
    ['mean(x, keepdims = false, axis = 0.5)', 'mean(x, keepdims=false, axis=0.5)'],
    ['reshape(x, shape=[2, -3, 1e1])', 'reshape(x, shape=[2, -3, 10])'],
    ['zeros(shape=[])', 'zeros(shape=[])'],
    ['f(a == b)', 'f(equal(a, b))'],
    ['f(true, false)', 'f(true, false)'],
  ];
  it.each(rows)('%j is %s', (text, expected) => {
    expect(show(parseExpression(text))).toBe(expected);
  });

  it('records token offsets', () => {
    expect(parseExpression('x + 2*y')).toEqual({
      kind: 'binary',
      op: 'add',
      pos: 2,
      left: { kind: 'name', name: 'x', pos: 0 },
      right: {
        kind: 'binary',
        op: 'mul',
        pos: 5,
        left: { kind: 'number', value: 2, pos: 4 },
        right: { kind: 'name', name: 'y', pos: 6 },
      },
    });
    expect(parseExpression(' -(x)^2')).toEqual({
      kind: 'unary',
      op: 'neg',
      pos: 1,
      operand: {
        kind: 'binary',
        op: 'pow',
        pos: 5,
        left: { kind: 'name', name: 'x', pos: 3 },
        right: { kind: 'number', value: 2, pos: 6 },
      },
    });
    expect(parseExpression('sum(x, axis=[0, -1], keepdims=true)')).toEqual({
      kind: 'call',
      callee: 'sum',
      pos: 0,
      args: [{ kind: 'name', name: 'x', pos: 4 }],
      kwargs: [
        { name: 'axis', value: [0, -1], pos: 7 },
        { name: 'keepdims', value: true, pos: 21 },
      ],
    });
  });
});

describe('parseExpression errors', () => {
  const rows: [string, string][] = [
    ['', 'column 1: unexpected end of expression'],
    ['x +', 'column 4: unexpected end of expression'],
    ['x ^', 'column 4: unexpected end of expression'],
    ['x + )', "column 5: unexpected ')'"],
    [') $', "column 1: unexpected ')'"],
    ['x y', "column 3: unexpected 'y'"],
    ['x = 1', "column 3: unexpected '='"],
    ['(f)(x)', "column 4: unexpected '('"],
    ['2(x)', "column 2: unexpected '('"],
    ['(x + 1', "column 7: expected ')' to close '(' at column 1"],
    ['((x + 1) * 2', "column 13: expected ')' to close '(' at column 1"],
    ['f(x, 1', "column 7: expected ',' or ')' to close '(' at column 2"],
    ['f(x y)', "column 5: expected ',' or ')' to close '(' at column 2"],
    ['f(,)', "column 3: unexpected ','"],
    ['f(a,)', "column 5: unexpected ')'"],
    ['f(axis=1, x)', 'column 11: positional argument after keyword argument'],
    ['f(x, axis=1, axis=2)', "column 14: repeated keyword 'axis'"],
    ['f(x, axis=y)', "column 11: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=)', "column 11: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=--1)', "column 12: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=+1)', "column 11: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=[1, y])', "column 15: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=[1, true])', "column 15: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=[1,])', "column 14: expected a number, true/false or a list of numbers for keyword 'axis'"],
    ['f(x, axis=[1, 2)', "column 16: expected ',' or ']' to close '[' at column 11"],
    ['f(x, axis=1+1)', "column 12: expected ',' or ')' to close '(' at column 2"],
    ['f(x, a=[[1]])', "column 9: expected a number, true/false or a list of numbers for keyword 'a'"],
    ['x $ y', "column 3: unknown character '$'"],
    ['a`b', "column 2: unknown character '`'"],
    ["a'b", `column 2: unknown character "'"`],
    ['a"b', `column 2: unknown character '"'`],
    ['a ! b', "column 3: unknown character '!'"],
    ['x.y', "column 2: unknown character '.'"],
    ['x\u2028+ y', 'column 2: unknown character "\\u2028"'],
    ['x\u2029', 'column 2: unknown character "\\u2029"'],
    ['x\v', 'column 2: unknown character "\\u000b"'],
    ['x + \ud83d\ude00', 'column 5: unknown character "\\ud83d\\ude00"'],
    ['\u00e9', 'column 1: unknown character "\\u00e9"'],
    ['1e', "column 1: invalid number '1e'"],
    ['x * 1.2.3', "column 5: invalid number '1.2.3'"],
    ['01', "column 1: invalid number '01'"],
    ['3x', "column 1: invalid number '3x'"],
    ['0x10', "column 1: invalid number '0x10'"],
    ['1_000', "column 1: invalid number '1_000'"],
    ['1e999', "column 1: number out of range '1e999'"],
    [`x y${'z'.repeat(100)}`, `column 3: unexpected 'y${'z'.repeat(39)}...'`],
  ];
  it.each(rows)('%j', (text, expected) => {
    expect(failure(text)).toBe(expected);
  });

  it('keeps messages on one line of printable ASCII', () => {
    for (const text of ['\n\u2028', 'a\u0000', '\ud800', '"', "f(x, a=\u2029)", `f(${'\u00e9'.repeat(50)}=1)`]) {
      expect(failure(text)).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('parseExpression limits', () => {
  const nest = (n: number) => '('.repeat(n) + 'x' + ')'.repeat(n);

  it('limits the length', () => {
    expect(() => parseExpression('x'.repeat(10000))).not.toThrow();
    expect(failure('x'.repeat(10001))).toBe('column 1: expression longer than 10000 characters');
    expect(failure('x + y', { maxLength: 3 })).toBe('column 1: expression longer than 3 characters');
  });

  const deep: [string, string, string][] = [
    ['parentheses', nest(200), nest(201)],
    ['unary minus', '-'.repeat(200) + 'x', '-'.repeat(201) + 'x'],
    ['unary plus', '+'.repeat(200) + 'x', '+'.repeat(201) + 'x'],
    ['powers', '2^'.repeat(200) + '2', '2^'.repeat(201) + '2'],
    ['calls', 'f('.repeat(200) + ')'.repeat(200), 'f('.repeat(201) + ')'.repeat(201)],
    ['binary chains', 'x' + '+x'.repeat(200), 'x' + '+x'.repeat(201)],
    ['chains in parentheses', nest(100) + '*x'.repeat(100), nest(100) + '*x'.repeat(101)],
    ['chains of nests', `${nest(199)} + x`, `${nest(200)} + x`],
  ];
  it.each(deep)('allows 200 levels of %s and rejects 201', (_, ok, tooDeep) => {
    expect(() => parseExpression(ok)).not.toThrow();
    expect(failure(tooDeep)).toMatch(/^column \d+: expression nested deeper than 200$/);
  });

  it('reports the construct that goes too deep', () => {
    expect(failure(nest(201))).toBe('column 201: expression nested deeper than 200');
    expect(failure('-'.repeat(201) + 'x')).toBe('column 201: expression nested deeper than 200');
    expect(failure('x' + '+x'.repeat(201))).toBe('column 402: expression nested deeper than 200');
    expect(failure('((x))', { maxDepth: 1 })).toBe('column 2: expression nested deeper than 1');
  });

  it('never overflows the stack on 100k openers', () => {
    const noLength = { maxLength: Infinity };
    for (const opener of ['(', '-', '+', 'f(', '2^', '2**', '-(']) {
      expect(failure(opener.repeat(100_000), noLength)).toMatch(/nested deeper than 200$/);
    }
  });
});
