import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * A headless Chromium from the npm registry: @sparticuz/chromium ships the browser and the
 * libraries it links (NSS, NSPR, expat) brotli-compressed inside the package, so no system
 * browser and no download is needed. Unpacked once per version under node_modules/.cache.
 */
export function packagedChromium(): { executablePath: string; env: Record<string, string> } {
  const require = createRequire(import.meta.url);
  const root = dirname(dirname(dirname(require.resolve('@sparticuz/chromium'))));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const dir = resolve(root, '..', '..', '.cache', 'symgrad-chromium', version);
  if (!existsSync(join(dir, 'chromium'))) {
    // Unpack beside the cache and rename, so an interrupted run never leaves half a browser.
    const temporary = `${dir}.${process.pid}.tmp`;
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    writeFileSync(join(temporary, 'chromium'), brotliDecompressSync(readFileSync(join(root, 'bin', 'chromium.br'))), { mode: 0o755 });
    execFileSync('tar', ['-x', '-C', temporary], { input: brotliDecompressSync(readFileSync(join(root, 'bin', 'al2023.tar.br'))) });
    rmSync(dir, { recursive: true, force: true });
    renameSync(temporary, dir);
  }
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return { executablePath: join(dir, 'chromium'), env: { ...env, LD_LIBRARY_PATH: join(dir, 'lib') } };
}

const ARGS = ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What a page's path serves: a content type and a body, or nothing (404). */
export type Route = (path: string) => { readonly type: string; readonly body: string | Buffer } | undefined;

/**
 * For the tests of one file: a local server answering `route` and the packaged Chromium, started
 * before them and closed after. `open(path)` loads a page and waits for it to set `window.result`
 * (or `window.failure`, which fails the test), and returns the result.
 */
export function servedBrowser(route: Route): { open(path: string): Promise<unknown> } {
  let server: Server;
  let origin: string;
  let browser: Browser;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = route((request.url ?? '/').split('?')[0]);
      if (answer) response.writeHead(200, { 'content-type': answer.type }).end(answer.body);
      else response.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ ...packagedChromium(), args: ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });
  return {
    async open(path) {
      const tab: Page = await browser.newPage();
      try {
        await tab.goto(`${origin}${path}`);
        await tab.waitForFunction('"result" in window || "failure" in window', undefined, { timeout: 30_000 });
        expect(await tab.evaluate('window.failure')).toBeUndefined();
        return await tab.evaluate('window.result');
      } finally {
        await tab.close();
      }
    },
  };
}

/** The error handlers a test page starts with, so a failure reaches `window.failure`. */
export const REPORT_FAILURES = `<script>window.addEventListener('error', (event) => { window.failure = event.message; }); window.addEventListener('unhandledrejection', (event) => { window.failure = String(event.reason); });</script>`;
