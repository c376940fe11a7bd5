import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { SymgradError } from '../../compiler/errors.js';
import { specFunctions } from '../../compiler/spec/functions.js';
import { CLASSES, classify, type Class } from './census.js';
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

const LOSSES = ['mse', 'bce_with_logits', 'softmax_cross_entropy'];
/** Operand shapes that broadcast together but differ. */
const LOSS_PAIRS: [number[], number[]][] = [[[2, 1], [2]], [[2], [2, 1]], [[3], []], [[2, 3], [3]], [[2, 3], [2, 1]], [[1, 3], [2, 3]]];

function lossError(loss: string, a: number[], b: number[]): unknown {
  const spec = { format: 'symgrad/1', inputs: { a: { shape: a }, b: { shape: b } }, nodes: { l: `${loss}(a, b)` }, outputs: ['l'] };
  try {
    compileSpec(JSON.stringify(spec));
  } catch (e) {
    return e;
  }
  return undefined;
}
const lossAccepted = (loss: string, a: number[], b: number[]) => lossError(loss, a, b) === undefined;

describe('derivatives against central differences (issue 13)', () => {
  it('the generator calls every spec function', () => {
    const used = new Set<string>();
    for (const c of fc.sample(graphCase, { seed: 1, numRuns: 300 })) {
      for (const text of [...Object.values(c.spec.nodes), ...c.derivatives.map((d) => d.y)]) {
        for (const m of text.matchAll(/([a-z_0-9]+)\(/g)) used.add(m[1]);
        for (const op of text.matchAll(/ (\+|-|\*|\/|\^|@|<=?|>=?|==|!=) /g)) used.add(OPERATORS[op[1] === '-' ? ' - ' : op[1]]);
      }
    }
    expect([...specFunctions.keys()].filter((f) => !used.has(f))).toEqual([]);
  });

  const properties: [string, Check[]][] = [
    ['every derivative node (any order, with respect to inputs, params, consts and named nodes) agrees with central differences of the unsimplified interpreter; every spec loads', ['load', 'derivative']],
    ['simplified graphs give the values of unsimplified ones, NaN and infinities included (an overflow may become finite)', ['simplify']],
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

/**
 * SYMGRAD_FUZZ_CENSUS=n runs n cases without stopping at the first failure and prints how many
 * fail, by class (issue 13), with the smallest spec of each class.
 */
describe.runIf(Number(process.env.SYMGRAD_FUZZ_CENSUS) > 0)('census', () => {
  it('counts the failing cases by class', async () => {
    const runs = Number(process.env.SYMGRAD_FUZZ_CENSUS);
    const counts = new Map<Class, number>(CLASSES.map((k) => [k, 0]));
    /** The shortest failing spec of each class and check (a where-mask is a refusal or a wrong value). */
    const smallest = new Map<string, string>();
    let failing = 0;
    const before = { ...tally };
    for (const c of fc.sample(graphCase, { seed: Number(process.env.SYMGRAD_FUZZ_SEED) || 20261122, numRuns: runs })) {
      const failures = await checkCase(c);
      if (failures.length === 0) continue;
      failing++;
      const classes = new Map<Class, (typeof failures)[number]>();
      for (const f of failures) {
        const k = classify(c, f);
        if (!classes.has(k)) classes.set(k, f);
      }
      for (const [k, f] of classes) {
        counts.set(k, counts.get(k)! + 1);
        const text = `${f.detail}\n${JSON.stringify({ ...c.spec, outputs: undefined })}\nfeeds: ${JSON.stringify(c.feeds)}`;
        const key = `${k}, ${f.check}`;
        if (!smallest.has(key) || text.length < smallest.get(key)!.length) smallest.set(key, text);
      }
    }
    const lines = [`${failing} of ${runs} cases fail; derivative nodes decided ${tally.checked - before.checked}, undecided ${tally.undecided - before.undecided}`];
    const accepted = LOSS_PAIRS.flatMap(([a, b]) => LOSSES.filter((loss) => lossAccepted(loss, a, b)).map((loss) => `${loss}(${JSON.stringify(a)}, ${JSON.stringify(b)})`));
    lines.push(`  loss broadcast: ${accepted.length} of ${LOSS_PAIRS.length * LOSSES.length} mismatched losses accepted, e.g. ${accepted[0]}`);
    for (const [k, n] of counts) lines.push(`  ${k}: ${n}`);
    for (const [k, text] of smallest) lines.push(`\n[${k}]\n${text}`);
    console.log(lines.join('\n'));
    expect(tally.checked - before.checked).toBeGreaterThan(0);
  }, 3_600_000);
});
