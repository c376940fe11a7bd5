import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpression, type BinaryFunction, type Expr, type KwValue } from '../../compiler/spec/expr.js';
import { fuzzOptions, fuzzTimeout, parseBounded } from './settings.js';

/** Operators by precedence level (SPEC §2): comparisons 0, additive 1, multiplicative 2; unary 3, power 4. */
const OPERATORS: Record<BinaryFunction, [string, number]> = {
  less: ['<', 0], less_equal: ['<=', 0], greater: ['>', 0], greater_equal: ['>=', 0], equal: ['==', 0], not_equal: ['!=', 0],
  add: ['+', 1], sub: ['-', 1], mul: ['*', 2], div: ['/', 2], matmul: ['@', 2], pow: ['^', 4],
};
const PRIMARY = 5;

function level(e: Expr): number {
  if (e.kind === 'binary') return OPERATORS[e.op][1];
  return e.kind === 'unary' ? 3 : PRIMARY;
}

/** The text of `e` with only the parentheses the precedence rules need. */
function print(e: Expr): string {
  const wrap = (child: Expr, needs: boolean) => (needs ? `(${print(child)})` : print(child));
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return `-${wrap(e.operand, level(e.operand) < 3)}`;
    case 'call': {
      const kw = e.kwargs.map((k) => `${k.name}=${keyword(k.value)}`);
      return `${e.callee}(${[...e.args.map(print), ...kw].join(', ')})`;
    }
    case 'binary': {
      const [symbol, own] = OPERATORS[e.op];
      if (e.op === 'pow') return `${wrap(e.left, level(e.left) <= own)}${symbol}${wrap(e.right, level(e.right) < 3)}`;
      return `${wrap(e.left, level(e.left) < own)} ${symbol} ${wrap(e.right, level(e.right) <= own)}`;
    }
  }
}

function keyword(value: KwValue): string {
  const number = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  if (Array.isArray(value)) return `[${value.map(number).join(', ')}]`;
  return typeof value === 'number' ? number(value) : String(value);
}

/** The tree without source offsets. */
function strip(e: Expr): unknown {
  const { pos: _, ...rest } = e;
  if (rest.kind === 'unary') return { ...rest, operand: strip(rest.operand) };
  if (rest.kind === 'binary') return { ...rest, left: strip(rest.left), right: strip(rest.right) };
  if (rest.kind === 'call') return { ...rest, args: rest.args.map(strip), kwargs: rest.kwargs.map(({ name, value }) => ({ name, value })) };
  return rest;
}

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
const number = fc.oneof(fc.nat(1000), fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }));
const kwNumber = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
const kwValue: fc.Arbitrary<KwValue> = fc.oneof(kwNumber, fc.boolean(), fc.array(kwNumber, { maxLength: 3 }));
const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number.map((value): Expr => ({ kind: 'number', value, pos: 0 })),
    name.map((n): Expr => ({ kind: 'name', name: n, pos: 0 })),
    tie('expr').map((operand): Expr => ({ kind: 'unary', op: 'neg', operand, pos: 0 })),
    fc
      .tuple(fc.constantFrom(...(Object.keys(OPERATORS) as BinaryFunction[])), tie('expr'), tie('expr'))
      .map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right, pos: 0 })),
    fc
      .tuple(name, fc.array(tie('expr'), { maxLength: 3 }), fc.uniqueArray(fc.record({ name, value: kwValue, pos: fc.constant(0) }), { selector: (k) => k.name, maxLength: 2 }))
      .map(([callee, args, kwargs]): Expr => ({ kind: 'call', callee, args, kwargs, pos: 0 })),
  ),
}));

/** Characters of the language and some that are not, with hostile ones. */
const exprChars = fc.constantFrom(...'xy_f09.eE+-*/^@<>=!(),[] \t\n`$\\\'"{}#;\u2028\u00e9'.split(''), '**', '*/', '${', 'true', '1e999', 'sum(');
const junk = fc.oneof(fc.string({ unit: exprChars, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const repeated = fc.tuple(fc.string({ unit: exprChars, maxLength: 5 }), fc.integer({ min: 1, max: 3000 })).map(([f, k]) => f.repeat(k));
const mutated = fc
  .tuple(expr.map(print), fc.nat(), fc.nat(3), fc.string({ unit: exprChars, maxLength: 2 }))
  .map(([text, at, cut, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + cut));

describe('parseExpression under fuzzing', () => {
  it(
    'reads back every printed tree, precedence and associativity included',
    () => {
      fc.assert(
        fc.property(expr, (tree) => {
          const text = print(tree);
          const parsed = parseBounded(() => parseExpression(text, { maxLength: Infinity, maxDepth: Infinity }));
          expect('value' in parsed && strip(parsed.value)).toEqual(strip(tree));
        }),
        fuzzOptions(2000, 3),
      );
    },
    fuzzTimeout(3),
  );

  it(
    'parses or rejects any text on one line at a column inside it, within the limits',
    () => {
      fc.assert(
        fc.property(fc.oneof(junk, repeated, mutated), (text) => {
          const result = parseBounded(() => parseExpression(text, { maxLength: 20000 }));
          if ('error' in result) {
            const column = Number(/^column (\d+)$/.exec(result.error.place)?.[1]);
            expect(column).toBeGreaterThanOrEqual(1);
            expect(column).toBeLessThanOrEqual(text.length + 1);
          }
        }),
        fuzzOptions(3000, 3),
      );
    },
    fuzzTimeout(3),
  );
});
