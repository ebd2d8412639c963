// The batch-first layers, the model and the registry: hand-computed values, gradients
// against central differences, and errors that name the layer and the shapes.
import { describe, expect, it } from 'vitest';
import { gradCheck } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { initializeParametersDeep } from '../../src/course/deep.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Activation, Dropout, Flatten } from '../../src/nn/layers/basic.js';
import { Dense } from '../../src/nn/layers/dense.js';
import { l2Term, lossOfScores, oneHotRows } from '../../src/nn/loss.js';
import { EVAL } from '../../src/nn/module.js';
import { archText, buildModel, checkLayerConfig, parseArch } from '../../src/nn/registry.js';
import { Sequential } from '../../src/nn/sequential.js';
import { caught } from '../course/helpers.js';
import { fromArray, mean, mul, randn, sum } from '../../src/tensor/index.js';

describe('layers', () => {
  it('Dense computes X Wᵀ + b with the samples as rows and names its parameters', () => {
    const d = new Dense(fromArray([[1, 2], [3, 4], [5, 6]]), fromArray([1, 0, -1]), 2);
    expect(d.forward(fromArray([[1, 0], [0, 1]]), EVAL).toArray()).toEqual([[2, 3, 4], [3, 4, 5]]);
    expect(d.parameters().map((p) => [p.name, p.role])).toEqual([['W2', 'weight'], ['b2', 'bias']]);
    expect(d.config()).toEqual({ kind: 'dense', units: 3 });
    const e = caught(ShapeError, () => d.forward(fromArray([[1, 2, 3]]), EVAL));
    expect(e.message).toBe('Dense W2: expects inputs of shape (N, 2), got (1, 3)');
  });

  it('activations, flatten and dropout', () => {
    const z = fromArray([[-1, 0, 2]]);
    expect(new Activation('relu').forward(z).toArray()).toEqual([[0, 0, 2]]);
    expect(new Activation('leaky-relu').forward(z).toArray()).toEqual([[-0.01, 0, 2]]);
    expect(new Activation('softmax').forward(fromArray([[1, 1]])).toArray()).toEqual([[0.5, 0.5]]);
    expect(new Flatten().forward(fromArray([[[1, 2], [3, 4]]])).shape).toEqual([1, 4]);
    expect(new Flatten().outputShape([64, 64, 3])).toEqual([12288]);
    const A = fromArray([[1, 1, 1], [1, 1, 1]]);
    expect(new Dropout(0.5).forward(A, EVAL)).toBe(A);
    // Masks are drawn feature by feature across the samples, as the course's (units, m) masks.
    const rng = new RandomState(1);
    const draws = new RandomState(1).randArray(6);
    const out = new Dropout(0.5).forward(A, { training: true, rng }).toArray() as number[][];
    out.forEach((row, j) => row.forEach((v, f) => expect(v).toBe((draws[f * 2 + j] as number) < 0.5 ? 2 : 0)));
    expect(caught(ArgumentError, () => new Dropout(1)).message).toContain('[0, 1)');
  });

  it('every layer passes a gradient check against central differences on random shapes', () => {
    const rng = new RandomState(7);
    for (let trial = 0; trial < 4; trial++) {
      const n = 2 + trial;
      const x = fromArray(rng.randnArray(n * 3 * 2), [n, 3, 2]);
      const net = buildModel([3, 2], parseArch('flatten,dense:4,tanh,dense:3,leaky-relu,dense:2,softmax'), { init: parseInitializer('he'), seed: trial });
      const labels = fromArray(Array.from({ length: n }, (_, j) => j % 2));
      const params = net.parameters();
      const f = (...values: ReturnType<typeof randn>[]) => net.withParameters(values, () => lossOfScores(net, net.scores(x), labels));
      const r = gradCheck(f, params.map((p) => p.value), { seed: trial });
      expect(r.maxRelativeError).toBeLessThan(1e-6);
      const g = gradCheck((v) => mean(mul(new Activation('sigmoid').forward(v), v)), [x], { seed: trial });
      expect(g.maxRelativeError).toBeLessThan(1e-6);
    }
  });
});

describe('the model and the registry', () => {
  it('builds the course\'s L-layer network with its weights (np.random.seed(1), randn / √n)', () => {
    const net = buildModel([12288], parseArch('dense:20,relu,dense:7,relu,dense:5,relu,dense:1,sigmoid'), { init: parseInitializer('course'), seed: 1 });
    const course = initializeParametersDeep([12288, 20, 7, 5, 1], 1);
    for (const p of net.parameters()) {
      expect(Array.from(p.value.values())).toEqual(Array.from(course.get(p.name)?.values() ?? []));
    }
    expect(net.head).toBe('sigmoid');
    expect(net.classes).toBe(2);
    expect(net.outputShape).toEqual([1]);
  });

  it('reads layers from text and from JSON, and writes them back', () => {
    const layers = parseArch('flatten, dense:7, relu, dropout:0.1, leaky-relu:0.2, dense:3, softmax');
    expect(archText(layers)).toBe('flatten,dense:7,relu,dropout:0.1,leaky-relu:0.2,dense:3,softmax');
    expect(layers.map((c, i) => checkLayerConfig(JSON.parse(JSON.stringify(c)), `layers[${i}]`))).toEqual(layers);
    const net = buildModel([4, 4, 3], layers, { init: { kind: 'zeros' }, seed: 1 });
    expect(net.configs()).toEqual(layers);
    expect(net.predict(fromArray(new Float64Array(2 * 48), [2, 4, 4, 3])).shape).toEqual([2]);
  });

  it('refuses what is not a layer, naming it and what was expected', () => {
    expect(caught(ArgumentError, () => parseArch('dense:7,lstm')).message).toMatch(/unknown layer 'lstm', expected one of dense, conv/);
    expect(caught(ArgumentError, () => parseArch('dense:0')).message).toContain('positive integer');
    expect(caught(ArgumentError, () => parseArch('relu:3')).message).toContain('relu');
    expect(caught(ArgumentError, () => parseArch('dropout:1')).message).toContain('[0, 1)');
    expect(caught(ArgumentError, () => checkLayerConfig({ kind: '__proto__' }, 'model.layers[0]')).message).toContain('model.layers[0]');
    expect(caught(ArgumentError, () => buildModel([8, 8, 3], parseArch('dense:1,sigmoid'), { init: { kind: 'zeros' }, seed: 1 })).message).toContain('flatten');
    expect(caught(ArgumentError, () => buildModel([4], parseArch('dense:3,sigmoid'), { init: { kind: 'zeros' }, seed: 1 })).message).toContain('1 unit');
  });

  it('the losses: the notes\' cost, softmax cross-entropy and the L2 term', () => {
    const net = new Sequential([new Activation('sigmoid')], [1]);
    const Z = fromArray([[Math.log(4)], [Math.log(9)], [-Math.log(1.5)]]);
    expect(lossOfScores(net, Z, fromArray([1, 1, 0])).item()).toBeCloseTo(0.2797765635793422, 15);
    const soft = new Sequential([new Activation('softmax')], [2]);
    expect(lossOfScores(soft, fromArray([[0, 0]]), fromArray([0])).item()).toBeCloseTo(Math.LN2, 15);
    expect(oneHotRows(fromArray([0, 2]), 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
    expect(caught(ArgumentError, () => oneHotRows(fromArray([3]), 3)).message).toContain('0..2');
    const d = new Dense(fromArray([[1, 2]]), fromArray([5]), 1);
    expect(l2Term(d.parameters(), 0.5, 2)?.item()).toBe((1 / 2) * (0.5 / 2) * 5);
    expect(sum(d.b.value).item()).toBe(5);
  });
});
