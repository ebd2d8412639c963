import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FloatDType } from '../../src/core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { model, optimize, predict, type ModelResult } from '../../src/nn/logistic.js';
import { modelFast, optimizeFast, predictFast, type FastBackend } from '../../src/nn/logistic-fast.js';
import { astype, fromArray, Tensor, zeros } from '../../src/tensor/index.js';
import { flattenImages, loadCatData, type CatData } from '../../src/train/dataset.js';
import { prng } from '../kernels/layout.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

// ../shared/datasets/README.md: float64, zeros, lr 0.005, 2000 iterations, pixels / 255.
const REFERENCE_COSTS = [
  '0.693147', '0.584508', '0.466949', '0.376007', '0.331463', '0.303273', '0.279880', '0.260042', '0.242941', '0.228004',
  '0.214820', '0.203078', '0.192544', '0.183033', '0.174399', '0.166521', '0.159305', '0.152667', '0.146542', '0.140872',
];

/** max |a - b| / max |b|: relative to the vector's size, as a per-element ratio means nothing where b ≈ 0. */
function relDiff(a: Tensor | readonly number[], b: Tensor | readonly number[]): number {
  const x = a instanceof Tensor ? Array.from(a.values()) : a;
  const y = b instanceof Tensor ? Array.from(b.values()) : b;
  expect(x.length).toBe(y.length);
  let d = 0;
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    d = Math.max(d, Math.abs((x[i] as number) - (y[i] as number)));
    s = Math.max(s, Math.abs(y[i] as number));
  }
  return s === 0 ? d : d / s;
}

// Random uint8 images (m, h, w, 3) with 0/1 labels.
const imagesArb = fc.record({
  m: fc.integer({ min: 1, max: 12 }),
  h: fc.integer({ min: 1, max: 4 }),
  w: fc.integer({ min: 1, max: 4 }),
  seed: fc.nat(),
});

function images({ m, h, w, seed }: { m: number; h: number; w: number; seed: number }): { x: Tensor; y: Tensor } {
  const rand = prng(seed);
  const x = new Tensor(Uint8Array.from({ length: m * h * w * 3 }, () => Math.floor(rand() * 256)), [m, h, w, 3], 'uint8');
  const y = new Tensor(Float64Array.from({ length: m }, () => (rand() < 0.5 ? 0 : 1)), [1, m], 'float64');
  return { x, y };
}

const SETTINGS = { numIterations: 40, learningRate: 0.05, recordEvery: 7 };
const BACKENDS: FastBackend[] = ['auto', 'js'];

describe('optimizeFast against optimize (float64)', () => {
  it('gives the same costs, w, b and last gradients from uint8 images and from flattened X', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const { x, y } = images(spec);
        const X = flattenImages(x);
        const n = X.shape[0] as number;
        const plain = optimize(zeros([n, 1]), 0, X, y, SETTINGS);
        for (const input of [x, X]) {
          for (const backend of BACKENDS) {
            const fast = optimizeFast(zeros([n, 1]), 0, input, y, { ...SETTINGS, backend });
            expect(fast.costs.map((c) => c.iteration)).toEqual(plain.costs.map((c) => c.iteration));
            expect(relDiff(fast.costs.map((c) => c.cost), plain.costs.map((c) => c.cost))).toBeLessThan(1e-12);
            expect(relDiff(fast.params.w, plain.params.w)).toBeLessThan(1e-12);
            expect(Math.abs(fast.params.b - plain.params.b)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(plain.params.b), 1e-3));
            expect(relDiff(fast.grads.dw, plain.grads.dw)).toBeLessThan(1e-10);
            expect(Math.abs(fast.grads.db - plain.grads.db)).toBeLessThan(1e-12);
            expect(fast.params.w.shape).toEqual([n, 1]);
            expect(fast.params.w.dtype).toBe('float64');
          }
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('gives the same from a float X that is not pixels / 255 (the float Gram path)', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const { x, y } = images(spec);
        const rand = prng(spec.seed + 5);
        // Pixels / 255 plus noise: not pixels any more.
        const X = flattenImages(x).add(new Tensor(Float64Array.from({ length: x.size }, () => (rand() - 0.5) * 1e-3), [x.size / spec.m, spec.m]));
        const n = X.shape[0] as number;
        const plain = optimize(zeros([n, 1]), 0, X, y, SETTINGS);
        for (const backend of BACKENDS) {
          const fast = optimizeFast(zeros([n, 1]), 0, X, y, { ...SETTINGS, backend });
          expect(relDiff(fast.costs.map((c) => c.cost), plain.costs.map((c) => c.cost))).toBeLessThan(1e-12);
          expect(relDiff(fast.params.w, plain.params.w)).toBeLessThan(1e-12);
          expect(Math.abs(fast.params.b - plain.params.b)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(plain.params.b), 1e-3));
        }
      }),
      { seed: 3, numRuns: 30 },
    );
  });

  it('starts from non-zero w and b like the plain path', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const { x, y } = images(spec);
        const X = flattenImages(x);
        const n = X.shape[0] as number;
        const rand = prng(spec.seed + 3);
        const w0 = new Tensor(Float64Array.from({ length: n }, () => (rand() - 0.5) * 0.01), [n, 1]);
        const b0 = rand() - 0.5;
        const plain = optimize(w0, b0, X, y, SETTINGS);
        const fast = optimizeFast(w0, b0, x, y, SETTINGS);
        expect(relDiff(fast.costs.map((c) => c.cost), plain.costs.map((c) => c.cost))).toBeLessThan(1e-12);
        expect(relDiff(fast.params.w, plain.params.w)).toBeLessThan(1e-12);
        expect(Math.abs(fast.params.b - plain.params.b)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(plain.params.b), 1e-3));
      }),
      { seed: 7, numRuns: 30 },
    );
  });

  it('reports each recorded cost through onCost, in order', () => {
    const { x, y } = images({ m: 5, h: 2, w: 2, seed: 1 });
    const seen: [number, number][] = [];
    const fast = optimizeFast(zeros([12, 1]), 0, x, y, { ...SETTINGS, onCost: (i, c) => seen.push([i, c]) });
    expect(seen).toEqual(fast.costs.map((c) => [c.iteration, c.cost]));
    expect(seen.map(([i]) => i)).toEqual([0, 7, 14, 21, 28, 35]);
  });
});

describe('optimizeFast in float32', () => {
  it('keeps float32 parameters, close to the plain float32 path', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const { x, y } = images(spec);
        const X = flattenImages(x, 'float32');
        const n = X.shape[0] as number;
        const plain = optimize(zeros([n, 1], 'float32'), 0, X, astype(y, 'float32'), SETTINGS);
        for (const input of [x, X]) {
          const fast = optimizeFast(zeros([n, 1], 'float32'), 0, input, y, SETTINGS);
          expect(fast.params.w.dtype).toBe('float32');
          expect(Math.fround(fast.params.b)).toBe(fast.params.b);
          expect(relDiff(fast.costs.map((c) => c.cost), plain.costs.map((c) => c.cost))).toBeLessThan(1e-5);
          expect(relDiff(fast.params.w, plain.params.w)).toBeLessThan(1e-5);
        }
      }),
      { seed: 42, numRuns: 30 },
    );
  });
});

describe('modelFast against model', () => {
  it('predicts the same labels with the same accuracies', () => {
    fc.assert(
      fc.property(imagesArb, imagesArb, (trainSpec, testSpec) => {
        const train = images(trainSpec);
        const test = images({ ...testSpec, h: trainSpec.h, w: trainSpec.w });
        const opts = { numIterations: 30, learningRate: 0.05 };
        const plain = model(flattenImages(train.x), train.y, flattenImages(test.x), test.y, opts);
        const fast = modelFast(train.x, train.y, test.x, test.y, opts);
        expectSameModel(fast, plain, 1e-12);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('keeps the notes defaults: 2000 iterations at learning rate 0.5', () => {
    const { x, y } = images({ m: 4, h: 1, w: 1, seed: 5 });
    const fast = modelFast(x, y, x, y);
    expect(fast.numIterations).toBe(2000);
    expect(fast.learningRate).toBe(0.5);
    expect(fast.costs).toHaveLength(20);
  });
});

function expectSameModel(fast: ModelResult, plain: ModelResult, tol: number): void {
  expect(fast.YPredictionTrain.toArray()).toEqual(plain.YPredictionTrain.toArray());
  expect(fast.YPredictionTest.toArray()).toEqual(plain.YPredictionTest.toArray());
  expect(fast.trainAccuracy).toBe(plain.trainAccuracy);
  expect(fast.testAccuracy).toBe(plain.testAccuracy);
  expect(relDiff(fast.costs.map((c) => c.cost), plain.costs.map((c) => c.cost))).toBeLessThan(tol);
  expect(relDiff(fast.w, plain.w)).toBeLessThan(tol);
  expect(fast.w.dtype).toBe(plain.w.dtype);
}

describe('predictFast', () => {
  it('equals predict on images and on flattened X', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const { x } = images(spec);
        const X = flattenImages(x);
        const n = X.shape[0] as number;
        const rand = prng(spec.seed);
        const w = new Tensor(Float64Array.from({ length: n }, () => rand() - 0.5), [n, 1]);
        const expected = predict(w, 0.1, X).toArray();
        expect(predictFast(w, 0.1, x).toArray()).toEqual(expected);
        expect(predictFast(w, 0.1, X).toArray()).toEqual(expected);
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});

describe('without WebAssembly', () => {
  it('auto falls back to the plain kernels with the same results; wasm refuses', async () => {
    const { x, y } = images({ m: 6, h: 2, w: 3, seed: 11 });
    const opts = { numIterations: 50, learningRate: 0.05, recordEvery: 10 };
    const withWasm = modelFast(x, y, x, y, opts);
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const fast = await import('../../src/nn/logistic-fast.js');
      const errors = await import('../../src/core/errors.js');
      const plain = fast.modelFast(x, y, x, y, opts);
      expect(plain.costs).toEqual(withWasm.costs);
      expect(plain.w.toArray()).toEqual(withWasm.w.toArray());
      expect(plain.b).toBe(withWasm.b);
      try {
        fast.modelFast(x, y, x, y, { ...opts, backend: 'wasm' });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(errors.ArgumentError);
        expect((e as ArgumentError).argument).toBe('backend');
      }
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('argument checks', () => {
  const { x, y } = images({ m: 3, h: 2, w: 2, seed: 9 });
  const opts = { numIterations: 2, learningRate: 0.1 };
  function caught(f: () => unknown): unknown {
    try {
      f();
    } catch (e) {
      return e;
    }
    return expect.unreachable();
  }
  it('names the bad shape of Y and w', () => {
    const e = caught(() => optimizeFast(zeros([12, 1]), 0, x, zeros([1, 4]), opts));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as ShapeError).op).toBe('optimizeFast');
    expect((e as ShapeError).shapes).toEqual([[3, 2, 2, 3], [1, 4]]);
    const e2 = caught(() => optimizeFast(zeros([11, 1]), 0, x, y, opts));
    expect(e2).toBeInstanceOf(ShapeError);
    expect((e2 as ShapeError).message).toContain('w(11, 1)');
  });
  it('refuses integer X that is not uint8 images', () => {
    const e = caught(() => optimizeFast(zeros([3, 1]), 0, zeros([3, 3], 'int32'), y, opts));
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).dtypes).toEqual(['int32']);
  });
  it('refuses bad settings like optimize', () => {
    const e = caught(() => optimizeFast(zeros([12, 1]), 0, x, y, { numIterations: 0, learningRate: 0.1 }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as ArgumentError).argument).toBe('numIterations');
  });
  it('checks that train and test images have the same size', () => {
    const other = images({ m: 2, h: 1, w: 2, seed: 3 });
    const e = caught(() => modelFast(x, y, other.x, other.y, opts));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as ShapeError).op).toBe('modelFast');
    const e2 = caught(() => modelFast(x, y, x, fromArray([[1, 0]]), opts));
    expect(e2).toBeInstanceOf(ShapeError);
    expect((e2 as ShapeError).message).toContain('YTest');
  });
});

describe('the fast path on catvnoncat (full reference run)', () => {
  const opts = { numIterations: 2000, learningRate: 0.005, recordEvery: 100 };
  const runs: Partial<Record<FloatDType, { data: CatData; plain: ModelResult }>> = {};
  beforeAll(async () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const data = await loadCatData({ data: SHARED }, dtype);
      runs[dtype] = { data, plain: model(data.trainX, data.trainY, data.testX, data.testY, opts) };
    }
  }, 300_000);

  it('float64: equals the plain path to 1e-12 and prints the reference figures', () => {
    const { data, plain } = runs.float64 ?? expect.unreachable();
    const byBackend = BACKENDS.map((backend) => modelFast(data.train.x, data.train.y, data.test.x, data.test.y, { ...opts, backend }));
    // The wasm kernels do the plain kernels' arithmetic in the same order.
    expect(byBackend[0]?.costs).toEqual(byBackend[1]?.costs);
    expect(byBackend[0]?.w.toArray()).toEqual(byBackend[1]?.w.toArray());
    expect(byBackend[0]?.b).toBe(byBackend[1]?.b);
    for (const fromImages of byBackend) {
      expectSameModel(fromImages, plain, 1e-12);
      expect(Math.abs(fromImages.b - plain.b) / Math.abs(plain.b)).toBeLessThan(1e-12);
      expect(fromImages.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
      expect(fromImages.trainAccuracy).toBe(99.04306220095694);
      expect(fromImages.testAccuracy).toBe(70.0);
    }
    // The flattened X is recognised as pixels / 255: the same integer path, the same bits.
    const fromX = modelFast(data.trainX, data.trainY, data.testX, data.testY, opts);
    expect(fromX.costs).toEqual(byBackend[0]?.costs);
    expect(fromX.w.toArray()).toEqual(byBackend[0]?.w.toArray());
    expect(fromX.b).toBe(byBackend[0]?.b);
  });

  it('float32: close to the plain float32 path, same predictions', () => {
    const { data, plain } = runs.float32 ?? expect.unreachable();
    const fast = modelFast(data.train.x, data.trainY, data.test.x, data.testY, { ...opts, dtype: 'float32' });
    expectSameModel(fast, plain, 1e-5);
    expect(Math.abs(fast.b - plain.b) / Math.abs(plain.b)).toBeLessThan(1e-5);
  });
});
