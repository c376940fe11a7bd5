import { expect } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import type { DType } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadSpec } from '../../compiler/spec/load.js';
import { loadModuleSource } from '../../runtime/module.js';

/** A spec's inputs: their values, flat, and shapes. */
export type Fed = Record<string, { readonly shape: readonly number[]; readonly data: readonly number[] }>;

/**
 * Each output of a spec, as the interpreter gives it (the graph as written) and as the generated
 * module gives it (simplified), flat.
 */
export async function runSpec(
  nodes: Record<string, string>,
  fed: Fed,
  { dtype = 'float64', consts = {}, declared = {} }: SpecOptions = {},
): Promise<{ interpreted: Record<string, number[]>; generated: Record<string, number[]> }> {
  const inputs = Object.fromEntries(Object.entries(fed).map(([name, t]) => [name, { shape: declared[name] ?? t.shape }]));
  const text = JSON.stringify({ format: 'symgrad/1', dtype, inputs, consts, nodes, outputs: Object.keys(nodes) });
  const Storage = dtype === 'float32' ? Float32Array : Float64Array;
  const feeds: Record<string, Tensor> = Object.fromEntries(Object.entries(fed).map(([name, t]) => [name, { shape: t.shape, data: Storage.from(t.data) }]));
  const spec = loadSpec(text);
  const values = interpret(spec.outputs.map((o) => o.node), feeds);
  const interpreted = Object.fromEntries(spec.outputs.map((o, i) => [o.name, [...values[i].data]]));
  const module = await loadModuleSource(compileSpec(text).source);
  const run = module.run(feeds);
  const generated = Object.fromEntries(Object.keys(nodes).map((name) => [name, [...run[name].data]]));
  return { interpreted, generated };
}

export interface SpecOptions {
  readonly dtype?: DType;
  readonly consts?: Record<string, number | number[]>;
  /** Errors are measured relative to max(floor, |expected|) (default 1). */
  readonly floor?: number;
  /** Declared shapes (named dimensions), where they differ from the fed ones. */
  readonly declared?: Record<string, (number | string)[]>;
}

/** Both ways of running a spec give `expected` for every output (NaN and ±∞ exactly), to a relative tolerance. */
export async function expectSpec(
  nodes: Record<string, string>,
  fed: Fed,
  expected: Record<string, readonly number[]>,
  tolerance: number,
  options: SpecOptions = {},
): Promise<void> {
  const { interpreted, generated } = await runSpec(nodes, fed, options);
  for (const [how, values] of [['interpreter', interpreted], ['generated code', generated]] as const) {
    for (const [name, want] of Object.entries(expected)) {
      const got = values[name];
      expect(got, `${name} (${how})`).toHaveLength(want.length);
      want.forEach((w, i) => {
        const place = `${name}[${i}] (${how}): ${got[i]}, expected ${w}`;
        if (Number.isNaN(w)) expect(got[i], place).toBeNaN();
        else if (!Number.isFinite(w)) expect(got[i], place).toBe(w);
        else expect(Math.abs(got[i] - w), place).toBeLessThanOrEqual(tolerance * Math.max(options.floor ?? 1, Math.abs(w)));
      });
    }
  }
}
