import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compileSpec } from '../../compiler/compile.js';
import { interpret } from '../../compiler/interpret.js';
import type { Tensor } from '../../compiler/ops/op.js';
import { loadModuleSource, type Output } from '../../runtime/module.js';
import { cli } from '../cli/run.js';

/** A scratch directory under tests/.tmp. */
export function scratch(area: string): string {
  const dir = join('tests', '.tmp', 'security', area);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A spec file in `dir`: an object (with `format` added) or raw text. */
export function writeSpec(dir: string, name: string, spec: object | string): string {
  const path = join(dir, `${name.replace(/\W+/g, '-')}.graph.json`);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify({ format: 'symgrad/1', ...spec }));
  return path;
}

/** Runs the CLI and expects exit 2 with exactly one line, `error: ` + `line`. */
export async function expectErrorLine(argv: string[], line: string): Promise<void> {
  const { code, stdout, stderr } = await cli(...argv);
  expect(stderr).toBe(`error: ${line}\n`);
  expect(code).toBe(2);
  expect(stdout).toBe('');
}

/**
 * Compiles, imports the module, runs it, and checks it against the interpreter on the same graph
 * (NaN-equal, same sign of zero). `simplify: false` keeps IEEE semantics exactly: the simplifier
 * assumes finite values and may regroup sums (x·0 → 0, see compiler/simplify).
 */
export async function runAgreeing(spec: object | string, feeds: Record<string, Tensor> = {}, options: { simplify?: boolean } = {}): Promise<Record<string, Output>> {
  const text = typeof spec === 'string' ? spec : JSON.stringify({ format: 'symgrad/1', ...spec });
  const compiled = compileSpec(text, options);
  const module = await loadModuleSource(compiled.source);
  const generated = module.run(feeds);
  const reference = interpret(compiled.program.outputs.map((o) => o.node), feeds);
  compiled.spec.outputs.forEach(({ name }, i) => {
    expect(generated[name].shape, name).toEqual(reference[i].shape);
    expect([...generated[name].data], name).toEqual([...reference[i].data]);
  });
  return generated;
}
