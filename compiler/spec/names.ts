/** The name rule of SPEC §1. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Words a spec name may not be: JavaScript and TypeScript keywords (reserved and contextual),
 * the globals generated code refers to, and the names the generated module declares itself
 * (`run`, `signature`, ...), so a spec name can never change what code means.
 */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await async as any boolean constructor ' +
    'declare get infer is keyof module namespace never readonly require number object set string symbol type ' +
    'undefined unique unknown from global of bigint satisfies accessor asserts out override abstract using ' +
    'arguments eval NaN Infinity globalThis Math Number Object Array Float64Array Float32Array Int32Array ' +
    'ArrayBuffer Error TypeError RangeError JSON String Symbol Boolean Map Set Reflect Proxy Function prototype __proto__ ' +
    'run createKernel createScalarKernel signature initialParams'
  ).split(' '),
);

export function isReservedName(name: string): boolean {
  return RESERVED.has(name);
}

/** Why `name` cannot name an input, param, const or node, or undefined if it can. */
export function nameProblem(name: string, functionNames: ReadonlySet<string>): string | undefined {
  if (!NAME_PATTERN.test(name)) return `${JSON.stringify(name)} is not a valid name (letters, digits and _, not starting with a digit)`;
  if (isReservedName(name)) return `'${name}' is a reserved word of JavaScript/TypeScript`;
  if (functionNames.has(name)) return `'${name}' is a function name`;
  return undefined;
}
