import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { Mlp } from '../../src/nn/mlp.js';
import { Adam } from '../../src/optim/index.js';
import { fromArray, randn } from '../../src/tensor/index.js';
import { fit, type EpochInfo, type FitOptions, type IterationInfo } from '../../src/train/fit.js';

const X = randn([4, 10], 7);
const Y = fromArray([[1, 0, 0, 1, 1, 0, 1, 0, 1, 1]]);
const fresh = (keepProb = 1): Mlp => Mlp.initialize({ layers: [4, 3, 1], keepProb }, { kind: 'he' }, 2);

describe('fit', () => {
  it('full batch: one iteration per epoch, callbacks in order, the cost before each update', () => {
    const its: IterationInfo[] = [];
    const eps: EpochInfo[] = [];
    const net = fresh();
    const before = net.cost(X, Y).item();
    const r = fit(net, { X, Y }, { learningRate: 0.1, epochs: 3, onIteration: (i) => its.push(i), onEpoch: (e) => eps.push(e) });
    expect(its.map((i) => [i.iteration, i.epoch, i.batch])).toEqual([[0, 0, 0], [1, 1, 0], [2, 2, 0]]);
    expect(its[0]!.cost).toBe(before);
    expect(eps.map((e) => [e.epoch, e.iterations])).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(r.costs).toEqual(its.map((i) => i.cost));
    expect(r.epochCosts.map((c, i) => c - r.costs[i]!)).toEqual([0, 0, 0].map(() => expect.closeTo(0, 15)));
    expect(r.iterations).toBe(3);
    expect(net.cost(X, Y).item()).toBeLessThan(before);
  });
  it('mini-batches: ceil(m / size) updates per epoch, the epoch cost the sample-weighted mean', () => {
    const its: IterationInfo[] = [];
    const r = fit(fresh(), { X, Y }, { learningRate: 0.1, epochs: 2, batchSize: 4, onIteration: (i) => its.push(i) });
    expect(its.map((i) => [i.epoch, i.batch])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    const c = r.costs;
    expect(r.epochCosts[0]).toBeCloseTo((4 * c[0]! + 4 * c[1]! + 2 * c[2]!) / 10, 15);
  });
  it('decays the learning rate per epoch', () => {
    const rates: number[] = [];
    fit(fresh(), { X, Y }, { learningRate: 0.4, epochs: 4, decay: { rate: 1, interval: 2 }, onEpoch: (e) => rates.push(e.learningRate) });
    expect(rates).toEqual([0.4, 0.4, 0.2, 0.2]);
  });
  it('dropout masks come from the seeded stream: the same seed repeats the run, another differs', () => {
    const run = (seed: number) => fit(fresh(0.7), { X, Y }, { learningRate: 0.1, epochs: 5, dropoutSeed: seed }).costs;
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    // Without dropout the masks are never drawn, so the dropout seed changes nothing.
    const plain = (seed: number) => fit(fresh(), { X, Y }, { learningRate: 0.1, epochs: 3, dropoutSeed: seed }).costs;
    expect(plain(1)).toEqual(plain(2));
  });
  it('the stable loss from logits follows the same path as the course formula', () => {
    const a = fit(fresh(), { X, Y }, { learningRate: 0.1, epochs: 20 }).costs;
    const b = fit(fresh(), { X, Y }, { learningRate: 0.1, epochs: 20, loss: 'logits' }).costs;
    b.forEach((c, i) => expect(c).toBeCloseTo(a[i]!, 12));
  });
  it('takes an optimiser object and leaves it with its state', () => {
    const adam = new Adam({ learningRate: 0.01 });
    const r = fit(fresh(), { X, Y }, { learningRate: 0.01, epochs: 3, optimizer: adam });
    expect(r.optimizer).toBe(adam);
    expect(adam.steps).toBe(3);
  });

  describe('refuses bad settings before training', () => {
    const cases: [string, Partial<FitOptions>, string][] = [
      ['learning rate 0', { learningRate: 0 }, 'fit: learningRate: must be a positive number, got 0'],
      ['negative learning rate', { learningRate: -1 }, 'fit: learningRate: must be a positive number, got -1'],
      ['epochs 0', { epochs: 0 }, 'fit: epochs: must be a positive integer, got 0'],
      ['batch size 2.5', { batchSize: 2.5 }, 'fit: batchSize: must be a positive integer, got 2.5'],
      ['negative L2', { l2: -0.1 }, 'fit: l2: must be a number >= 0, got -0.1'],
      ['unknown optimiser', { optimizer: 'adadelta' }, "fit: optimizer: unknown optimizer 'adadelta', expected one of gd, momentum, rmsprop, adam"],
      ['negative decay', { decay: { rate: -1 } }, 'fit: decay: must be a number >= 0, got -1'],
      ['shuffle seed past 2**32', { shuffleSeed: 2 ** 32 - 2 }, 'fit: shuffleSeed: must be an integer in 0..2**32-1'],
    ];
    for (const [name, bad, message] of cases) {
      it(name, () => {
        const net = fresh();
        let called = false;
        try {
          fit(net, { X, Y }, { learningRate: 0.1, epochs: 2, ...bad, onIteration: () => (called = true) });
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(ArgumentError);
          expect((e as Error).message).toContain(message);
        }
        expect(called).toBe(false);
      });
    }
    it('data with different sample counts', () => {
      expect(() => fit(fresh(), { X, Y: fromArray([[1, 0]]) }, { learningRate: 0.1, epochs: 1 })).toThrow(ShapeError);
    });
  });
});
