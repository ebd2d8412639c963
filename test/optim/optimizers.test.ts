import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../../src/core/errors.js';
import { Adam, checkDecay, createOptimizer, decayedLearningRate, GradientDescent, Momentum, RMSProp, type Optimizer } from '../../src/optim/index.js';
import { fromArray, zeros, type Tensor } from '../../src/tensor/index.js';

// Two parameters (a vector and a 1x1 bias) and two steps of gradients, updated by hand below.
const W0 = [1, 2];
const b0 = 0.5;
const g1 = { W: [0.5, -1], b: 0.2 };
const g2 = { W: [1, 1], b: -0.4 };
const lr = 0.1;

function twoSteps(opt: Optimizer): { W: number[]; b: number }[] {
  let params: Tensor[] = [fromArray(W0), fromArray([[b0]])];
  const out: { W: number[]; b: number }[] = [];
  for (const g of [g1, g2]) {
    params = opt.step(params, [fromArray(g.W), fromArray([[g.b]])]);
    out.push({ W: Array.from(params[0]!.values()), b: params[1]!.item() });
  }
  return out;
}

/** The same update applied coordinate by coordinate in plain numbers. */
function byHand(update: (x: number, g: number, state: number[], t: number) => number): { W: number[]; b: number }[] {
  const xs = [...W0, b0];
  const states = xs.map(() => [0, 0]);
  const out: { W: number[]; b: number }[] = [];
  [g1, g2].forEach((g, k) => {
    const gs = [...g.W, g.b];
    xs.forEach((x, i) => (xs[i] = update(x, gs[i]!, states[i]!, k + 1)));
    out.push({ W: [xs[0]!, xs[1]!], b: xs[2]! });
  });
  return out;
}

const close = (got: { W: number[]; b: number }[], want: { W: number[]; b: number }[]): void => {
  expect(got.map((s) => [...s.W, s.b])).toEqual(want.map((s) => [...s.W, s.b].map((v) => expect.closeTo(v, 14))));
};

describe('optimiser steps against hand-computed updates', () => {
  it('gradient descent: W - α dW', () => {
    const steps = twoSteps(new GradientDescent({ learningRate: lr }));
    expect(steps[0]).toEqual({ W: [0.95, 2.1], b: 0.48 });
    close(steps, byHand((x, g) => x - lr * g));
  });
  it('momentum: v = βv + (1-β)dW, W - αv', () => {
    const steps = twoSteps(new Momentum({ learningRate: lr, beta: 0.9 }));
    // v1 = 0.1·g1 = [0.05, -0.1]; v2 = 0.9·v1 + 0.1·g2 = [0.145, 0.01]
    close(steps, [{ W: [0.995, 2.01], b: 0.498 }, { W: [0.9805, 2.009], b: 0.498 - lr * (0.9 * 0.02 + 0.1 * -0.4) }]);
    close(steps, byHand((x, g, s) => ((s[0] = 0.9 * s[0]! + (1 - 0.9) * g), x - lr * s[0])));
  });
  it('RMSProp: s = β₂s + (1-β₂)dW², W - α dW / (√s + ε)', () => {
    const steps = twoSteps(new RMSProp({ learningRate: lr }));
    close(steps, byHand((x, g, s) => ((s[1] = 0.999 * s[1]! + (1 - 0.999) * (g * g)), x - (lr * g) / (Math.sqrt(s[1]) + 1e-8))));
    // The first step moves each coordinate by about α/√(1-β₂) in the gradient's direction.
    expect(steps[0]!.W[0]).toBeCloseTo(1 - lr / Math.sqrt(0.001), 5);
  });
  it('Adam with bias correction: the first step is α·sign(dW), the second follows the course', () => {
    const steps = twoSteps(new Adam({ learningRate: lr }));
    expect(steps[0]!.W).toEqual([expect.closeTo(0.9, 7), expect.closeTo(2.1, 7)]);
    expect(steps[0]!.b).toBeCloseTo(0.4, 7);
    close(
      steps,
      byHand((x, g, s, t) => {
        s[0] = 0.9 * s[0]! + (1 - 0.9) * g;
        s[1] = 0.999 * s[1]! + (1 - 0.999) * (g * g);
        const vHat = s[0] / (1 - 0.9 ** t);
        const sHat = s[1] / (1 - 0.999 ** t);
        return x - (lr * vHat) / (Math.sqrt(sHat) + 1e-8);
      }),
    );
  });
  it('counts steps (Adam’s t) and lets a schedule change the learning rate between steps', () => {
    const opt = createOptimizer('adam', { learningRate: lr });
    expect(opt.name).toBe('adam');
    twoSteps(opt);
    expect(opt.steps).toBe(2);
    const gd = createOptimizer('gd', { learningRate: 1 });
    gd.learningRate = 0.5;
    expect(gd.step([fromArray([1])], [fromArray([1])])[0]!.toArray()).toEqual([0.5]);
  });
  it('results are plain tensors: nothing is recorded for autodiff', () => {
    const w = fromArray([1, 2]);
    w.requiresGrad = true;
    const [next] = new GradientDescent({ learningRate: 0.1 }).step([w], [fromArray([1, 1])]);
    expect(next!.requiresGrad).toBe(false);
    expect(next!.node).toBeNull();
  });
});

describe('optimiser settings', () => {
  const argErr = (run: () => unknown): ArgumentError => {
    try {
      run();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      return e as ArgumentError;
    }
    throw new Error('expected an ArgumentError');
  };
  it('a learning rate <= 0 or not finite is an ArgumentError', () => {
    for (const bad of [0, -0.1, Number.NaN, Infinity]) expect(argErr(() => new GradientDescent({ learningRate: bad })).argument).toBe('learningRate');
    expect(argErr(() => createOptimizer('adam', { learningRate: 0 })).message).toBe('optimizer: learningRate: must be a positive number, got 0');
  });
  it('an unknown optimiser is an ArgumentError listing the known ones', () => {
    const e = argErr(() => createOptimizer('adagrad', { learningRate: 0.1 }));
    expect(e.message).toBe("createOptimizer: optimizer: unknown optimizer 'adagrad', expected one of gd, momentum, rmsprop, adam");
  });
  it('betas must be in [0, 1) and ε > 0', () => {
    expect(argErr(() => new Momentum({ learningRate: 0.1, beta: 1 })).argument).toBe('beta');
    expect(argErr(() => new Adam({ learningRate: 0.1, beta1: -0.1 })).argument).toBe('beta1');
    expect(argErr(() => new Adam({ learningRate: 0.1, beta2: 1.5 })).argument).toBe('beta2');
    expect(argErr(() => new RMSProp({ learningRate: 0.1, epsilon: 0 })).argument).toBe('epsilon');
  });
  it('gradients must match their parameters, and parameters keep their shapes across steps', () => {
    const opt = new Momentum({ learningRate: 0.1 });
    expect(() => opt.step([zeros([2])], [zeros([3])])).toThrow(ShapeError);
    opt.step([zeros([2])], [zeros([2])]);
    try {
      opt.step([zeros([3])], [zeros([3])]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as ShapeError).message).toBe('momentum.step: parameter 0 is (3,) (first step (2,)), its gradient (3,)');
    }
    expect(argErr(() => opt.step([zeros([2])], [])).argument).toBe('grads');
  });
});

describe('learning-rate decay', () => {
  it("is the course's update_lr and schedule_lr_decay", () => {
    // update_lr(0.5, epoch_num=2, decay_rate=1) = 0.16666666666666666
    expect(decayedLearningRate(0.5, 2, { rate: 1 })).toBe(0.5 / 3);
    expect(decayedLearningRate(0.5, 0, { rate: 1 })).toBe(0.5);
    // schedule_lr_decay(0.5, epoch_num, decay_rate=0.3, time_interval=1000)
    expect(decayedLearningRate(0.5, 999, { rate: 0.3, interval: 1000 })).toBe(0.5);
    expect(decayedLearningRate(0.5, 1000, { rate: 0.3, interval: 1000 })).toBe(0.5 / 1.3);
    expect(decayedLearningRate(0.5, 2500, { rate: 0.3, interval: 1000 })).toBe(0.5 / 1.6);
  });
  it('refuses a negative rate or a non-integer interval', () => {
    expect(() => checkDecay('fit', { rate: -1 })).toThrow(ArgumentError);
    expect(() => checkDecay('fit', { rate: 1, interval: 0 })).toThrow(/decayInterval: must be a positive integer, got 0/);
  });
});
