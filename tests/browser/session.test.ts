import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { expect, it } from 'vitest';
import { createSession } from '../../runtime/index.js';
import { REPORT_FAILURES, servedBrowser } from './chromium.js';

// The runtime compiles a spec in memory and trains in a browser too: the built ES modules of
// dist/ loaded as they are (no bundler), in the headless Chromium packaged on npm.
const spec = readFileSync('samples/xor-train.graph.json', 'utf8');
const data = JSON.parse(readFileSync('samples/data/xor.json', 'utf8'));
const options = { loss: 'loss', optimizer: 'adam', lr: 0.05 } as const;
const EPOCHS = 40;

const page = `<!doctype html>
<title>createSession</title>
${REPORT_FAILURES}
<script type="module">
import { createSession } from '/dist/runtime/index.js';
const session = await createSession(${JSON.stringify(spec)}, ${JSON.stringify(options)});
const result = session.fit(${JSON.stringify(data)}, { epochs: ${EPOCHS} });
window.result = { losses: result.losses, outcome: result.outcome, f: Array.from(session.run(${JSON.stringify(data)}).f.data) };
</script>`;

const browser = servedBrowser((url) => {
  const path = normalize(url);
  if (path === '/') return { type: 'text/html', body: page };
  if (/^\/dist\/(common|compiler|runtime)\/[\w/.-]+\.js$/.test(path)) return { type: 'text/javascript', body: readFileSync(join('.', path)) };
  return undefined;
});

it('createSession compiles a spec and trains in the browser, with the losses Node gets (to 12 digits)', async () => {
  const inBrowser = (await browser.open('/')) as { losses: number[]; outcome: string; f: number[] };
  const session = await createSession(spec, options);
  const inNode = session.fit(data, { epochs: EPOCHS });
  expect(inBrowser.outcome).toBe('done');
  // The browser's V8 is not Node's, and its Math functions may round the last bit differently.
  inNode.losses.forEach((loss, i) => expect(inBrowser.losses[i]).toBeCloseTo(loss, 12));
  expect(inBrowser.losses.at(-1)!).toBeLessThan(inBrowser.losses[0] / 2);
  Array.from(session.run(data).f.data).forEach((f, i) => expect(inBrowser.f[i]).toBeCloseTo(f, 12));
}, 60_000);
