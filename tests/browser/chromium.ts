import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

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
