import { SymgradError } from './errors.js';
import { showShape, type NodeRequirement, type Shape } from './shape.js';

/**
 * Bind named dimensions from fed shapes, checking every fixed dimension and that a name gets
 * the same size everywhere, and the sizes `requirements` (a graph's) demand, a RangeError naming
 * the node that broadcasts. `declared` and `fed` are keyed by feed name.
 */
export function bindDims(
  declared: ReadonlyMap<string, Shape>,
  fed: ReadonlyMap<string, readonly number[]>,
  requirements: ReadonlyMap<string, NodeRequirement> = new Map(),
): Record<string, number> {
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
  for (const { dim, size, label } of requirements.values()) {
    if (dim in dims && dims[dim] !== size) throw new RangeError(requirementMessage(label, dim, dims[dim], boundBy[dim], size));
  }
  return dims;
}

/** The error of a named dimension fed another size than the one it is broadcast against (generated code says the same). */
function requirementMessage(label: string, dim: string, value: number, feed: string, size: number): string {
  return `nodes.${label}: dimension ${dim} is ${value} (in feeds.${feed}) but is broadcast against size ${size}, so it must be ${size}`;
}
