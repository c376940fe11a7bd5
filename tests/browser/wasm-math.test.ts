import { expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom } from '../support/random.js';
import { REPORT_FAILURES, servedBrowser } from './chromium.js';

// Chromium's V8 is newer than Node's: its Math.exp, log, expm1, log1p, tanh, sinh and cosh must still be the
// fdlibm ones that wasm/math.ts computes, so that loops with them (and sigmoid) give the js target's bits there too.
const spec = (dtype: string) => JSON.stringify({
  format: 'symgrad/1',
  name: `browser_math_${dtype}`,
  dtype,
  inputs: { x: { shape: [256, 256] }, a: { shape: [32, 32] } },
  nodes: { e: 'exp(x)', l: 'log(x)', s: 'sigmoid(x)', m: 'expm1(x)', lp: 'log1p(x)', t: 'tanh(x)', sh: 'sinh(x)', ch: 'cosh(x)', p: 'a @ a' },
  outputs: ['e', 'l', 's', 'm', 'lp', 't', 'sh', 'ch', 'p'],
});
const dtypes = ['float64', 'float32'] as const;
const sources = Object.fromEntries(dtypes.flatMap((d) => [[`/${d}-wasm.js`, compileSpec(spec(d)).source], [`/${d}-js.js`, compileSpec(spec(d), { target: 'js' }).source]]));
// Random bit patterns, and values over [−800, 800] and around 1.
const random = seededRandom(5);
const words = Uint32Array.from({ length: 2 * 65536 }, () => Math.floor(random() * 2 ** 32));
const x = Float64Array.from(new Float64Array(words.buffer), (v, i) => (i % 3 === 0 ? v : i % 3 === 1 ? 1600 * random() - 800 : 1 + (random() - 0.5) / 64));

const page = (dtype: string) => `<!doctype html>
${REPORT_FAILURES}
<script type="module">
import * as wasm from '/${dtype}-wasm.js';
import * as js from '/${dtype}-js.js';
const words = Uint32Array.from(${JSON.stringify(Array.from(new Uint32Array(x.buffer)))});
const feeds = { x: { data: new Float64Array(words.buffer), shape: [256, 256] }, a: { data: new Float64Array(1024), shape: [32, 32] } };
const j = js.createKernel().run(feeds);
// The JS loops call these: while the WebAssembly ones run, they throw.
const saved = { exp: Math.exp, log: Math.log, expm1: Math.expm1, log1p: Math.log1p, tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh };
for (const f of Object.keys(saved)) Math[f] = () => { throw new Error('a JS loop ran'); };
const w = wasm.createKernel().run(feeds);
Object.assign(Math, saved);
const bits = (t) => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4));
window.result = Object.fromEntries(['e', 'l', 's', 'm', 'lp', 't', 'sh', 'ch'].map((k) => [k, { wasm: bits(w[k]), js: bits(j[k]) }]));
</script>`;

const browser = servedBrowser((path) => {
  if (path in sources) return { type: 'text/javascript', body: sources[path]! };
  if (path === '/float64' || path === '/float32') return { type: 'text/html', body: page(path.slice(1)) };
  return undefined;
});

it.each(dtypes)('exp, log, sigmoid, expm1, log1p, tanh, sinh and cosh loops in WebAssembly give the js target\'s bits in Chromium, and Node\'s (%s)', async (dtype) => {
  const inBrowser = (await browser.open(`/${dtype}`)) as Record<string, { wasm: number[]; js: number[] }>;
  const inNode = (await loadModuleSource(sources[`/${dtype}-wasm.js`]!)).run({ x: { data: x, shape: [256, 256] }, a: { data: new Float64Array(1024), shape: [32, 32] } });
  for (const k of ['e', 'l', 's', 'm', 'lp', 't', 'sh', 'ch']) {
    const node = Array.from(new Uint32Array(inNode[k]!.data.buffer, inNode[k]!.data.byteOffset, inNode[k]!.data.byteLength / 4));
    const mismatch = (a: number[], b: number[]) => a.findIndex((v, i) => v !== b[i]);
    expect(inBrowser[k]!.wasm.length, k).toBe(node.length);
    expect(mismatch(inBrowser[k]!.js, inBrowser[k]!.wasm), `${k}: first word where Chromium's js and wasm targets differ`).toBe(-1);
    expect(mismatch(inBrowser[k]!.wasm, node), `${k}: first word where Chromium and Node differ`).toBe(-1);
  }
}, 120_000);
