import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { packagedChromium } from './chromium.js';

// The WebAssembly gemm runs in a browser as in Node: a float32 product of 600-term sums, whose
// bits differ between the WebAssembly gemm (float32 sums) and the JS one (float64 sums), on the
// main thread, compiled synchronously by createKernel() and asynchronously by createKernelAsync().
const ARGS = ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const spec = JSON.stringify({
  format: 'symgrad/1',
  name: 'browser_gemm',
  dtype: 'float32',
  inputs: { A: { shape: [40, 600] }, B: { shape: [600, 40] } },
  nodes: { C: 'A @ B', D: 'transpose(A) @ (A @ B)' },
  outputs: ['C', 'D'],
});
const random = seededRandom(9);
const feeds = { A: Float32Array.from(uniformArray(random, 40 * 600, [-1, 1])), B: Float32Array.from(uniformArray(random, 600 * 40, [-1, 1])) };
const sources = { wasm: compileSpec(spec).source, js: compileSpec(spec, { target: 'js' }).source };

const page = (entry: string) => `<!doctype html>
<script>window.addEventListener('error', (event) => { window.failure = event.message; }); window.addEventListener('unhandledrejection', (event) => { window.failure = String(event.reason); });</script>
<script type="module">
import * as module from '/module.js';
const feeds = { A: Float32Array.from(${JSON.stringify(Array.from(feeds.A))}), B: Float32Array.from(${JSON.stringify(Array.from(feeds.B))}) };
const kernel = ${entry === 'async' ? 'await module.createKernelAsync()' : 'module.createKernel()'};
const out = kernel.run(feeds);
window.result = { C: Array.from(out.C.data), D: Array.from(out.D.data) };
</script>`;

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/module.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(sources.wasm);
    else if (path === '/sync' || path === '/async') response.writeHead(200, { 'content-type': 'text/html' }).end(page(path.slice(1)));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ ...packagedChromium(), args: ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

it.each(['sync', 'async'])('runs the WebAssembly gemm on the main thread (%s), with the bits Node gets', async (entry) => {
  const tab = await browser.newPage();
  await tab.goto(`${origin}/${entry}`);
  await tab.waitForFunction('"result" in window || "failure" in window', undefined, { timeout: 30_000 });
  expect(await tab.evaluate('window.failure')).toBeUndefined();
  const inBrowser = (await tab.evaluate('window.result')) as { C: number[]; D: number[] };
  const [wasm, js] = [(await loadModuleSource(sources.wasm)).run(feeds), (await loadModuleSource(sources.js)).run(feeds)];
  expect(Array.from(wasm.C.data)).not.toEqual(Array.from(js.C.data));
  expect(inBrowser.C).toEqual(Array.from(wasm.C.data));
  expect(inBrowser.D).toEqual(Array.from(wasm.D.data));
  await tab.close();
}, 60_000);
