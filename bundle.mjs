// The last step of `npm run build`: the CLI that tsc wrote (dist/cli/main.js and the ~200 modules
// it imports) becomes one file in its place, so `symgrad` starts without resolving and loading
// each module (docs/benchmarks.md, Cold start). The package's dependencies stay imports of
// node_modules, loaded as before: commander at start, @viz-js/viz and protobufjs only by the
// commands that use them. The library entries (dist/compiler, dist/runtime) are left as tsc wrote them.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

const main = 'dist/cli/main.js';
await build({
  entryPoints: [main],
  outfile: main,
  allowOverwrite: true,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
chmodSync(main, 0o755);
