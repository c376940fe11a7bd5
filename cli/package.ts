import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own folder: the nearest one above this file whose package.json is symgrad's (cli/ from source, dist/cli/ built). */
function packageRoot(): { dir: string; version: string } | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const { name, version } = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (name === 'symgrad' && version) return { dir, version };
  }
  return undefined;
}

const root = packageRoot();

export const version = root?.version ?? 'unknown';

/**
 * A shipped sample as the user would type it from the current directory (`samples/xor.graph.json`
 * in a clone, `node_modules/symgrad/samples/...` in a project that installed symgrad), so the
 * `--help` examples run as shown from anywhere.
 */
export function sample(file: string): string {
  if (!root) return join('samples', file);
  const path = join(root.dir, 'samples', file);
  const near = relative(process.cwd(), path);
  return near.startsWith('..') || isAbsolute(near) ? path : near;
}
