import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SymgradError } from '../../compiler/errors.js';
import { specFunctions } from '../../compiler/spec/functions.js';
import { LOSS_PAIRS, LOSSES, lossError } from './census.js';
import { graphCase, type GraphCase } from './graphs.js';
import { checkCase, tally, type Check } from './oracle.js';
import { fuzzOptions, fuzzTimeout } from './settings.js';

/** The spec as JSON, one line per section and per node, to save as a file and run with `symgrad eval`. */
function showSpec(spec: GraphCase['spec']): string {
  const nodes = Object.entries(spec.nodes).map(([n, t]) => `    ${JSON.stringify(n)}: ${JSON.stringify(t)}`);
  const sections = Object.entries(spec).map(([k, v]) => `  ${JSON.stringify(k)}: ${k === 'nodes' ? `{\n${nodes.join(',\n')}\n  }` : JSON.stringify(v)}`);
  return `{\n${sections.join(',\n')}\n}`;
}

/** The case as a human reads it: what disagreed, the spec, the feeds. */
function report(c: GraphCase, failures: readonly { detail: string }[]): string {
  return [
    ...failures.map((f) => f.detail),
    `spec: ${showSpec(c.spec)}`,
    `feeds: ${JSON.stringify(c.feeds)}`,
    `special feeds: ${JSON.stringify(c.special, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`,
    `large feeds: ${JSON.stringify(c.large)}`,
  ].join('\n');
}

const OPERATORS: Record<string, string> = {
  '+': 'add', ' - ': 'sub', '*': 'mul', '/': 'div', '^': 'pow', '@': 'matmul',
  '<': 'less', '<=': 'less_equal', '>': 'greater', '>=': 'greater_equal', '==': 'equal', '!=': 'not_equal',
};

describe('derivatives against central differences (issue 13)', () => {
  it('the generator calls every spec function', () => {
    const used = new Set<string>();
    for (const c of fc.sample(graphCase, { seed: 1, numRuns: 500 })) {
      for (const text of [...Object.values(c.spec.nodes), ...c.derivatives.map((d) => d.y)]) {
        for (const m of text.matchAll(/([a-z_0-9]+)\(/g)) used.add(m[1]);
        for (const op of text.matchAll(/ (\+|-|\*|\/|\^|@|<=?|>=?|==|!=) /g)) used.add(OPERATORS[op[1] === '-' ? ' - ' : op[1]]);
      }
    }
    expect([...specFunctions.keys()].filter((f) => !used.has(f))).toEqual([]);
  });

  const properties: [string, Check[]][] = [
    ['every derivative node (any order, with respect to inputs, params, consts and named nodes) agrees with central differences of the unsimplified interpreter; every spec loads', ['load', 'derivative']],
    ['simplified graphs give the values of unsimplified ones, NaN and infinities included (an overflow may become finite; an entry that rounding decides is not judged)', ['simplify']],
    ['generated code gives the values of the interpreter', ['codegen']],
    ['softmax, log_softmax, logsumexp and softmax_cross_entropy stay accurate at inputs near 1e3, 1e12 and 1e16', ['accuracy']],
  ];
  for (const [name, checks] of properties) {
    it(
      `random graphs: ${name}`,
      async () => {
        const before = { ...tally };
        await fc.assert(
          fc.asyncProperty(graphCase, async (c) => {
            const failures = await checkCase(c, checks);
            if (failures.length > 0) expect.fail(report(c, failures));
          }),
          fuzzOptions(150, 6),
        );
        // Not vacuous: most derivative nodes are decided by the differences.
        const [checked, undecided] = [tally.checked - before.checked, tally.undecided - before.undecided];
        if (checks.includes('derivative')) expect(checked).toBeGreaterThan(4 * undecided);
      },
      fuzzTimeout(6),
    );
  }

  it('losses refuse operands of different shapes, naming both', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LOSSES), fc.constantFrom(...LOSS_PAIRS), (loss, [a, b]) => {
        const error = lossError(loss, a, b);
        expect(error, `${loss}(${JSON.stringify(a)}, ${JSON.stringify(b)}) was accepted`).toBeInstanceOf(SymgradError);
        expect((error as Error).message).toContain(`[${a.join(', ')}]`);
        expect((error as Error).message).toContain(`[${b.join(', ')}]`);
      }),
      { seed: 1, numRuns: 40 },
    );
  });
});
