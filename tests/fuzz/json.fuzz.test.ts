import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson, type JsonValue } from '../../compiler/spec/json.js';
import { fuzzOptions, fuzzTimeout, parseBounded } from './settings.js';

/** What JSON.parse accepts and parseJson rejects on purpose. */
const STRICTER = /^(duplicate key .*|number out of range|nesting deeper than 256)$/;

/** Text near JSON: valid documents, then a few characters inserted, deleted or replaced. */
const jsonChars = fc.constantFrom(...'{}[]:,"\\ \n\t-+.eE0123456789tfnulrsa/u\u2028\ud800\u0000'.split(''));
const mutated = fc
  .tuple(fc.json({ maxDepth: 4 }), fc.array(fc.tuple(fc.nat(), fc.nat(2), fc.string({ unit: jsonChars, maxLength: 3 })), { maxLength: 4 }))
  .map(([text, edits]) => edits.reduce((t, [at, cut, insert]) => t.slice(0, at % (t.length + 1)) + insert + t.slice((at % (t.length + 1)) + cut), text));
/** A fragment repeated up to 20000 times: work that grows faster than the text shows up as time. */
const repeated = fc.tuple(fc.string({ unit: jsonChars, maxLength: 6 }), fc.integer({ min: 1, max: 20000 })).map(([f, k]) => `[${f.repeat(k)}]`);
const anyText = fc.oneof(mutated, fc.string({ unit: jsonChars, maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), repeated);

/** Deep equality that tells -0 from 0 and ignores prototypes. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  const at = (o: object, k: string) => (o as Record<string, unknown>)[k];
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(at(a, k), at(b, k)));
}

/** The prototype of every object and array in a value. */
function prototypes(value: JsonValue): unknown[] {
  if (typeof value !== 'object' || value === null) return [];
  return [Object.getPrototypeOf(value), ...Object.values(value).flatMap(prototypes)];
}

describe('parseJson under fuzzing', () => {
  it(
    'agrees with JSON.parse, or rejects on one line at a line:column inside the text',
    () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const result = parseBounded(() => parseJson(text));
          let reference: { value: unknown } | undefined;
          try {
            reference = { value: JSON.parse(text.replace(/^\ufeff/, '')) };
          } catch {
            reference = undefined;
          }
          if ('value' in result) {
            expect(reference).toBeDefined();
            expect(same(result.value, reference!.value)).toBe(true);
            return;
          }
          const [line, column] = result.error.place.split(':').map(Number);
          const lines = text.split('\n');
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lines.length);
          expect(column).toBeGreaterThanOrEqual(1);
          expect(column).toBeLessThanOrEqual([...lines[line - 1]].length + 1);
          if (reference) expect(result.error.message).toMatch(STRICTER);
        }),
        fuzzOptions(3000, 4),
      );
    },
    fuzzTimeout(4),
  );

  it(
    'round-trips every JSON value, with null-prototype objects',
    () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
          const parsed = parseJson(JSON.stringify(value));
          expect(same(parsed, JSON.parse(JSON.stringify(value)))).toBe(true);
          expect(prototypes(parsed).every((p) => p === null || p === Array.prototype)).toBe(true);
        }),
        fuzzOptions(1000, 2),
      );
    },
    fuzzTimeout(2),
  );
});
