import { describe, expect, it } from 'vitest';
import { backward, variable } from '../../src/autograd/index.js';
import { jGraph, neuronGraph } from '../../src/autograd/examples.js';
import { ArgumentError } from '../../src/core/errors.js';
import { add, fromArray, mul, sum, zeros, type Tensor } from '../../src/tensor/index.js';
import { describeTensor, formatValue, graphTensors, graphToDot, graphToSvg } from '../../src/viz/graph.js';
import { thrown } from '../autograd/helpers.js';

/** The text of every <text> element of an SVG, entities decoded. */
function svgTexts(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)) {
    out.push((m[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#45;/g, '-').replace(/&amp;/g, '&').trim());
  }
  return out;
}

/** `name = number` pairs found in the texts. */
function pairs(texts: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of texts) {
    const hit = /^(\S+) = (-?[\d.e+-]+)$/.exec(t);
    if (hit) m.set(hit[1] as string, Number(hit[2]));
  }
  return m;
}

describe('the J graph as SVG', () => {
  it('shows the five values and the five gradients', async () => {
    const g = jGraph();
    backward(g.J, undefined, { retainGrads: true });
    const svg = await graphToSvg(g.J, { title: 'J = 3(a + b·c)' });
    expect(svg.startsWith('<?xml') || svg.startsWith('<svg')).toBe(true);
    const found = pairs(svgTexts(svg));
    const values = { a: 7, b: 4, c: 2, u: 8, v: 15 };
    const grads = { 'dJ/da': 3, 'dJ/db': 6, 'dJ/dc': 12, 'dJ/du': 3, 'dJ/dv': 3 };
    for (const [k, v] of Object.entries({ ...values, ...grads })) expect(found.get(k), k).toBe(v);
    expect(found.get('J')).toBe(45);
  });
  it('tells forward from backward: solid black and dashed red arrows', async () => {
    const g = jGraph();
    backward(g.J, undefined, { retainGrads: true });
    const svg = await graphToSvg(g.J);
    const edges = [...svg.matchAll(/<g id="edge\d+" class="edge">[\s\S]*?<\/g>/g)].map((m) => m[0]);
    const backwardEdges = edges.filter((e) => e.includes('stroke="#c0392b"') && e.includes('stroke-dasharray'));
    const forwardEdges = edges.filter((e) => e.includes('stroke="black"') && !e.includes('stroke-dasharray'));
    // Forward: a, b, c, 3 and u, v into their ops, and each op to its output (4 + 2 + 3 = 9).
    expect(forwardEdges).toHaveLength(9);
    // Backward: every forward edge except from the constant 3.
    expect(backwardEdges).toHaveLength(8);
  });
});

describe('graphToDot', () => {
  it('draws any expression, constants in grey, op symbols from the rules table', () => {
    const x = variable([1, 2], { name: 'x' });
    const y = sum(mul(x, fromArray([3, 4])));
    const dot = graphToDot(y);
    expect(dot).toContain('label="×"');
    expect(dot).toContain('label="Σ"');
    expect(dot).toContain('x = [1, 2]');
    expect(dot).toContain('color="#7f8c8d"');
    expect(dot).not.toContain('dy/dx'); // no backward yet: no gradients shown
    backward(y);
    expect(graphToDot(y, { outputName: 'y' })).toContain('dy/dx = [3, 4]');
  });
  it("writes a slice's indices in its op", () => {
    const g = neuronGraph();
    backward(g.L);
    const dot = graphToDot(g.L);
    expect(dot).toContain('label="[0:2]"');
    expect(dot).toContain('label="[2]"');
    expect(dot).toContain('dL/dw = [0.2689414213699951, 0.5378828427399902, -0.2689414213699951]');
  });
  it('refuses a graph too large to read, with an ArgumentError', () => {
    let y: Tensor = variable(1);
    for (let i = 0; i < 20; i++) y = add(y, 1);
    const e = thrown(() => graphToDot(y, { maxTensors: 10 }), ArgumentError);
    expect(e.op).toBe('graph');
    expect(e.message).toContain('more than 10 tensors');
  });
  it('lists leaves first, then computed tensors in the order they were made', () => {
    const a = variable(1);
    const b = mul(a, 2);
    const c = add(b, a);
    expect(graphTensors(c).slice(-2)).toEqual([b, c]);
  });
});

describe('value text', () => {
  it('reads numbers back exactly, summarises large tensors', () => {
    expect(formatValue(0.7310585786300049)).toBe('0.7310585786300049');
    expect(formatValue(-0)).toBe('0');
    expect(formatValue(Number.NaN)).toBe('nan');
    expect(describeTensor(fromArray([[1, 2], [3, 4]]))).toBe('[[1, 2], [3, 4]]');
    expect(describeTensor(zeros([3, 4]))).toBe('(3, 4) in [0, 0]');
  });
});
