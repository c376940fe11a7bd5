import type { Node } from '../graph.js';
import { NodeMap } from '../nodes.js';
import { countOps } from '../stats.js';
import { algebra } from './algebra.js';
import { canonicalize } from './canonicalize.js';
import { cleanup } from './cleanup.js';
import { CollectMemo, collectTerms } from './collect.js';
import { rewrite, type Firing } from './engine.js';
import type { Rule } from './pattern.js';
import { stabilize } from './stabilize.js';

export interface SimplifyOptions {
  /** Called for every rewrite on the way to the result, in order (`collect-terms` for canonical sums). */
  readonly explain?: (ruleName: string, before: Node, after: Node) => void;
  /** Rounds of all phases (default 8); rounds stop early at a fixed point. */
  readonly maxIterations?: number;
}

export interface Phase {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Whether the phase ends with the canonical sums pass (collect-terms). */
  readonly collect?: boolean;
}

export const phases: readonly Phase[] = [
  { name: 'canonicalize', rules: canonicalize },
  { name: 'stabilize', rules: stabilize },
  { name: 'simplify', rules: algebra, collect: true },
  { name: 'cleanup', rules: cleanup },
];

/**
 * Rewrite `outputs` into simpler and stabler equivalents (nodes of the same graph, so common
 * subexpressions are shared for free; nodes no output needs are simply left behind). The rules
 * run first on their own, then with canonical sums, which can cost nodes on graphs they cannot
 * shrink, so that result is kept only if it is no larger. Rules do not add nodes, except the
 * stabilizing ones, which trade a node for finiteness.
 *
 * Values are kept for every input, IEEE specials included: each rule is exact (NaN, ±Infinity
 * and −0 as written) or guarded by the classes its operands can take (facts.ts: x·0 → 0 only for
 * a finite x, x − x → 0 never for an input). The stabilizing rules may be finite and right where
 * the written form overflows (log(exp x) → x at 800), never otherwise different. Canonical sums
 * keep NaN and ±Infinity (they never cancel, distribute or merge powers where that would change
 * one) but regroup sums and products: they may round differently, give 0 for −0, and where a
 * regrouped product overflows or underflows and the written one does not (x·y·x at 1e300, 0),
 * differ there.
 */
export function simplify(outputs: readonly Node[], options: SimplifyOptions = {}): Node[] {
  const rounds = options.maxIterations ?? 8;
  const finals = phases.map(() => new NodeMap<Node>());
  const rules = run(outputs, rounds, false, finals);
  const collected = run(rules.outputs, rounds, true, finals);
  const best = same(collected.outputs, rules.outputs) || countOps(collected.outputs) <= countOps(rules.outputs) ? [rules, collected] : [rules];
  for (const { rule, before, after } of best.flatMap((r) => r.log)) options.explain?.(rule, before, after);
  const result = best[best.length - 1].outputs;
  result[0]?.graph.settle(result);
  return result;
}

/** Rounds of every phase until nothing changes; `finals` remembers each phase's normal forms. */
function run(outputs: readonly Node[], rounds: number, collect: boolean, finals: NodeMap<Node>[]): { outputs: Node[]; log: Firing[] } {
  const log: Firing[] = [];
  const memo = new CollectMemo();
  let current = [...outputs];
  for (let round = 0; round < rounds; round++) {
    let next = current;
    for (const [i, phase] of phases.entries()) {
      next = rewrite(next, phase.rules, log, finals[i]);
      next[0]?.graph.settle(next);
      if (!collect || !phase.collect) continue;
      const collected = collectTerms(next, log, memo);
      if (!collected) return { outputs: current, log: [] };
      next = collected;
      next[0]?.graph.settle(next);
    }
    const settled = same(next, current);
    current = next;
    if (settled) break;
  }
  return { outputs: current, log };
}

function same(a: readonly Node[], b: readonly Node[]): boolean {
  return a.every((n, i) => n === b[i]);
}
