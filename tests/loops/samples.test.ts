import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDerivatives, interpret, loadSpec, type Tensor } from '../../compiler/index.js';
import { compileModule, createSession } from '../../runtime/compile.js';

const read = (name: string) => readFileSync(name, 'utf8');
const data = () => JSON.parse(read('samples/data/rnn-sine.json')) as Record<string, number[][] | number[][][]>;

/** A nested array as a tensor. */
function tensor(value: unknown): Tensor {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return { shape, data: Float64Array.from([value].flat(Infinity) as number[]) };
}

describe('samples/rnn.graph.json: the lecture RNN cell over a named T, trained by BPTT', () => {
  it('generated code agrees with the interpreter on the sine data (loss and BPTT gradients)', async () => {
    const text = read('samples/rnn.graph.json');
    const module = await compileModule(text);
    const feeds = Object.fromEntries(Object.entries(data()).map(([k, v]) => [k, tensor(v)]));
    const out = module.run(feeds);
    const spec = loadSpec(text);
    const reference = interpret(spec.outputs.map((o) => o.node), feeds);
    spec.outputs.forEach((o, i) => {
      const want = reference[i].data;
      out[o.name].data.forEach((v, j) => expect(Math.abs(v - want[j])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[j]))));
    });
  });

  it('trains: Adam on mini-batches of 16 sequences brings the next-value loss under a tenth of where it starts', async () => {
    const session = await createSession(read('samples/rnn.graph.json'), { loss: 'loss', optimizer: 'adam', lr: 0.01 });
    const result = session.fit(data(), { epochs: 60, batch: 16 });
    expect(result.losses[result.losses.length - 1]).toBeLessThan(0.1 * result.losses[0]);
    expect(result.losses[result.losses.length - 1]).toBeLessThan(0.05);
  });
});

describe('samples/hypergradient.graph.json: gradient descent unrolled by iterate, differentiated in its learning rate', () => {
  it('the validation loss derivatives (orders 1 and 2 in lr, and in w0) match central differences at the spec values', async () => {
    const text = read('samples/hypergradient.graph.json');
    const module = await compileModule(text);
    const at = (lr: number) => module.run({ lr }).val_loss.data[0];
    const out = module.run({});
    const h = 1e-5;
    const d1 = (at(0.05 + h) - at(0.05 - h)) / (2 * h);
    const d2 = (at(0.05 + h) - 2 * at(0.05) + at(0.05 - h)) / (h * h);
    expect(Math.abs(out.dval_dlr.data[0] - d1)).toBeLessThan(1e-6 * Math.abs(d1));
    expect(Math.abs(out.d2val_dlr2.data[0] - d2)).toBeLessThan(1e-3 * Math.abs(d2));
    expect(checkDerivatives(loadSpec(text), { lr: tensor(0.05), w0: tensor([0, 0]) }).rows.every((r) => r.ok)).toBe(true);
  });
});
