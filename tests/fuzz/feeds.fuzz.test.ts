import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { loadModuleSource, type CompiledModule } from '../../runtime/module.js';
import { fuzzOptions, fuzzTimeout } from './settings.js';

/** Modules with named dimensions, scalars and params: every way a feed is read. */
const specs = [
  { inputs: { x: { shape: ['N', 'K'] } }, nodes: { y: 'exp(sum(x, axis=1))' }, outputs: ['y'] },
  { inputs: { x: { shape: ['N', 3] }, s: { shape: [] } }, params: { w: { shape: [3], init: 'ones' } }, nodes: { y: 'sum((x @ w) * s)', g: 'grad(y, w)' }, outputs: ['y', 'g'] },
  { inputs: { a: { shape: [2, 2] }, b: { shape: [] } }, nodes: { y: 'sum(a) * b', g: 'grad(y, b)' }, outputs: ['y', 'g'] },
];

/** Values a hostile caller may pass where a size, a datum or a feed is expected. */
const junk = fc.oneof(
  fc.constantFrom(null, undefined, '1', 'x', true, {}, [], [[]], NaN, Infinity, -Infinity, -1, 0.5, 1e300, -0, 2 ** 31, 2 ** 53),
  fc.integer({ min: -3, max: 5 }),
  fc.double(),
);
const size = fc.oneof(fc.integer({ min: 0, max: 4 }), junk);
const data = fc.oneof(fc.array(fc.oneof(fc.double(), junk), { maxLength: 12 }), junk, fc.float64Array({ maxLength: 12 }));
/** A { data, shape } whose data has as many entries as the shape's product says, when that is a small number. */
const filled = fc.array(size, { maxLength: 3 }).chain((shape) => {
  const product = shape.reduce<number>((n, d) => n * (typeof d === 'number' ? d : 1), 1);
  const length = Number.isFinite(product) && product >= 0 && product <= 12 ? Math.floor(product) : 0;
  return fc.record({ data: fc.oneof(fc.array(fc.double(), { minLength: length, maxLength: length }), data), shape: fc.constant(shape) });
});
const feed = fc.oneof(
  filled,
  fc.record({ data, shape: fc.oneof(fc.array(size, { maxLength: 3 }), junk) }),
  data,
  fc.array(fc.array(fc.oneof(fc.double(), junk), { maxLength: 3 }), { maxLength: 3 }),
);

describe('generated modules take hostile feeds', () => {
  it('a run either succeeds or throws a RangeError or TypeError naming the feeds, and the kernel keeps working', async () => {
    const modules: CompiledModule[] = await Promise.all(specs.map(async (spec) => loadModuleSource(compileSpec(JSON.stringify({ format: 'symgrad/1', ...spec })).source)));
    const kernels = modules.map((m) => m.createKernel({ maxElements: 10_000 }));
    const names = ['x', 's', 'w', 'a', 'b', 'other'];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: specs.length - 1 }), fc.dictionary(fc.constantFrom(...names), feed, { maxKeys: 4 }), async (k, feeds) => {
        try {
          kernels[k].run(feeds as never);
          // Accepted: every { data, shape } the module reads had whole sizes ≥ 0 that its data fills.
          const read = [...modules[k].signature.inputs, ...modules[k].signature.params].map((l) => l.name);
          for (const [name, value] of Object.entries(feeds)) {
            if (!read.includes(name) || value === null || typeof value !== 'object' || !('shape' in value)) continue;
            const { data: values, shape } = value as { data: { length: number }; shape: unknown[] };
            expect(shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0), `feeds.${name}.shape ${JSON.stringify(shape)}`).toBe(true);
            expect(values.length, `feeds.${name}.data`).toBe(shape.reduce<number>((n, d) => n * (d as number), 1));
          }
        } catch (error) {
          expect(error instanceof RangeError || error instanceof TypeError, String(error)).toBe(true);
          expect((error as Error).message).toMatch(/^(feeds(\.\w+)?: |run\(feeds\) takes)/);
        }
        // The kernel still computes right after whatever came before.
        const good = [{ x: { data: [1, 2, 3, 4], shape: [2, 2] } }, { x: [[1, 2, 3]], s: 2 }, { a: [[1, 2], [3, 4]], b: 3 }][k];
        const again = kernels[k].run(good as never);
        const fresh = modules[k].run(good as never);
        for (const name of Object.keys(fresh)) expect(Array.from(again[name].data)).toEqual(Array.from(fresh[name].data));
      }),
      fuzzOptions(300, 10),
    );
  }, fuzzTimeout(10));
});
