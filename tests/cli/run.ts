import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli } from '../../cli/main.js';

/** Run the CLI in-process and capture what it prints. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** Run the built binary (dist/, which `npm test` builds first) as a user would: in `cwd`, with `input` on standard input. */
export function binary(args: readonly string[], options: { cwd?: string; input?: string } = {}): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [resolve('dist/cli/main.js'), ...args], { cwd: options.cwd, input: options.input ?? '', encoding: 'utf8' });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
