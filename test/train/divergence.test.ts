/**
 * Divergence and pausing below the CLI: every engine stops at the first non-finite cost with
 * the parameters of the iteration before (bit for bit those of a run that many iterations
 * long), and a run paused after every iteration and resumed ends with the same bits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/rng.js';
import { gramFromColumns, gramDescent, jsGramStepper } from '../../src/kernels/logistic-gram.js';
import { optimize, initializeWithZeros } from '../../src/nn/logistic.js';
import { optimizeAutodiff } from '../../src/nn/logistic-autodiff.js';
import { FastModelRun } from '../../src/nn/logistic-fast.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Mlp } from '../../src/nn/mlp.js';
import { fromArray } from '../../src/tensor/index.js';
import { runInSlices } from '../../src/train/control.js';
import { fit, FitRun } from '../../src/train/fit.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import { SingleNeuronRun } from '../../src/train/single-neuron.js';
import { DATASETS } from '../data/fixtures.js';

let data: CatData;
beforeAll(async () => {
  data = await loadCatData({ data: DATASETS });
});

const bits = (v: ArrayLike<number>): string => Buffer.from(Float64Array.from(v).buffer).toString('hex');

describe('divergence keeps the parameters of the last finite cost', () => {
  // At learning rate 0.5 the notes' neuron saturates (σ = 1 exactly) at iteration 2.
  it.each([
    ['optimize', optimize],
    ['optimizeAutodiff', optimizeAutodiff],
  ] as const)('%s: stops at iteration 2 with the parameters after 1 update', (_name, opt) => {
    const { w, b } = initializeWithZeros(12288);
    const r = opt(w, b, data.trainX, data.trainY, { numIterations: 50, learningRate: 0.5 });
    expect(r.diverged).toEqual({ iteration: 2, cost: Number.NaN, kept: 1 });
    expect(r.iterations).toBe(2);
    const one = opt(w, b, data.trainX, data.trainY, { numIterations: 1, learningRate: 0.5 });
    expect(r.diverged).toBeDefined();
    expect(bits(r.params.w.values())).toBe(bits(one.params.w.values()));
    expect(r.params.b).toBe(one.params.b);
  }, 30_000);

  it('the fast engine stops where the plain one does, with the parameters after 1 update', () => {
    const run = new FastModelRun(data.train.x, data.train.y, data.test.x, data.test.y, { numIterations: 50, learningRate: 0.5 });
    expect(run.advance()).toBe(true);
    expect(run.diverged).toEqual({ iteration: 2, cost: Number.NaN, kept: 1 });
    const one = new FastModelRun(data.train.x, data.train.y, data.test.x, data.test.y, { numIterations: 1, learningRate: 0.5 });
    one.advance();
    expect(bits(run.result().w.values())).toBe(bits(one.result().w.values()));
    expect(run.result().b).toBe(one.result().b);
  });

  it('gramDescent goes back one step across a pause, too', () => {
    // Two close samples with opposite labels and a huge rate: the steps swing wider until A saturates (iteration 7).
    const x = Float64Array.from([1, 0.9, 0.3, 0.35]);
    const G = new Float64Array(4);
    gramFromColumns(x, 2, 2, G);
    const y = Float64Array.from([1, 0]);
    const whole = gramDescent(jsGramStepper(G, y, { learningRate: 80, float32: false }), y, 0, { numIterations: 100, recordEvery: 1 });
    expect(whole.diverged).toBeDefined();
    const k = whole.diverged?.iteration as number;
    expect(k).toBe(7);
    expect(whole.diverged?.kept).toBe(k - 1);
    // One iteration per call, resuming with the previous state each time.
    const stepper = jsGramStepper(G, y, { learningRate: 80, float32: false });
    let r = gramDescent(stepper, y, 0, { numIterations: 100, recordEvery: 1, pause: () => true });
    while (r.diverged === undefined && r.iterations < 100) {
      r = gramDescent(stepper, y, r.b, { numIterations: 100, recordEvery: 1, startIteration: r.iterations, pause: () => true, ...(r.previous ? { previous: r.previous } : {}) });
    }
    expect(r.diverged).toEqual(whole.diverged);
    expect(bits(r.c)).toBe(bits(whole.c));
    expect(r.b).toBe(whole.b);
  });

  it('fit stops at the first non-finite batch cost with the parameters before it', () => {
    const rng = new RandomState(3);
    const X = fromArray(rng.randnArray(4 * 32), [4, 32]);
    const Y = fromArray(Array.from({ length: 32 }, (_, j) => j % 2), [1, 32]);
    const make = (): Mlp => Mlp.initialize({ layers: [4, 3, 1], hidden: 'relu', keepProb: 1 }, parseInitializer('he'), 2);
    const net = make();
    const r = fit(net, { X, Y }, { learningRate: 1e4, epochs: 50, optimizer: 'gd' });
    expect(r.diverged).toBeDefined();
    const kept = r.diverged?.kept as number;
    expect(r.iterations).toBe(r.diverged?.iteration);
    const ref = make();
    if (kept > 0) fit(ref, { X, Y }, { learningRate: 1e4, epochs: kept, optimizer: 'gd' });
    expect(net.parameters().map((p) => bits(p.value.values()))).toEqual(ref.parameters().map((p) => bits(p.value.values())));
  });
});

describe('a run paused after every iteration ends with the same bits', () => {
  it('the single neuron, each engine', async () => {
    for (const engine of ['fast', 'plain'] as const) {
      const settings = { engine, iterations: 12, learningRate: 0.005, printEvery: 5, dtype: 'float64' as const };
      const whole = new SingleNeuronRun(data, settings);
      whole.advance();
      const sliced = new SingleNeuronRun(data, settings);
      // A resumed run from each pause's checkpoint.
      let run = sliced;
      while (!run.advance(() => true)) run = new SingleNeuronRun(data, settings, undefined, run.checkpoint());
      const [a, b] = [whole.result(), run.result()];
      expect(bits(b.w.values())).toBe(bits(a.w.values()));
      expect(b.b).toBe(a.b);
      expect(b.costs).toEqual(a.costs);
    }
  }, 60_000);

  it('fit with Adam, mini-batches and dropout, in slices of one update, resumed from its state', async () => {
    const rng = new RandomState(5);
    const X = fromArray(rng.randnArray(6 * 40), [6, 40]);
    const Y = fromArray(Array.from({ length: 40 }, (_, j) => (j * 7) % 3 === 0 ? 1 : 0), [1, 40]);
    const make = (): Mlp => Mlp.initialize({ layers: [6, 5, 1], hidden: 'relu', keepProb: 0.8 }, parseInitializer('he'), 4);
    const opts = { learningRate: 0.01, epochs: 4, optimizer: 'adam', batchSize: 16, dropoutSeed: 9 } as const;
    const a = make();
    const ra = fit(a, { X, Y }, opts);
    let net = make();
    let run = new FitRun(net, { X, Y }, opts);
    while (!(await runInSlices(run, () => true, 0))) {
      const state = run.state();
      const values = net.parameters().map((p) => p.value);
      net = make();
      net.parameters().forEach((p, i) => (p.value = values[i] as (typeof values)[number]));
      run = new FitRun(net, { X, Y }, { ...opts, resume: state });
    }
    expect(run.result().costs).toEqual(ra.costs);
    expect(net.parameters().map((p) => bits(p.value.values()))).toEqual(a.parameters().map((p) => bits(p.value.values())));
  });
});
