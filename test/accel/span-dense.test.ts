// A network's first dense layer in the span of the samples: the DenseSpanStep against the
// autodiff step in the one Trainer (L2, mini-batches, momentum, decay, dropout, softmax),
// the wasm and plain kernels bit for bit, float rows, and resuming from the trainer state.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { samplesOf, type FastBackend } from '../../src/accel/samples.js';
import { DenseSpanStep } from '../../src/accel/span-dense.js';
import type { LoadedData } from '../../src/app/data.js';
import { mlpLayers } from '../../src/app/settings.js';
import { PIXELS, prepareInputs } from '../../src/data/preprocess.js';
import { parseInitializer } from '../../src/nn/init.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import type { Sequential } from '../../src/nn/sequential.js';
import { GradientDescent, Momentum, type Optimizer } from '../../src/optim/index.js';
import { add, fromArray, type Tensor } from '../../src/tensor/index.js';
import { AutodiffStep, type LossSettings } from '../../src/train/step-autodiff.js';
import { Trainer, type TrainerOptions, type TrainerState } from '../../src/train/trainer.js';
import { prng } from '../kernels/layout.js';
import { courseData } from '../course/helpers.js';
import { BACKENDS, images, resumedAfterEveryUpdate, trainWith, type ImageSet, type Ran } from './helpers.js';

/** A case: the layers after the flatten, the loss, the optimiser and the loop's settings. */
interface Case {
  arch: string;
  classes?: number;
  loss: LossSettings;
  optimizer: () => Optimizer;
  opts: TrainerOptions;
}

const model = (set: ImageSet, arch: string): Sequential => buildModel(set.x.shape.slice(1), parseArch(`flatten,${arch}`), { init: parseInitializer('he'), seed: 3 });

function spanRun(set: ImageSet, c: Case, inputs: Tensor, backend: FastBackend): Ran {
  const net = model(set, c.arch);
  const samples = samplesOf('train', inputs, inputs.dtype === 'uint8' ? 255 : 1);
  return trainWith(net, new DenseSpanStep(net, 1, samples, set.labels, c.loss, backend), c.optimizer(), set.labels.size, c.opts);
}

function autodiffRun(set: ImageSet, c: Case, rows: Tensor): Ran {
  const net = model(set, c.arch);
  return trainWith(net, new AutodiffStep(net, rows, set.labels, c.loss), c.optimizer(), set.labels.size, c.opts);
}

/** Costs to `costTol` relative, each parameter to `paramTol` of its largest entry. */
function expectClose(a: Ran, b: Ran, costTol: number, paramTol: number): void {
  expect(a.records.map((r) => [r.unit, r.index])).toEqual(b.records.map((r) => [r.unit, r.index]));
  a.records.forEach((r, i) => expect(Math.abs(r.cost - (b.records[i]?.cost as number)) / Math.abs(b.records[i]?.cost as number)).toBeLessThan(costTol));
  a.params.forEach((p, i) => {
    const q = b.params[i] ?? new Float64Array(p.length);
    const scale = Array.from(q).reduce((s, v) => Math.max(s, Math.abs(v)), 1e-3);
    expect(Array.from(p).reduce((s, v, k) => Math.max(s, Math.abs(v - (q[k] as number))), 0) / scale, `parameter ${i}`).toBeLessThan(paramTol);
  });
}

const pixels = (set: ImageSet): Tensor => prepareInputs(set.x, PIXELS, 'float64');

const CASES: [string, Case][] = [
  ['gradient descent, full batch', { arch: 'dense:4,relu,dense:1,sigmoid', loss: { loss: 'course', l2: 0 }, optimizer: () => new GradientDescent({ learningRate: 0.05 }), opts: { epochs: 30, record: { every: 3, last: true } } }],
  ['L2 (λ = 0.7), full batch', { arch: 'dense:4,tanh,dense:3,relu,dense:1,sigmoid', loss: { loss: 'course', l2: 0.7 }, optimizer: () => new GradientDescent({ learningRate: 0.05 }), opts: { epochs: 30, record: { every: 1, last: true } } }],
  ['L2 (λ = 5), momentum, mini-batches of 4, decay', { arch: 'dense:5,relu,dense:1,sigmoid', loss: { loss: 'course', l2: 5 }, optimizer: () => new Momentum({ learningRate: 0.02 }), opts: { epochs: 8, batchSize: 4, shuffleSeed: 2, decay: { rate: 0.5, interval: 2 }, record: { every: 1, last: true } } }],
  ['dropout 0.2 and mini-batches of 3', { arch: 'dense:6,relu,dropout:0.2,dense:1,sigmoid', loss: { loss: 'course', l2: 0.1 }, optimizer: () => new GradientDescent({ learningRate: 0.05 }), opts: { epochs: 6, batchSize: 3, dropoutSeed: 4, record: { every: 1, last: true } } }],
  ['a softmax over 3 classes, leaky relu, L2 and momentum', { arch: 'dense:4,leaky-relu,dense:3,softmax', classes: 3, loss: { loss: 'course', l2: 0.3 }, optimizer: () => new Momentum({ learningRate: 0.05 }), opts: { epochs: 20, record: { every: 2, last: true } } }],
  ['the logits loss of a sigmoid output', { arch: 'dense:3,relu,dense:1,sigmoid', loss: { loss: 'logits', l2: 0 }, optimizer: () => new GradientDescent({ learningRate: 0.05 }), opts: { epochs: 20, record: { every: 2, last: true } } }],
];

// Fewer samples than features, as the span step wants: 4 x 4 x 3 = 48 inputs.
const spanArb = fc.record({ m: fc.integer({ min: 3, max: 12 }), h: fc.constant(4), w: fc.constant(4), seed: fc.nat() });

describe('DenseSpanStep', () => {
  for (const [name, c] of CASES) {
    it(`${name}: js and wasm bit for bit, autodiff's costs to 1e-12 and parameters to 1e-10`, () => {
      fc.assert(
        fc.property(spanArb, (spec) => {
          const set = images(spec, c.classes ?? 2);
          const [simd, plain] = BACKENDS.map((backend) => spanRun(set, c, set.x, backend));
          expect(simd?.records).toEqual(plain?.records);
          expect(simd?.params).toEqual(plain?.params);
          expectClose(plain as Ran, autodiffRun(set, c, pixels(set)), 1e-12, 1e-10);
        }),
        { seed: 11, numRuns: 12 },
      );
    });
  }

  it('recognises float rows that are exactly pixels / 255 (the bits of the uint8 images) and works from any float rows', () => {
    const c = CASES[2]?.[1] as Case;
    fc.assert(
      fc.property(spanArb, (spec) => {
        const set = images(spec);
        expect(spanRun(set, c, pixels(set), 'auto')).toEqual(spanRun(set, c, set.x, 'auto'));
        const rand = prng(spec.seed);
        const rows = add(pixels(set), fromArray(Float64Array.from({ length: set.x.size }, () => rand() - 0.5), set.x.shape));
        expectClose(spanRun(set, c, rows, 'auto'), autodiffRun(set, c, rows), 1e-12, 1e-10);
      }),
      { seed: 5, numRuns: 12 },
    );
  });

  it('forms W1 = W1_0 exactly before any update and after going back to the start', () => {
    const c = CASES[1]?.[1] as Case;
    const set = images({ m: 7, h: 4, w: 4, seed: 2 });
    const net = model(set, c.arch);
    const W0 = Array.from(net.parameters()[0]?.value.values() ?? []);
    const step = new DenseSpanStep(net, 1, samplesOf('train', set.x, 255), set.labels, c.loss);
    const start = step.snapshot();
    step.sync();
    expect(Array.from(net.parameters()[0]?.value.values() ?? [])).toEqual(W0);
    const t = new Trainer(step, c.optimizer(), 7, { epochs: 3 });
    t.advance();
    t.result();
    expect(Array.from(net.parameters()[0]?.value.values() ?? [])).not.toEqual(W0);
    step.restore(start);
    step.sync();
    expect(Array.from(net.parameters()[0]?.value.values() ?? [])).toEqual(W0);
  });

  it('stopped after every update and resumed from the trainer state each time: the same bits', () => {
    const c = CASES[3]?.[1] as Case;
    const set = images({ m: 10, h: 4, w: 4, seed: 8 });
    const whole = spanRun(set, c, set.x, 'auto');
    const net = model(set, c.arch);
    const optimizer = c.optimizer();
    const make = (resume?: TrainerState): Trainer => new Trainer(new DenseSpanStep(net, 1, samplesOf('train', set.x, 255), set.labels, c.loss), optimizer, 10, c.opts, resume);
    const { trainer: t, slices } = resumedAfterEveryUpdate(make);
    // 6 epochs of 4 batches (3 + 3 + 3 + 1 samples).
    expect(slices).toBe(23);
    expect(t.costs).toEqual(whole.records);
    expect(net.parameters().map((p) => Float64Array.from(p.value.values()))).toEqual(whole.params);
  });
});

describe('DenseSpanStep on catvnoncat', () => {
  let data: LoadedData;
  beforeAll(async () => {
    data = (await courseData()).raw;
  });
  it("the course's L-layer network, 5 iterations: js and wasm bit for bit, autodiff's costs to 1e-12", () => {
    const set = { x: data.train.x, labels: data.train.labels };
    const c = { loss: { loss: 'course', l2: 0 } as const, optimizer: () => new GradientDescent({ learningRate: 0.0075 }), opts: { epochs: 5, record: { every: 1, last: true } } };
    const net = (): Sequential => buildModel([64, 64, 3], mlpLayers([20, 7, 5, 1]), { init: parseInitializer('course'), seed: 1 });
    const runs = BACKENDS.map((backend) => {
      const n = net();
      return trainWith(n, new DenseSpanStep(n, 1, samplesOf('train', set.x, 255), set.labels, c.loss, backend), c.optimizer(), 209, c.opts);
    });
    expect(runs[0]?.records).toEqual(runs[1]?.records);
    expect(runs[0]?.params).toEqual(runs[1]?.params);
    const n = net();
    expectClose(runs[0] as Ran, trainWith(n, new AutodiffStep(n, pixels(set), set.labels, c.loss), c.optimizer(), 209, c.opts), 1e-12, 1e-10);
  });
});
