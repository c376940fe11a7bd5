import { expect } from 'vitest';
import { emitModule } from '../../compiler/codegen/emit.js';
import { programFromGraph } from '../../compiler/codegen/program.js';
import type { Node } from '../../compiler/graph.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource, type CompiledModule } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';

/** Compile named outputs of a graph built in code; returns the module and its source. */
export async function compileOutputs(outputs: Record<string, Node>): Promise<{ module: CompiledModule; source: string }> {
  const graph = Object.values(outputs)[0].graph;
  const source = emitModule(programFromGraph(graph, outputs), 'js');
  return { module: await loadModuleSource(source), source };
}

/** Random feeds in [lo, hi] for every input of the graph, with named dims bound from `dims`. */
export function randomFeeds(outputs: Record<string, Node>, dims: Record<string, number> = {}, seed = 1, range: [number, number] = [-2, 2]): Record<string, Tensor> {
  const graph = Object.values(outputs)[0].graph;
  const random = seededRandom(seed);
  const feeds: Record<string, Tensor> = {};
  for (const leaf of graph.leaves('input')) {
    const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : dims[d]));
    const data = uniformArray(random, shape.reduce((a, b) => a * b, 1), range);
    feeds[leaf.attrs.name as string] = { shape, data: graph.dtype === 'float32' ? Float32Array.from(data) : data };
  }
  return feeds;
}

/** Generated code and the interpreter agree on every output (relative tolerance, per dtype by default). */
export function expectAgreement(module: CompiledModule, outputs: Record<string, Node>, feeds: Record<string, Tensor>, tolerance?: number): void {
  const names = Object.keys(outputs);
  const reference = interpret(Object.values(outputs), feeds);
  const generated = module.createKernel().run(feeds);
  const tol = tolerance ?? (Object.values(outputs)[0].graph.dtype === 'float32' ? 1e-5 : 1e-12);
  names.forEach((name, i) => {
    expect(generated[name].shape, name).toEqual(reference[i].shape);
    const got = generated[name].data;
    expect(got.length, name).toBe(reference[i].data.length);
    reference[i].data.forEach((v, j) => {
      const error = Math.abs(got[j] - v) / Math.max(1, Math.abs(v));
      if (!(error <= tol)) expect.fail(`${name}[${j}]: generated ${got[j]}, interpreter ${v}`);
    });
  });
}
