import { describe, expect, it } from 'vitest';
import { kernelOf } from '../../compiler/codegen/kernels/index.js';
import type { Node } from '../../compiler/graph.js';
import { opTable } from '../../compiler/ops/table.js';

const kernelOps = Object.values(opTable).filter((def) => def.emit.kind === 'kernel');
const byName = (op: string) => ({ op }) as unknown as Node;

describe('the kernel registry (codegen/kernels)', () => {
  it('has a kernel for every op whose emission is a kernel, and none for leaves and elementwise ops', () => {
    expect(kernelOps.length).toBeGreaterThan(20);
    for (const def of Object.values(opTable)) {
      if (def.emit.kind === 'kernel') expect(typeof kernelOf(byName(def.name)).lines, def.name).toBe('function');
      else expect(() => kernelOf(byName(def.name)), def.name).toThrow(`no kernel for ${def.name}`);
    }
  });

  it('reads every view op in place', () => {
    const views = kernelOps.filter((def) => def.movement === 'view').map((def) => def.name);
    expect(views.sort()).toEqual(['broadcast_to', 'reshape', 'transpose']);
    for (const name of views) expect(typeof kernelOf(byName(name)).view, name).toBe('function');
  });
});
