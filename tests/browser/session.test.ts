import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession } from '../../runtime/index.js';
import { packagedChromium } from './chromium.js';

// The runtime compiles a spec in memory and trains in a browser too: the built ES modules of
// dist/ loaded as they are (no bundler), in the headless Chromium packaged on npm.
const ARGS = ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const spec = readFileSync('samples/xor-train.graph.json', 'utf8');
const data = JSON.parse(readFileSync('samples/data/xor.json', 'utf8'));
const options = { loss: 'loss', optimizer: 'adam', lr: 0.05 } as const;
const EPOCHS = 40;

const page = `<!doctype html>
<title>createSession</title>
<script>window.addEventListener('error', (event) => { window.failure = event.message; }); window.addEventListener('unhandledrejection', (event) => { window.failure = String(event.reason); });</script>
<script type="module">
import { createSession } from '/dist/runtime/index.js';
const session = await createSession(${JSON.stringify(spec)}, ${JSON.stringify(options)});
const result = session.fit(${JSON.stringify(data)}, { epochs: ${EPOCHS} });
window.result = { losses: result.losses, outcome: result.outcome, f: Array.from(session.run(${JSON.stringify(data)}).f.data) };
</script>`;

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = normalize((request.url ?? '/').split('?')[0]);
    if (path === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (/^\/dist\/(common|compiler|runtime)\/[\w/.-]+\.js$/.test(path)) response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join('.', path)));
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

it('createSession compiles a spec and trains in the browser, with the losses Node gets (to 12 digits)', async () => {
  const tab = await browser.newPage();
  await tab.goto(`${origin}/`);
  await tab.waitForFunction('"result" in window || "failure" in window', undefined, { timeout: 30_000 });
  expect(await tab.evaluate('window.failure')).toBeUndefined();
  const inBrowser = (await tab.evaluate('window.result')) as { losses: number[]; outcome: string; f: number[] };
  const session = await createSession(spec, options);
  const inNode = session.fit(data, { epochs: EPOCHS });
  expect(inBrowser.outcome).toBe('done');
  // The browser's V8 is not Node's, and its Math functions may round the last bit differently.
  inNode.losses.forEach((loss, i) => expect(inBrowser.losses[i]).toBeCloseTo(loss, 12));
  expect(inBrowser.losses.at(-1)!).toBeLessThan(inBrowser.losses[0] / 2);
  Array.from(session.run(data).f.data).forEach((f, i) => expect(inBrowser.f[i]).toBeCloseTo(f, 12));
}, 60_000);
