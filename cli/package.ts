import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own folder: above cli/ when run from source, above dist/cli/ when built or installed. */
const root = [join(dirname(fileURLToPath(import.meta.url)), '..'), join(dirname(fileURLToPath(import.meta.url)), '..', '..')].find((dir) =>
  existsSync(join(dir, 'package.json')),
)!;

export const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * A shipped sample as the user would type it from the current directory (`samples/xor.graph.json`
 * in a clone, `node_modules/symgrad/samples/...` in a project that installed symgrad), so the
 * `--help` examples run as shown from anywhere.
 */
export function sample(file: string): string {
  const path = join(root, 'samples', file);
  const near = relative(process.cwd(), path);
  return near.startsWith('..') || isAbsolute(near) ? path : near;
}
