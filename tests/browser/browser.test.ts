import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { sizeOf } from '../../compiler/shape.js';
import { loadModuleSource } from '../../runtime/module.js';
import { seededRandom, uniformArray } from '../support/random.js';
import { packagedChromium } from './chromium.js';

// A compiled `.js` runs in a browser as is: the headless Chromium packaged on npm, no system browser.
const ARGS = ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const samples = readdirSync('samples').filter((f) => f.endsWith('.graph.json'));
const modules = new Map(samples.map((file) => [file.replace('.graph.json', '.js'), compileSpec(readFileSync(join('samples', file), 'utf8'))]));

type Plain = Record<string, { shape: number[]; data: number[] }>;

/** Feeds for every input (named dims bound to 3), in [0.5, 2] so log and sqrt stay real. */
function feedsFor(file: string): Plain {
  const random = seededRandom(11);
  const feeds: Plain = {};
  for (const leaf of modules.get(file)!.spec.graph.leaves('input')) {
    const shape = leaf.shape.map((d) => (typeof d === 'number' ? d : 3));
    feeds[leaf.attrs.name as string] = { shape, data: Array.from(uniformArray(random, sizeOf(shape), [0.5, 2])) };
  }
  return feeds;
}

/** A page whose module script imports the compiled module as is, runs it and leaves the outputs (or the failure) on window. */
function runner(file: string): string {
  return `<!doctype html>
<title>${file}</title>
<script type="application/json" id="feeds">${JSON.stringify(feedsFor(file))}</script>
<script>window.addEventListener('error', (event) => { window.failure = event.message; });</script>
<script type="module">
import { run } from './${file}';
const feeds = JSON.parse(document.getElementById('feeds').textContent);
const outputs = run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data) }])));
window.outputs = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { shape: [...v.shape], data: Array.from(v.data) }]));
</script>`;
}

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    const page = /^(.+)\.html$/.exec(name);
    if (page && modules.has(`${page[1]}.js`)) {
      response.writeHead(200, { 'content-type': 'text/html' }).end(runner(`${page[1]}.js`));
    } else if (modules.has(name)) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(modules.get(name)!.source);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ ...packagedChromium(), args: ARGS });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe.each([...modules.keys()])('%s in headless Chromium', (file) => {
  it('gives the values Node gives', async () => {
    const feeds = feedsFor(file);
    await page.goto(`${origin}/${file.replace('.js', '.html')}`);
    await page.waitForFunction('"outputs" in window || "failure" in window', undefined, { timeout: 10_000 });
    expect(await page.evaluate('window.failure')).toBeUndefined();
    const inBrowser = (await page.evaluate('window.outputs')) as Plain;
    const inNode = (await loadModuleSource(modules.get(file)!.source)).run(feeds);
    expect(Object.keys(inBrowser).sort()).toEqual(Object.keys(inNode).sort());
    expect(Object.keys(inNode).length).toBeGreaterThan(0);
    for (const [name, output] of Object.entries(inNode)) {
      expect(inBrowser[name].shape).toEqual([...output.shape]);
      output.data.forEach((v, i) => {
        const w = inBrowser[name].data[i];
        if (Number.isNaN(v)) expect(w).toBeNaN();
        else expect(Math.abs(w - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
      });
    }
    expect(pageErrors).toEqual([]);
  });
});
