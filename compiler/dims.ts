import { SymgradError } from './errors.js';
import { showShape, type Shape } from './shape.js';

/**
 * Bind named dimensions from fed shapes, checking every fixed dimension and that a name gets
 * the same size everywhere. `declared` and `fed` are keyed by feed name.
 */
export function bindDims(declared: ReadonlyMap<string, Shape>, fed: ReadonlyMap<string, readonly number[]>): Record<string, number> {
  const dims: Record<string, number> = Object.create(null);
  const boundBy: Record<string, string> = Object.create(null);
  for (const [name, shape] of fed) {
    const expected = declared.get(name);
    if (!expected) continue;
    const mismatch = () => new SymgradError(`feeds.${name}`, `expected shape ${showShape(expected)}, got ${showShape(shape)}`);
    if (shape.length !== expected.length) throw mismatch();
    expected.forEach((d, a) => {
      if (typeof d === 'number') {
        if (shape[a] !== d) throw mismatch();
      } else if (d in dims && dims[d] !== shape[a]) {
        throw new SymgradError(
          `feeds.${name}`,
          `dimension ${d} is ${shape[a]} here but ${dims[d]} in feeds.${boundBy[d]} (shapes ${showShape(expected)})`,
        );
      } else {
        dims[d] = shape[a];
        boundBy[d] = name;
      }
    });
  }
  return dims;
}
