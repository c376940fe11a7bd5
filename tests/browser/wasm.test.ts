import { expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { REPORT_FAILURES, servedBrowser } from './chromium.js';

// The WebAssembly gemm and loops run in a browser as in Node: a float32 product of 600-term sums,
// whose bits differ between the WebAssembly gemm (float32 sums) and the JS one (float64 sums), and a
// loop over it with a column sum, on the main thread, compiled synchronously by createKernel() and
// asynchronously by createKernelAsync().
const spec = JSON.stringify({
  format: 'symgrad/1',
  name: 'browser_gemm',
  dtype: 'float32',
  inputs: { A: { shape: [40, 600] }, B: { shape: [600, 40] } },
  nodes: { C: 'A @ B', D: 'transpose(A) @ (A @ B)', E: 'sum(relu(C - 0.5) * C, axis=0)' },
  outputs: ['C', 'D', 'E'],
});
const random = seededRandom(9);
const feeds = { A: Float32Array.from(uniformArray(random, 40 * 600, [-1, 1])), B: Float32Array.from(uniformArray(random, 600 * 40, [-1, 1])) };
const sources = { wasm: compileSpec(spec).source, js: compileSpec(spec, { target: 'js' }).source };

const page = (entry: string) => `<!doctype html>
${REPORT_FAILURES}
<script type="module">
import * as module from '/module.js';
const feeds = { A: Float32Array.from(${JSON.stringify(Array.from(feeds.A))}), B: Float32Array.from(${JSON.stringify(Array.from(feeds.B))}) };
const kernel = ${entry === 'async' ? 'await module.createKernelAsync()' : 'module.createKernel()'};
const out = kernel.run(feeds);
window.result = { C: Array.from(out.C.data), D: Array.from(out.D.data), E: Array.from(out.E.data) };
</script>`;

const browser = servedBrowser((path) => {
  if (path === '/module.js') return { type: 'text/javascript', body: sources.wasm };
  if (path === '/sync' || path === '/async') return { type: 'text/html', body: page(path.slice(1)) };
  return undefined;
});

it.each(['sync', 'async'])('runs the WebAssembly gemm and loops on the main thread (%s), with the bits Node gets', async (entry) => {
  expect(sources.wasm).toMatch(/wasm\.loop\d+\(/);
  const inBrowser = (await browser.open(`/${entry}`)) as { C: number[]; D: number[]; E: number[] };
  const [wasm, js] = [(await loadModuleSource(sources.wasm)).run(feeds), (await loadModuleSource(sources.js)).run(feeds)];
  expect(Array.from(wasm.C.data)).not.toEqual(Array.from(js.C.data));
  expect(inBrowser.C).toEqual(Array.from(wasm.C.data));
  expect(inBrowser.D).toEqual(Array.from(wasm.D.data));
  expect(inBrowser.E).toEqual(Array.from(wasm.E.data));
}, 60_000);
