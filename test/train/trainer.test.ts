// The one training loop on a small problem: the order of updates, epochs and records, the
// epoch cost as the sample-weighted mean of its batches, the learning-rate decay, seeded
// dropout, divergence with its roll-back, resuming, and settings refused before training.
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import type { ForwardContext } from '../../src/nn/module.js';
import { parseInitializer } from '../../src/nn/init.js';
import { lossOfScores } from '../../src/nn/loss.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import type { Sequential } from '../../src/nn/sequential.js';
import { GradientDescent, type Optimizer } from '../../src/optim/index.js';
import { fromArray, randn } from '../../src/tensor/index.js';
import { AutodiffStep, type LossSettings } from '../../src/train/step-autodiff.js';
import { Trainer, type CostRecord, type Snapshot, type StepOutcome, type StepStrategy, type TrainerOptions, type UpdateInfo } from '../../src/train/trainer.js';
import { caught } from '../course/helpers.js';

const X = randn([10, 4], 7);
const labels = fromArray([1, 0, 0, 1, 1, 0, 1, 0, 1, 1]);
const COURSE: LossSettings = { loss: 'course', l2: 0 };
const fresh = (arch = 'dense:3,relu,dense:1,sigmoid'): Sequential => buildModel([4], parseArch(arch), { init: parseInitializer('he'), seed: 2 });
const bits = (net: Sequential): number[][] => net.parameters().map((p) => Array.from(p.value.values()));

/** The autodiff step, keeping each batch's size and cost. */
class Watched implements StepStrategy {
  readonly engine = 'autodiff';
  readonly batches: { size: number; cost: number }[] = [];
  private readonly inner: AutodiffStep;
  constructor(net: Sequential, loss: LossSettings = COURSE) {
    this.inner = new AutodiffStep(net, X, labels, loss);
  }
  forward(batch: Int32Array | undefined, ctx: ForwardContext): StepOutcome {
    const out = this.inner.forward(batch, ctx);
    this.batches.push({ size: batch?.length ?? 10, cost: out.cost() });
    return out;
  }
  update(o: Optimizer): void {
    this.inner.update(o);
  }
  snapshot() {
    return this.inner.snapshot();
  }
  restore(s: Snapshot): void {
    this.inner.restore(s);
  }
  sync(): void {}
}

function train(net: Sequential, opts: TrainerOptions, lr = 0.1, loss: LossSettings = COURSE) {
  const step = new Watched(net, loss);
  const updates: UpdateInfo[] = [];
  const records: CostRecord[] = [];
  const t = new Trainer(step, new GradientDescent({ learningRate: lr }), 10, { ...opts, onUpdate: (u) => updates.push(u), onRecord: (r) => records.push(r) });
  t.advance();
  return { step, updates, records, result: t.result(), trainer: t };
}

describe('Trainer', () => {
  it('full batch: one update an epoch, each recorded cost the one before its update', () => {
    const net = fresh();
    const before = lossOfScores(net, net.scores(X), labels).item();
    const r = train(net, { epochs: 3 });
    expect(r.updates.map((u) => [u.iteration, u.epoch, u.batch, u.lastBatch])).toEqual([[0, 0, 0, true], [1, 1, 0, true], [2, 2, 0, true]]);
    expect(r.records).toEqual(r.step.batches.map((b, i) => ({ unit: 'iteration', index: i, cost: b.cost })));
    expect(r.records[0]?.cost).toBe(before);
    expect(r.result.records).toEqual(r.records);
    expect(r.result.iterations).toBe(3);
    expect(lossOfScores(net, net.scores(X), labels).item()).toBeLessThan(before);
  });
  it('records every `every` iterations and the last one when asked', () => {
    const r = train(fresh(), { epochs: 12, record: { every: 5, last: true } });
    expect(r.records.map((c) => c.index)).toEqual([0, 5, 10, 11]);
    expect(train(fresh(), { epochs: 12, record: { every: 5, last: false } }).records.map((c) => c.index)).toEqual([0, 5, 10]);
  });
  it('mini-batches: ceil(m / size) updates an epoch, the epoch cost the sample-weighted mean of its batches', () => {
    const r = train(fresh(), { epochs: 2, batchSize: 4 });
    expect(r.updates.map((u) => [u.epoch, u.batch, u.lastBatch])).toEqual([[0, 0, false], [0, 1, false], [0, 2, true], [1, 0, false], [1, 1, false], [1, 2, true]]);
    expect(r.step.batches.map((b) => b.size)).toEqual([4, 4, 2, 4, 4, 2]);
    const c = r.step.batches.map((b) => b.cost);
    expect(r.records.map((e) => [e.unit, e.index])).toEqual([['epoch', 0], ['epoch', 1]]);
    expect(r.records[0]?.cost).toBeCloseTo((4 * (c[0] as number) + 4 * (c[1] as number) + 2 * (c[2] as number)) / 10, 15);
  });
  it('decays the learning rate per epoch from the starting rate', () => {
    const r = train(fresh(), { epochs: 4, decay: { rate: 1, interval: 2 } }, 0.4);
    expect(r.updates.map((u) => u.learningRate)).toEqual([0.4, 0.4, 0.2, 0.2]);
  });
  it('draws dropout masks from the seeded stream: the same seed repeats the run, another differs', () => {
    const costs = (arch: string, seed: number) => train(fresh(arch), { epochs: 5, dropoutSeed: seed }).records.map((c) => c.cost);
    const arch = 'dense:6,relu,dropout:0.3,dense:1,sigmoid';
    expect(costs(arch, 1)).toEqual(costs(arch, 1));
    expect(costs(arch, 1)).not.toEqual(costs(arch, 2));
    // Without dropout no mask is drawn, so the seed changes nothing.
    expect(costs('dense:6,relu,dense:1,sigmoid', 1)).toEqual(costs('dense:6,relu,dense:1,sigmoid', 2));
  });
  it("the logits loss follows the course formula's path", () => {
    const a = train(fresh(), { epochs: 20 }).records;
    const b = train(fresh(), { epochs: 20 }, 0.1, { loss: 'logits', l2: 0 }).records;
    b.forEach((c, i) => expect(Math.abs(c.cost - (a[i]?.cost as number))).toBeLessThan(1e-12));
  });
});

describe('Trainer divergence', () => {
  it('stops at the first cost that is not finite with the parameters of the update before it', () => {
    const net = fresh();
    const r = train(net, { epochs: 50 }, 1e4);
    const d = r.result.diverged;
    expect(d).toBeDefined();
    if (d === undefined) return;
    expect(Number.isFinite(d.cost)).toBe(false);
    expect([d.kept, r.result.iterations, r.trainer.done]).toEqual([d.iteration - 1, d.iteration, true]);
    const ref = fresh();
    if (d.kept > 0) train(ref, { epochs: d.kept }, 1e4);
    expect(bits(net)).toEqual(bits(ref));
  });
});

describe('Trainer state', () => {
  it('resumes bit for bit from the state after any update', () => {
    const opts: TrainerOptions = { epochs: 4, batchSize: 3, dropoutSeed: 9 };
    const arch = 'dense:5,relu,dropout:0.2,dense:1,sigmoid';
    const whole = fresh(arch);
    const wr = train(whole, opts);
    const net = fresh(arch);
    const opt = new GradientDescent({ learningRate: 0.1 });
    let t = new Trainer(new AutodiffStep(net, X, labels, COURSE), opt, 10, opts);
    while (!t.advance(() => true)) t = new Trainer(new AutodiffStep(net, X, labels, COURSE), opt, 10, opts, t.state());
    expect(t.result().records).toEqual(wr.records);
    expect(bits(net)).toEqual(bits(whole));
  });
  it("refuses a state of another step, beyond the run's epochs, or without the step's variables", () => {
    const net = fresh();
    const t = new Trainer(new AutodiffStep(net, X, labels, COURSE), new GradientDescent({ learningRate: 0.1 }), 10, { epochs: 3 });
    t.advance(() => true);
    const s = t.state();
    const again = (state: typeof s, epochs = 3) => new Trainer(new AutodiffStep(net, X, labels, COURSE), new GradientDescent({ learningRate: 0.1 }), 10, { epochs }, state);
    expect(caught(ArgumentError, () => again({ ...s, engine: 'span' })).message).toBe('train: resume: the checkpoint is of the span step, not autodiff');
    expect(caught(ArgumentError, () => again({ ...s, epoch: 5 })).message).toBe('train: resume: the checkpoint is at epoch 5, beyond the 3 asked for');
    const { W1: _drop, ...partial } = s.step;
    expect(caught(ArgumentError, () => again({ ...s, step: partial })).message).toBe('train: resume.step.W1: expected (3, 4) float64, got missing');
    expect(caught(ArgumentError, () => again({ ...s, step: { ...s.step, b1: fromArray([1, 2]) } })).message).toBe('train: resume.step.b1: expected (3) float64, got (2) float64');
  });
});

describe('Trainer settings', () => {
  const cases: [string, TrainerOptions, string][] = [
    ['epochs 0', { epochs: 0 }, 'train: epochs: must be a positive integer, got 0'],
    ['batch size 2.5', { epochs: 1, batchSize: 2.5 }, 'train: batchSize: must be a positive integer, got 2.5'],
    ['a shuffle seed past 2**32 - 1 - epochs', { epochs: 2, shuffleSeed: 2 ** 32 - 2 }, `train: shuffleSeed: must be an integer in 0..${2 ** 32 - 3} (shuffle seeds run up to seed + epochs), got ${2 ** 32 - 2}`],
    ['a negative dropout seed', { epochs: 1, dropoutSeed: -1 }, `train: dropoutSeed: must be an integer in 0..${2 ** 32 - 1}, got -1`],
    ['recording every 0', { epochs: 1, record: { every: 0, last: true } }, 'train: printEvery: must be a positive integer, got 0'],
    ['a negative decay', { epochs: 1, decay: { rate: -1 } }, 'train: decay: must be a number >= 0, got -1'],
  ];
  for (const [name, opts, message] of cases) {
    it(`refuses ${name} before training`, () => {
      const step = new Watched(fresh());
      expect(caught(ArgumentError, () => new Trainer(step, new GradientDescent({ learningRate: 0.1 }), 10, opts)).message).toBe(message);
      expect(step.batches).toEqual([]);
    });
  }
});
