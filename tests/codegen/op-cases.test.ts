import { describe, expect, it } from 'vitest';
import { gradients } from '../../compiler/autodiff/grad.js';
import { emitModule } from '../../compiler/codegen/emit.js';
import { programFromGraph } from '../../compiler/codegen/program.js';
import { interpret } from '../../compiler/interpret.js';
import { mul, sum } from '../../compiler/ops/index.js';
import { sizeOf } from '../../compiler/shape.js';
import { loadModuleSource } from '../../runtime/module.js';
import { buildCase } from '../support/derivatives.js';
import { opCases } from '../support/op-cases.js';
import { seededRandom, uniformArray } from '../support/random.js';

// Every row of the op table, compiled: the value and its first and second derivatives from
// generated code agree with the interpreter on the same graph, to 1e-12 in float64 (and to
// float32 rounding in float32, where fused loops keep intermediates in double precision).
const tolerance = { float64: 1e-12, float32: 1e-5 } as const;

describe.each(opCases.flatMap((c) => (['float64', 'float32'] as const).map((dtype) => ({ ...c, dtype }))))('$name $shapes $dtype', (c) => {
  it('generated code agrees with the interpreter on y, its gradient and second derivative', async () => {
    const { graph, xs, y, feeds } = buildCase(c, 5, c.dtype);
    const u = graph.input('u', y.shape);
    feeds.u = { shape: y.shape as number[], data: uniformArray(seededRandom(11), sizeOf(y.shape), [-1, 1]) };
    const wrt = xs.filter((_, i) => !c.constantInputs?.includes(i));
    const firsts = gradients(sum(mul(u, y)), wrt);
    const seconds = gradients(firsts.map((g) => sum(g)).reduce((a, b) => a.graph.apply('add', [a, b])), wrt);
    const outputs = Object.fromEntries([y, ...firsts, ...seconds].map((n, i) => [`out${i}`, n]));
    const module = await loadModuleSource(emitModule(programFromGraph(graph, outputs), 'js'));
    const generated = module.run(feeds);
    const reference = interpret(Object.values(outputs), feeds);
    Object.keys(outputs).forEach((name, i) => {
      expect(generated[name].shape).toEqual(reference[i].shape);
      reference[i].data.forEach((v, j) => expect(Math.abs(generated[name].data[j] - v)).toBeLessThanOrEqual(tolerance[c.dtype] * Math.max(1, Math.abs(v))));
    });
  });
});
