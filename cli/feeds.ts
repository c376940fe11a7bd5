import { parseJson, parseLiteral, SymgradError, type Tensor } from '../compiler/index.js';
import { readText } from './io.js';

/** `--feed FILE.json` (an object of name to value) then each `--set NAME=JSON`, later ones winning. */
export function readFeeds(feedFiles: readonly string[], sets: readonly string[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = Object.create(null);
  for (const file of feedFiles) {
    const text = readText(file);
    let value;
    try {
      value = parseJson(text);
    } catch (error) {
      throw error instanceof SymgradError ? new SymgradError(`${file}:${error.place}`, error.message) : error;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SymgradError(file, 'a feed file holds an object of name to value');
    }
    for (const [name, v] of Object.entries(value)) feeds[name] = tensorOf(v, `${file}: feeds.${name}`);
  }
  for (const assignment of sets) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new SymgradError('--set', `expected NAME=JSON, got ${JSON.stringify(assignment)}`);
    const name = assignment.slice(0, eq);
    const place = `--set ${name}`;
    let value;
    try {
      value = parseJson(assignment.slice(eq + 1));
    } catch (error) {
      throw error instanceof SymgradError ? new SymgradError(place, `bad JSON value (${error.message} at ${error.place})`) : error;
    }
    feeds[name] = tensorOf(value, place);
  }
  return feeds;
}

function tensorOf(value: Parameters<typeof parseLiteral>[0], place: string): Tensor {
  const { shape, values } = parseLiteral(value, place);
  return { shape, data: Float64Array.from(values) };
}

/** Commander's accumulator for an option given several times (`--set a=1 --set b=2`). */
export const repeatable = (value: string, previous: string[]): string[] => [...previous, value];
