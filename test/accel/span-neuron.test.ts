// The single neuron's Gram-space step against the course step (the notes' `propagate` and
// update) in the one Trainer: the same costs and parameters to 1e-12 from pixels, from
// float rows and from non-zero start weights; the wasm and plain kernels give the same bits.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { samplesOf, type FastBackend } from '../../src/accel/samples.js';
import { NeuronSpanStep } from '../../src/accel/span-neuron.js';
import type { LoadedData } from '../../src/app/data.js';
import { TrainingRun } from '../../src/app/run.js';
import { NEURON } from '../../src/app/settings.js';
import { NeuronCourseStep } from '../../src/course/step.js';
import { PIXELS, prepareInputs } from '../../src/data/preprocess.js';
import { Dense } from '../../src/nn/layers/dense.js';
import type { Sequential } from '../../src/nn/sequential.js';
import { GradientDescent } from '../../src/optim/index.js';
import { add, fromArray, type Tensor } from '../../src/tensor/index.js';
import { Trainer, type TrainerOptions } from '../../src/train/trainer.js';
import { prng } from '../kernels/layout.js';
import { caught, courseData, REFERENCE_COSTS, relDiff } from '../course/helpers.js';
import { BACKENDS, images, imagesArb, modelFor, resumedAfterEveryUpdate, trainWith, type ImageSet, type Ran } from './helpers.js';

const LR = 0.05;
const OPTS: TrainerOptions = { epochs: 40, record: { every: 7, last: false } };

const denseOf = (net: Sequential): Dense => {
  const d = net.layers[1];
  if (!(d instanceof Dense)) throw new Error('expected flatten, dense');
  return d;
};

/** The span step on the samples `inputs` (raw uint8 images or float rows). */
function span(set: ImageSet, inputs: Tensor, backend: FastBackend, dtype: 'float64' | 'float32' = 'float64', start?: (net: Sequential) => void): Ran {
  const net = modelFor(set, 'dense:1,sigmoid', 1, dtype);
  start?.(net);
  const samples = samplesOf('train', inputs, inputs.dtype === 'uint8' ? 255 : 1);
  return trainWith(net, new NeuronSpanStep(denseOf(net), samples, set.labels, LR, backend), new GradientDescent({ learningRate: LR }), set.labels.size, OPTS);
}

/** The course step (`propagate`, then w -= α dw) on the float rows. */
function course(set: ImageSet, rows: Tensor, dtype: 'float64' | 'float32' = 'float64', start?: (net: Sequential) => void): Ran {
  const net = modelFor(set, 'dense:1,sigmoid', 1, dtype);
  start?.(net);
  return trainWith(net, new NeuronCourseStep(denseOf(net), rows, set.labels), new GradientDescent({ learningRate: LR }), set.labels.size, OPTS);
}

/** Costs and parameters agree to `tol` relative; a bias near 0 is compared at the scale `floor`. */
function expectClose(a: Ran, b: Ran, tol: number, floor = 1e-3): void {
  expect(a.records.map((c) => c.index)).toEqual(b.records.map((c) => c.index));
  expect(relDiff(a.records.map((c) => c.cost), b.records.map((c) => c.cost))).toBeLessThan(tol);
  a.params.forEach((p, i) => {
    const q = b.params[i] ?? new Float64Array(p.length);
    const scale = Array.from(q).reduce((s, v) => Math.max(s, Math.abs(v)), floor);
    expect(Array.from(p).reduce((s, v, k) => Math.max(s, Math.abs(v - (q[k] as number))), 0) / scale, `parameter ${i}`).toBeLessThan(tol);
  });
}

const pixelsOf = (set: ImageSet, dtype: 'float64' | 'float32' = 'float64'): Tensor => prepareInputs(set.x, PIXELS, dtype);

describe('NeuronSpanStep', () => {
  it("gives the same bits with backend 'js' and 'wasm', float64 and float32", () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const set = images(spec);
        for (const dtype of ['float64', 'float32'] as const) {
          const [simd, plain] = BACKENDS.map((backend) => span(set, set.x, backend, dtype));
          expect(simd?.records).toEqual(plain?.records);
          expect(simd?.params).toEqual(plain?.params);
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it("equals the course step's costs and parameters to 1e-12 relative (float64)", () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const set = images(spec);
        const want = course(set, pixelsOf(set));
        for (const backend of BACKENDS) expectClose(span(set, set.x, backend), want, 1e-12);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('recognises float rows that are exactly pixels / 255: the bits of the uint8 images', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const set = images(spec);
        for (const dtype of ['float64', 'float32'] as const) {
          const fromRows = span(set, pixelsOf(set, dtype), 'auto', dtype);
          const fromPixels = span(set, set.x, 'auto', dtype);
          expect(fromRows.records).toEqual(fromPixels.records);
          expect(fromRows.params).toEqual(fromPixels.params);
        }
      }),
      { seed: 5, numRuns: 30 },
    );
  });

  it('works from float rows that are not pixels, equal to the course step to 1e-12', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const set = images(spec);
        const rand = prng(spec.seed + 5);
        const rows = add(pixelsOf(set), fromArray(Float64Array.from({ length: set.x.size }, () => (rand() - 0.5) * 1e-3), set.x.shape));
        expect(samplesOf('train', rows, 1).u).toBeInstanceOf(Float64Array);
        expectClose(span(set, rows, 'auto'), course(set, rows), 1e-12);
      }),
      { seed: 3, numRuns: 30 },
    );
  });

  it('works from non-zero start weights set on the model before the step is built', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const set = images(spec);
        const rand = prng(spec.seed + 3);
        const n = set.x.size / (set.x.shape[0] as number);
        const W = fromArray(Float64Array.from({ length: n }, () => (rand() - 0.5) * 0.01), [1, n]);
        const b = fromArray([rand() - 0.5]);
        const start = (net: Sequential): void => {
          const d = denseOf(net);
          d.W.value = W;
          d.b.value = b;
        };
        const want = course(set, pixelsOf(set), 'float64', start);
        // The start weights count: the first cost is not the zero start's ln 2.
        expect(Math.abs((want.records[0]?.cost ?? Number.NaN) - Math.LN2)).toBeGreaterThan(1e-9);
        for (const backend of BACKENDS) expectClose(span(set, set.x, backend, 'float64', start), want, 1e-12);
      }),
      { seed: 7, numRuns: 30 },
    );
  });

  it('float32: float32 parameters, close to the course step in float32', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const set = images(spec);
        const fast = span(set, set.x, 'auto', 'float32');
        expect(fast.dtypes).toEqual(['float32', 'float32']);
        // The bias sums m rounded differences of A and Y: at the scale of A, not of b.
        expectClose(fast, course(set, pixelsOf(set, 'float32'), 'float32'), 1e-5, 1);
        // The parameters are float32 numbers, the bias rounded as numpy's float32 scalars.
        fast.params.forEach((p) => expect(Array.from(p, Math.fround)).toEqual(Array.from(p)));
      }),
      { seed: 42, numRuns: 30 },
    );
  });

  it('stopped after every update and resumed from the trainer state each time: the same bits', () => {
    const set = images({ m: 9, h: 3, w: 2, seed: 4 });
    const whole = span(set, set.x, 'auto');
    const net = modelFor(set, 'dense:1,sigmoid');
    const make = (resume?: ReturnType<Trainer['state']>): Trainer =>
      new Trainer(new NeuronSpanStep(denseOf(net), samplesOf('train', set.x, 255), set.labels, LR), new GradientDescent({ learningRate: LR }), 9, OPTS, resume);
    const { trainer: t, slices } = resumedAfterEveryUpdate(make);
    expect(slices).toBe(39);
    expect(t.costs).toEqual(whole.records);
    expect(net.parameters().map((p) => Float64Array.from(p.value.values()))).toEqual(whole.params);
  });
});

describe('NeuronSpanStep without WebAssembly', () => {
  it("'auto' falls back to the plain kernels with the same bits; 'wasm' refuses", async () => {
    const spec = { m: 6, h: 2, w: 3, seed: 11 };
    const withWasm = span(images(spec), images(spec).x, 'auto');
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      // A fresh module graph: its tensors, model and step all load without WebAssembly.
      const [step, samples, errors, tensors, registry, optim, trainer, layers] = await Promise.all([
        import('../../src/accel/span-neuron.js'),
        import('../../src/accel/samples.js'),
        import('../../src/core/errors.js'),
        import('../../src/tensor/index.js'),
        import('../../src/nn/registry.js'),
        import('../../src/optim/index.js'),
        import('../../src/train/trainer.js'),
        import('../../src/nn/layers/dense.js'),
      ]);
      const set = images(spec);
      const x = new tensors.Tensor(set.x.values(), set.x.shape, 'uint8');
      const labels = tensors.fromArray(set.labels.values());
      const run = (backend: FastBackend) => {
        const net = registry.buildModel([2, 3, 3], registry.parseArch('flatten,dense:1,sigmoid'), { init: { kind: 'zeros' }, seed: 1 });
        const dense = net.layers[1];
        if (!(dense instanceof layers.Dense)) throw new Error('expected flatten, dense');
        const t = new trainer.Trainer(new step.NeuronSpanStep(dense, samples.samplesOf('train', x, 255), labels, LR, backend), new optim.GradientDescent({ learningRate: LR }), 6, OPTS);
        t.advance();
        return { records: t.result().records, params: net.parameters().map((p) => Float64Array.from(p.value.values())) };
      };
      const plain = run('auto');
      expect(plain.records).toEqual(withWasm.records);
      expect(plain.params).toEqual(withWasm.params);
      const e = caught(errors.ArgumentError, () => run('wasm'));
      expect(e.message).toBe('train: backend: WebAssembly SIMD is not available in this engine');
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});

describe('NeuronSpanStep on catvnoncat', () => {
  let data: LoadedData;
  beforeAll(async () => {
    data = (await courseData()).raw;
  });

  it("the first 101 iterations: js and wasm bit for bit, the course step's costs to 1e-12", () => {
    const set = { x: data.train.x, labels: data.train.labels };
    const opts: TrainerOptions = { epochs: 101, record: { every: 10, last: false } };
    const runs = BACKENDS.map((backend) => {
      const net = modelFor(set, 'dense:1,sigmoid');
      return trainWith(net, new NeuronSpanStep(denseOf(net), samplesOf('train', set.x, 255), set.labels, 0.005, backend), new GradientDescent({ learningRate: 0.005 }), 209, opts);
    });
    expect(runs[0]?.records).toEqual(runs[1]?.records);
    expect(runs[0]?.params).toEqual(runs[1]?.params);
    // The prepared rows (pixels / 255) are recognised: the integer path, the same bits.
    const fromRows = modelFor(set, 'dense:1,sigmoid');
    const rowsRun = trainWith(fromRows, new NeuronSpanStep(denseOf(fromRows), samplesOf('train', pixelsOf(set), 1), set.labels, 0.005), new GradientDescent({ learningRate: 0.005 }), 209, opts);
    expect(rowsRun).toEqual(runs[0]);
    const net = modelFor(set, 'dense:1,sigmoid');
    const want = trainWith(net, new NeuronCourseStep(denseOf(net), pixelsOf(set), set.labels), new GradientDescent({ learningRate: 0.005 }), 209, opts);
    expectClose(runs[0] as Ran, want, 1e-12);
    expect(runs[0]?.records.slice(0, 1).map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS.slice(0, 1));
  });

  it("diverges where the course step does (learning rate 0.5: σ = 1 exactly at iteration 2), keeping the parameters after 1 update", () => {
    const set = { x: data.train.x, labels: data.train.labels };
    const opts: TrainerOptions = { epochs: 50, record: { every: 1, last: false } };
    const run = (course: boolean) => {
      const net = modelFor(set, 'dense:1,sigmoid');
      const d = denseOf(net);
      const step = course ? new NeuronCourseStep(d, pixelsOf(set), set.labels) : new NeuronSpanStep(d, samplesOf('train', set.x, 255), set.labels, 0.5);
      const t = new Trainer(step, new GradientDescent({ learningRate: 0.5 }), 209, opts);
      t.advance();
      const r = t.result();
      return { diverged: r.diverged, params: net.parameters().map((p) => Float64Array.from(p.value.values())) };
    };
    const [fast, slow] = [run(false), run(true)];
    expect(fast.diverged).toEqual({ iteration: 2, epoch: 2, batch: 0, cost: Number.NaN, kept: 1 });
    expect(slow.diverged).toEqual(fast.diverged);
    const net = modelFor(set, 'dense:1,sigmoid');
    const one = trainWith(net, new NeuronSpanStep(denseOf(net), samplesOf('train', set.x, 255), set.labels, 0.5), new GradientDescent({ learningRate: 0.5 }), 209, { epochs: 1 });
    expect(fast.params).toEqual(one.params);
    expect(relDiff(slow.params[0] ?? [], one.params[0] ?? [])).toBeLessThan(1e-12);
  });

  it('float32: the reference costs and accuracies over 2000 iterations', () => {
    const run = new TrainingRun(data, { ...NEURON, dtype: 'float32', engine: 'span' });
    run.advance();
    const r = run.result();
    expect(r.engine).toEqual({ engine: 'span' });
    expect(r.model.parameters().map((p) => p.value.dtype)).toEqual(['float32', 'float32']);
    expect(r.records.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
    expect([r.trainAccuracy, r.testAccuracy]).toEqual([99.04306220095694, 70]);
  });
});
