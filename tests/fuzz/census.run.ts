/**
 * The census of the derivative fuzzer (issue 13), outside `npm test`: `npm run fuzz:census` runs
 * SYMGRAD_FUZZ_CENSUS cases (SYMGRAD_FUZZ_SEED picks another seed) without stopping at the first
 * failure and prints how many fail, by class, with the smallest spec of each class.
 */
import * as fc from 'fast-check';
import { expect, it } from 'vitest';
import { CLASSES, classify, LOSS_PAIRS, LOSSES, lossError, type Class } from './census.js';
import { graphCase } from './graphs.js';
import { checkCase, tally } from './oracle.js';

it('counts the failing cases of the derivative fuzzer by class', async () => {
  const runs = Number(process.env.SYMGRAD_FUZZ_CENSUS) || 1000;
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
  const accepted = LOSS_PAIRS.flatMap(([a, b]) => LOSSES.filter((loss) => lossError(loss, a, b) === undefined).map((loss) => `${loss}(${JSON.stringify(a)}, ${JSON.stringify(b)})`));
  lines.push(`  loss broadcast: ${accepted.length} of ${LOSS_PAIRS.length * LOSSES.length} mismatched losses accepted${accepted.length > 0 ? `, e.g. ${accepted[0]}` : ''}`);
  for (const [k, n] of counts) lines.push(`  ${k}: ${n}`);
  for (const [k, text] of smallest) lines.push(`\n[${k}]\n${text}`);
  console.log(lines.join('\n'));
  expect(tally.checked - before.checked).toBeGreaterThan(0);
}, 3_600_000);
