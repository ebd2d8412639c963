import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/index.js';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { Dense, Dropout, Parameter, Sequential } from '../../src/nn/layers.js';
import { checkMlpGradients, Mlp, oneHot, type MlpSpec } from '../../src/nn/mlp.js';
import { fromArray, randn, zeros } from '../../src/tensor/index.js';
import { takeColumns } from '../../src/train/batches.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

function caught<E extends Error>(cls: new (...a: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect((e as Error).message).not.toContain('\n');
    return e as E;
  }
  throw new Error(`expected a ${cls.name}`);
}

describe('layers', () => {
  it('Dense computes W·A + b and names its parameters', () => {
    const d = new Dense(fromArray([[1, 2], [3, 4], [5, 6]]), fromArray([[1], [0], [-1]]), 2);
    expect(d.forward(fromArray([[1, 0], [0, 1]]), { training: false }).toArray()).toEqual([[2, 3], [3, 4], [4, 5]]);
    expect(d.parameters().map((p) => p.name)).toEqual(['W2', 'b2']);
    expect(d.describe()).toBe('dense 2→3');
    const e = caught(ShapeError, () => d.forward(zeros([3, 4]), { training: false }));
    expect(e.message).toBe('Dense: W2 is (3, 2) and needs inputs of shape (2, m), got (3, 4)');
  });
  it('Parameter values are leaves that require gradients and keep their shape', () => {
    const p = new Parameter('W1', zeros([2, 3]));
    expect(p.value.requiresGrad).toBe(true);
    p.value = zeros([2, 3]);
    expect(p.value.requiresGrad).toBe(true);
    expect(caught(ShapeError, () => (p.value = zeros([3, 2]))).message).toBe('Parameter: W1 is (2, 3), cannot take a value of shape (3, 2)');
  });
  it("Dropout is the course's inverted dropout: D = rand < keep; A·D / keep, masks from the seeded stream", () => {
    const A = fromArray([[1, 2, 3], [4, 5, 6]]);
    const u = new RandomState(3).randArray(6);
    const out = new Dropout(0.5).forward(A, { training: true, rng: new RandomState(3) }).values();
    const want = [1, 2, 3, 4, 5, 6].map((a, i) => (u[i]! < 0.5 ? a : 0) / 0.5);
    expect(Array.from(out)).toEqual(want);
    expect(want.filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(new Dropout(0.5).forward(A, { training: false })).toBe(A);
    expect(caught(ArgumentError, () => new Dropout(0)).argument).toBe('keepProb');
    expect(caught(ArgumentError, () => new Dropout(0.5).forward(A, { training: true })).argument).toBe('rng');
  });
  it('Sequential applies its layers in order and collects their parameters', () => {
    const s = new Sequential([new Dense(fromArray([[2]]), fromArray([[1]]), 1), new Dense(fromArray([[3]]), fromArray([[0]]), 2)]);
    expect(s.forward(fromArray([[1, 2]]), { training: false }).toArray()).toEqual([[9, 15]]);
    expect(s.parameters().map((p) => p.name)).toEqual(['W1', 'b1', 'W2', 'b2']);
  });
});

describe('Mlp', () => {
  it('builds dense, activation and dropout layers from sizes; sigmoid for 1 unit, softmax for k', () => {
    const a = Mlp.initialize({ layers: [4, 3, 2, 1], keepProb: 0.8 }, { kind: 'he' }, 1);
    expect(a.net.describe()).toBe('dense 4→3, relu, dropout keep 0.8, dense 3→2, relu, dropout keep 0.8, dense 2→1');
    expect(a.spec.output).toBe('sigmoid');
    expect(a.classes).toBe(2);
    const b = Mlp.initialize({ layers: [4, 3], hidden: 'tanh' }, { kind: 'he' }, 1);
    expect(b.spec.output).toBe('softmax');
    expect(b.classes).toBe(3);
    expect(b.parameters().map((p) => p.name)).toEqual(['W1', 'b1']);
  });
  it('refuses architectures that cannot work, naming the setting', () => {
    expect(caught(ArgumentError, () => Mlp.initialize({ layers: [4, 2], output: 'sigmoid' }, { kind: 'he' }, 1)).message).toBe('Mlp.initialize: layers: a sigmoid output has 1 unit, got 2 in [4, 2]');
    expect(caught(ArgumentError, () => Mlp.initialize({ layers: [4, 1], output: 'softmax' }, { kind: 'he' }, 1)).argument).toBe('layers');
    expect(caught(ArgumentError, () => Mlp.initialize({ layers: [4, 1], keepProb: 0 }, { kind: 'he' }, 1)).argument).toBe('keepProb');
    expect(caught(ArgumentError, () => Mlp.initialize({ layers: [4] }, { kind: 'he' }, 1)).argument).toBe('layers');
    expect(caught(ShapeError, () => new Mlp({ layers: [4, 1] }, [{ W: zeros([1, 3]), b: zeros([1, 1]) }])).message).toContain('W1 must be (1, 4) for layers [4, 1], got (1, 3)');
  });
  it('predicts p > 0.5 with a sigmoid output and the most probable class with softmax', () => {
    const sig = new Mlp({ layers: [1, 1] }, [{ W: fromArray([[1]]), b: fromArray([[0]]) }]);
    expect(sig.predict(fromArray([[-1, 0, 2]])).toArray()).toEqual([[0, 0, 1]]);
    const soft = new Mlp({ layers: [2, 3] }, [{ W: fromArray([[1, 0], [0, 1], [-1, -1]]), b: zeros([3, 1]) }]);
    expect(soft.predict(fromArray([[1, 0, -1], [0, 2, -1]])).toArray()).toEqual([[0, 1, 2]]);
  });
  it('checks the labels against the output', () => {
    const net = Mlp.initialize({ layers: [2, 3] }, { kind: 'he' }, 1);
    const e = caught(ShapeError, () => net.cost(zeros([2, 4]), zeros([1, 4])));
    expect(e.message).toBe('Mlp.cost: Y must be one-hot (3, m) labels for X(2, 4), got Y(1, 4)');
    expect(caught(ShapeError, () => net.cost(zeros([5, 4]), zeros([3, 4]))).message).toContain('inputs must be (2, m)');
  });
  it('withParameters evaluates other values and restores the model', () => {
    const net = new Mlp({ layers: [1, 1] }, [{ W: fromArray([[1]]), b: fromArray([[0]]) }]);
    const X = fromArray([[2]]);
    const before = net.probabilities(X).item();
    expect(net.withParameters([fromArray([[0]]), fromArray([[0]])], () => net.probabilities(X).item())).toBe(0.5);
    expect(net.probabilities(X).item()).toBe(before);
  });
  it('oneHot makes one-hot columns and refuses labels outside 0..k-1', () => {
    expect(oneHot(fromArray([[0, 2, 1]]), 3).toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(caught(ArgumentError, () => oneHot(fromArray([[0, 3]]), 3)).message).toBe('oneHot: labels: label 3 at index 1 is not a class in 0..2');
  });
  it('backward fills every parameter gradient', () => {
    const net = Mlp.initialize({ layers: [3, 4, 1] }, { kind: 'he' }, 2);
    const J = net.cost(randn([3, 5], 3), fromArray([[1, 0, 1, 1, 0]]));
    backward(J);
    expect(net.parameters().map((p) => p.value.grad?.shape)).toEqual([[4, 3], [4, 1], [1, 4], [1, 1]]);
  });
});

describe('gradient checks of deep networks', () => {
  // Random biases too: with zero biases, a sample that no unit of a relu layer responds to
  // gives the next layer a score of exactly 0, relu's kink, where central differences see half
  // a slope and no derivative exists.
  const random = (spec: MlpSpec, seed: number): Mlp => {
    const rng = new RandomState(seed);
    const params = spec.layers.slice(1).map((n, i) => ({ W: randn([n, spec.layers[i]!], rng), b: randn([n, 1], rng) }));
    return new Mlp(spec, params);
  };
  const X = randn([6, 12], 5);
  const labels = fromArray([[0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0]]);
  for (const hidden of ['relu', 'leaky-relu', 'tanh', 'sigmoid'] as const) {
    it(`${hidden} hidden layers, sigmoid output, with and without L2`, () => {
      const net = random({ layers: [6, 5, 4, 1], hidden }, 3);
      expect(checkMlpGradients(net, X, labels).maxRelativeError).toBeLessThan(1e-7);
      expect(checkMlpGradients(net, X, labels, { l2: 0.7, loss: 'logits' }).maxRelativeError).toBeLessThan(1e-7);
    });
  }
  it('softmax output on 3 classes', () => {
    const net = random({ layers: [6, 5, 3] }, 4);
    const r = checkMlpGradients(net, X, oneHot(fromArray([[0, 1, 2, 2, 1, 0, 0, 1, 2, 0, 1, 2]]), 3));
    expect(r.inputs.map((c) => c.name)).toEqual(['W1', 'b1', 'W2', 'b2']);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
  });

  let data: CatData;
  beforeAll(async () => {
    data = await loadCatData({ data: SHARED });
  });
  it("the course's L-layer network [12288, 20, 7, 5, 1] on cat images passes below 1e-7", () => {
    const net = Mlp.initialize({ layers: [12288, 20, 7, 5, 1] }, { kind: 'course' }, 1);
    const idx = Array.from({ length: 20 }, (_, j) => j);
    const r = checkMlpGradients(net, takeColumns(data.trainX, idx), takeColumns(data.trainY, idx), { samples: 10, seed: 1 });
    expect(r.inputs.map((c) => [c.name, c.coordinates.length])).toEqual([['W1', 10], ['b1', 10], ['W2', 10], ['b2', 7], ['W3', 10], ['b3', 5], ['W4', 5], ['b4', 1]]);
    expect(r.maxRelativeError).toBeLessThan(1e-7);
  });
});
