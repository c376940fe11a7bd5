import { describe, it } from 'vitest';
import { expectErrorLine, scratch, writeSpec } from './support.js';

const dir = scratch('limits');
const x = (shape: unknown[]) => ({ inputs: { x: { shape } } });

/** [case, spec, limit flags, what follows `error: FILE`] */
const rows: [string, object, string[], string][] = [
  ['too many nodes', { ...x([]), nodes: { a: 'x + 1', b: 'a * 3' } }, ['--max-nodes', '4'], ': nodes.b: column 3: the graph grows past 4 nodes (--max-nodes)'],
  ['a derivative expanding past the node limit', { ...x([3]), nodes: { h: 'hessian(sum(sin(x) * x), x)' } }, ['--max-nodes', '40'], ': nodes.h: column 1: the graph grows past 40 nodes (--max-nodes)'],
  ['an input with too many elements', x([11, 10]), ['--max-elements', '100'], ': inputs.x.shape: a tensor of shape [11, 10] has more than 100 elements (--max-elements)'],
  ['a param with too many elements', { params: { W: { shape: [100000, 100000] } } }, [], ': params.W.shape: a tensor of shape [100000, 100000] has more than 100000000 elements (--max-elements)'],
  ['a node with too many elements', { ...x([]), nodes: { y: 'broadcast_to(x, shape=[11, 10])' } }, ['--max-elements', '100'], ': nodes.y: column 1: a tensor of shape [11, 10] has more than 100 elements (--max-elements)'],
  ['a huge dimension of an empty tensor', { nodes: { y: 'zeros(shape=[0, 1000])' } }, ['--max-elements', '100'], ': nodes.y: column 1: shape [0, 1000] has a dimension larger than 100 (--max-elements)'],
  ['a const with too many elements', { consts: { c: [1, 2, 3] } }, ['--max-elements', '2'], ': consts.c: a tensor of shape [3] has more than 2 elements (--max-elements)'],
  ['too many elements in total', { ...x([4, 4]), nodes: { y: 'x * 2' } }, ['--max-total-elements', '25'], ': nodes.y: column 3: the graph holds more than 25 elements (--max-total-elements)'],
  ['params over the total', { params: { a: { shape: [10] }, b: { shape: [10] } } }, ['--max-total-elements', '15'], ': params.b: the graph holds more than 15 elements (--max-total-elements)'],
  ['a jacobian over the total', { ...x([10000]), nodes: { J: 'jacobian(sin(x), x)' } }, [], ': nodes.J: column 1: the graph holds more than 1000000000 elements (--max-total-elements)'],
  ['an input of too high rank', x([1, 1, 1, 1]), ['--max-rank', '3'], ': inputs.x.shape: a tensor of rank 4 has more than 3 dimensions (--max-rank)'],
  ['a node of too high rank', { ...x([]), nodes: { y: `reshape(x, shape=[${Array(33).fill(1)}])` } }, [], ': nodes.y: column 1: a tensor of rank 33 has more than 32 dimensions (--max-rank)'],
  ['derivatives nested in one expression', { ...x([]), nodes: { y: 'grad(grad(grad(x^4, x), x), x)' } }, ['--max-derivative-order', '2'], ': nodes.y: column 1: derivatives nested 3 deep, more than 2 (--max-derivative-order)'],
  ['derivatives nested through names', { ...x([]), nodes: { a: 'grad(x^4, x)', b: 'grad(a, x)', c: 'grad(b, x) + 1' } }, ['--max-derivative-order', '2'], ': nodes.c: column 1: derivatives nested 3 deep, more than 2 (--max-derivative-order)'],
  ['an expression too long', { ...x([]), nodes: { y: 'x + x + x' } }, ['--max-expression-length', '8'], ': nodes.y: column 1: expression longer than 8 characters'],
  ['an expression too deep', { ...x([]), nodes: { y: '((((x))))' } }, ['--max-expression-depth', '3'], ': nodes.y: column 4: expression nested deeper than 3'],
  ['an expression too deep by default', { ...x([]), nodes: { y: `${'('.repeat(201)}x${')'.repeat(201)}` } }, [], ': nodes.y: column 201: expression nested deeper than 200'],
  ['a negative dimension', x([-1]), [], ': inputs.x.shape[0]: a dimension is a whole number from 0 to 100000000 or a name, got -1'],
  ['a fractional dimension', x([2, 1.5]), [], ': inputs.x.shape[1]: a dimension is a whole number from 0 to 100000000 or a name, got 1.5'],
  ['a huge dimension', x([1e20]), [], ': inputs.x.shape[0]: a dimension is a whole number from 0 to 100000000 or a name, got 100000000000000000000'],
  ['a dimension that is neither', x(['2']), [], ': inputs.x.shape[0]: a dimension is a whole number from 0 to 100000000 or a name, got the string "2"'],
  ['a negative shape keyword', { nodes: { y: 'zeros(shape=[-2])' } }, [], ': nodes.y: column 1: bad shape [-2]'],
  ['a fractional shape keyword', { nodes: { y: 'zeros(shape=[1.5])' } }, [], ": nodes.y: column 7: keyword 'shape' of zeros must be a list of integers"],
  ['a huge shape keyword', { ...x([2]), nodes: { y: 'reshape(x, shape=[1e300])' } }, [], ": nodes.y: column 12: keyword 'shape' of reshape must be a list of integers"],
  ['a fractional integer keyword', { ...x([2, 4]), nodes: { y: 'maxout(x, pieces=1.5)' } }, [], ": nodes.y: column 11: keyword 'pieces' of maxout must be an integer"],
  ['reshape to a mismatched size', { ...x([2, 3]), nodes: { y: 'reshape(x, shape=[4])' } }, [], ': nodes.y: column 1: reshape: cannot reshape [2, 3] to [4]'],
  ['maxout pieces not dividing the axis', { ...x([2, 3]), nodes: { y: 'maxout(x, pieces=2)' } }, [], ': nodes.y: column 1: maxout: pieces=2 does not divide the last axis (size 3)'],
  ['maxout with no pieces', { ...x([2, 3]), nodes: { y: 'maxout(x, pieces=0)' } }, [], ': nodes.y: column 1: maxout needs pieces ≥ 1, got 0'],
  ['a reduction axis out of range', { ...x([2, 3]), nodes: { y: 'sum(x, axis=2)' } }, [], ': nodes.y: column 1: sum: axis 2 is out of range for rank 2'],
  ['one of several axes out of range', { ...x([2, 3]), nodes: { y: 'mean(x, axis=[0, -3])' } }, [], ': nodes.y: column 1: axis -3 is out of range for rank 2'],
  ['a concat axis out of range', { ...x([2, 3]), nodes: { y: 'concat(x, x, axis=5)' } }, [], ': nodes.y: column 1: concat: axis 5 is out of range for rank 2'],
  ['a perm that is not a permutation', { ...x([2, 3]), nodes: { y: 'transpose(x, perm=[0, 0])' } }, [], ': nodes.y: column 1: transpose: perm [0, 0] is not a permutation of the 2 axes'],
  ['a bad limit flag', x([]), ['--max-nodes', '0'], ': --max-nodes: expected a positive whole number, got "0"'],
];

describe.each(['compile', 'eval'])('%s', (command) => {
  it.each(rows)('%s: exit 2 and one error line', async (name, spec, flags, line) => {
    const path = writeSpec(dir, name, spec);
    const argv = command === 'compile' ? ['compile', path, '-o', path.replace('.graph.json', '.js')] : ['eval', path];
    await expectErrorLine([...argv, ...flags], `${path}${line}`);
  });
});
