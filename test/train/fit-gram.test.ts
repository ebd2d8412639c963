import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import type { HiddenActivation } from '../../src/nn/activations.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Mlp, oneHot } from '../../src/nn/mlp.js';
import { Adam, Momentum } from '../../src/optim/index.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import { fit, type FitOptions, type FitResult, type IterationInfo, type EpochInfo } from '../../src/train/fit.js';
import { chooseMlpEngine, fitGram, gramEngineRefusal } from '../../src/train/fit-gram.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

let data: CatData;
beforeAll(async () => {
  data = await loadCatData({ data: SHARED });
});

interface Case {
  layers: number[];
  init: string;
  seed: number;
  hidden?: HiddenActivation;
  keepProb?: number;
  softmax?: boolean;
  opts: FitOptions;
}

const fresh = (c: Omit<Case, 'opts'>): Mlp => Mlp.initialize({ layers: c.layers, hidden: c.hidden ?? 'relu', keepProb: c.keepProb ?? 1 }, parseInitializer(c.init), c.seed);

/** max over i of |a_i - b_i| / |b_i|. */
function maxRel(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] as number)) / Math.abs(b[i] as number)), 0);
}

/** Each parameter: max |a - b| over max |b|. */
function paramDiffs(a: Mlp, b: Mlp): number[] {
  const pb = b.parameters();
  return a.parameters().map((p, i) => {
    const x = p.value.values();
    const y = pb[i]!.value.values();
    let d = 0;
    let s = 0;
    y.forEach((v, k) => {
      d = Math.max(d, Math.abs((x[k] as number) - v));
      s = Math.max(s, Math.abs(v));
    });
    return s === 0 ? d : d / s;
  });
}

/** Trains the case both ways; the callbacks' records come back with each result. */
function both(c: Case): { plain: FitResult; fast: FitResult; nets: [Mlp, Mlp]; calls: [unknown[], unknown[]] } {
  const Y = c.softmax === true ? oneHot(data.trainY, 2) : data.trainY;
  const calls: [unknown[], unknown[]] = [[], []];
  const nets: [Mlp, Mlp] = [fresh(c), fresh(c)];
  const withCalls = (k: 0 | 1): FitOptions => ({
    ...c.opts,
    onIteration: (i: IterationInfo) => calls[k].push(['it', i.iteration, i.epoch, i.batch, i.learningRate]),
    onEpoch: (e: EpochInfo) => calls[k].push(['ep', e.epoch, e.iterations, e.learningRate]),
  });
  const plain = fit(nets[0], { X: data.trainX, Y }, withCalls(0));
  const fast = fitGram(nets[1], { X: data.trainX, Y }, withCalls(1));
  return { plain, fast, nets, calls };
}

function expectSame(c: Case, costTol: number, paramTol: number): void {
  const { plain, fast, nets, calls } = both(c);
  expect(fast.iterations).toBe(plain.iterations);
  expect(maxRel(fast.costs, plain.costs)).toBeLessThan(costTol);
  expect(maxRel(fast.epochCosts, plain.epochCosts)).toBeLessThan(costTol);
  expect(Math.max(...paramDiffs(nets[1], nets[0]))).toBeLessThan(paramTol);
  // The same callbacks in the same order with the same counters and rates.
  expect(calls[1]).toEqual(calls[0]);
}

const L_LAYER = { layers: [12288, 20, 7, 5, 1], init: 'course', seed: 1 };

describe('fitGram (first layer in the span of the samples) against fit on catvnoncat', () => {
  it("the course's L-layer model, 300 full-batch iterations: the same costs to 1e-12, the same parameters", () => {
    expectSame({ ...L_LAYER, opts: { learningRate: 0.0075, epochs: 300 } }, 1e-12, 1e-10);
  }, 300_000);

  it('momentum, mini-batches of 64 with learning-rate decay', () => {
    const c: Case = { layers: [12288, 5, 1], init: 'he', seed: 3, opts: { learningRate: 0.0075, epochs: 20, batchSize: 64, optimizer: 'momentum', beta: 0.9, decay: { rate: 0.5, interval: 4 } } };
    expectSame(c, 1e-12, 1e-10);
  }, 300_000);

  it('dropout (keep 0.86): the same masks in the same order', () => {
    expectSame({ layers: [12288, 5, 3, 1], init: 'course', seed: 1, keepProb: 0.86, opts: { learningRate: 0.0075, epochs: 40, dropoutSeed: 1 } }, 1e-12, 1e-10);
  }, 300_000);

  it('L2 (λ = 0.7): W1_0 shrinks by its scalar factor, full batch and with momentum on mini-batches', () => {
    expectSame({ layers: [12288, 5, 3, 1], init: 'course', seed: 1, opts: { learningRate: 0.0075, epochs: 40, l2: 0.7 } }, 1e-12, 1e-10);
    expectSame({ layers: [12288, 5, 1], init: 'he', seed: 3, opts: { learningRate: 0.0075, epochs: 10, l2: 5, batchSize: 50, optimizer: 'momentum' } }, 1e-12, 1e-10);
  }, 300_000);

  // At lr 0.05 the tanh run oscillates and doubles rounding differences every few iterations
  // from iteration 25 on (3e-12 by iteration 39, in either engine against the other): 20 here.
  it('a softmax output on 2 classes, tanh hidden units, the stable loss from logits', () => {
    expectSame({ layers: [12288, 5, 2], init: 'course', seed: 1, softmax: true, opts: { learningRate: 0.0075, epochs: 40 } }, 1e-12, 1e-10);
    expectSame({ layers: [12288, 6, 1], init: 'xavier', seed: 2, hidden: 'tanh', opts: { learningRate: 0.05, epochs: 20, loss: 'logits' } }, 1e-12, 1e-10);
  }, 300_000);

  it('takes a Momentum object and leaves it with its state', () => {
    const opt = new Momentum({ learningRate: 0.0075 });
    const r = fitGram(fresh(L_LAYER), { X: data.trainX, Y: data.trainY }, { learningRate: 0.0075, epochs: 3, optimizer: opt });
    expect(r.optimizer).toBe(opt);
    expect(opt.steps).toBe(3);
  });

  it('the plain TypeScript kernels give the wasm kernels’ costs bit for bit', () => {
    const run = (backend: 'js' | 'auto') => fitGram(fresh(L_LAYER), { X: data.trainX, Y: data.trainY }, { learningRate: 0.0075, epochs: 5, backend }).costs;
    expect(run('js')).toEqual(run('auto'));
  });
});

describe('gramEngineRefusal', () => {
  const net = () => fresh(L_LAYER);
  it('accepts gd and momentum, by name or as objects', () => {
    expect(gramEngineRefusal(net(), {})).toBeNull();
    expect(gramEngineRefusal(net(), { optimizer: 'momentum' })).toBeNull();
    expect(gramEngineRefusal(net(), { optimizer: new Momentum({ learningRate: 0.1 }) })).toBeNull();
  });
  it('refuses Adam and RMSProp (not linear in the gradient), and fitGram says why', () => {
    expect(gramEngineRefusal(net(), { optimizer: 'adam' })).toMatch(/^adam is not linear in the gradient/);
    expect(gramEngineRefusal(net(), { optimizer: 'rmsprop' })).toMatch(/^rmsprop is not linear/);
    expect(gramEngineRefusal(net(), { optimizer: new Adam({ learningRate: 0.1 }) })).toMatch(/^adam is not linear/);
    try {
      fitGram(net(), { X: data.trainX, Y: data.trainY }, { learningRate: 0.001, epochs: 1, optimizer: 'adam' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      expect((e as ArgumentError).op).toBe('fit');
      expect((e as ArgumentError).argument).toBe('engine');
    }
  });
});

describe('fitGram formW1', () => {
  const c = { layers: [12288, 4, 1], init: 'he', seed: 3 };
  const W1of = (net: Mlp): number[] => [...net.parameters()[0]!.value.values()];

  it('forms W1 before the chosen update’s callbacks: bit for bit the W1 of a run that ends there', () => {
    const net = fresh(c);
    const W0 = W1of(net);
    const seen = new Map<number, number[]>();
    const opts = { learningRate: 0.01, optimizer: 'momentum' };
    fitGram(net, { X: data.trainX, Y: data.trainY }, { ...opts, epochs: 10, formW1: (i) => i === 4, onIteration: (i) => void seen.set(i.iteration, W1of(net)) });
    expect(seen.get(3)).toEqual(W0);
    const five = fresh(c);
    fitGram(five, { X: data.trainX, Y: data.trainY }, { ...opts, epochs: 5 });
    expect(seen.get(4)).toEqual(W1of(five));
    expect(seen.get(4)).not.toEqual(W0);
  });

  it('is asked after every update, with the epoch and whether the batch ends it', () => {
    const asked: [number, number, boolean][] = [];
    fitGram(fresh(c), { X: data.trainX, Y: data.trainY }, { learningRate: 0.01, epochs: 2, batchSize: 100, formW1: (i, e, last) => (asked.push([i, e, last]), false) });
    // 209 samples in batches of 100: 3 updates an epoch.
    expect(asked).toEqual([[0, 0, false], [1, 0, false], [2, 0, true], [3, 1, false], [4, 1, false], [5, 1, true]]);
  });
});

describe('chooseMlpEngine', () => {
  const net = () => fresh(L_LAYER);
  it('fast by default where it pays, plain when asked, plain with the reason otherwise', () => {
    expect(chooseMlpEngine(net(), {})).toEqual({ engine: 'fast' });
    expect(chooseMlpEngine(net(), {}, 'fast', 209)).toEqual({ engine: 'fast' });
    expect(chooseMlpEngine(net(), { optimizer: 'adam' }, 'plain')).toEqual({ engine: 'plain' });
    expect(chooseMlpEngine(net(), { optimizer: 'adam' }).note).toMatch(/^adam is not linear/);
    expect(chooseMlpEngine(net(), {}, 'fast', 12288)).toEqual({ engine: 'plain', note: expect.stringMatching(/^with 12288 samples of 12288 features/) });
    const wide = Mlp.initialize({ layers: [20000, 3, 1] }, { kind: 'he' }, 1);
    expect(chooseMlpEngine(wide, {}, 'fast', 10000).note).toBe('the 10000 x 10000 Gram matrix of the fast engine would take 763 MiB');
  });
});
