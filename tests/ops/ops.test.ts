import { describe, expect, it } from 'vitest';
import { opTable } from '../../compiler/ops/table.js';
import { checkDerivatives, checkJvpAgainstVjp } from '../support/derivatives.js';
import { opCases } from '../support/op-cases.js';

describe('op table', () => {
  it('covers every op', () => {
    const tested = new Set(opCases.map((c) => c.name));
    // Leaves have no derivative; stop_gradient deliberately disagrees with finite differences (tests/autodiff).
    const elsewhere = ['input', 'param', 'constant', 'stop_gradient'];
    const untested = Object.keys(opTable).filter((name) => !tested.has(name) && !elsewhere.includes(name));
    expect(untested).toEqual([]);
  });

  describe.each(opCases)('$name $shapes', (c) => {
    it('first derivatives match central differences', () => checkDerivatives(c, 1));
    it('second derivatives match central differences', () => checkDerivatives(c, 2));
    it('jvp agrees with vjp', () => checkJvpAgainstVjp(c));
  });
});
