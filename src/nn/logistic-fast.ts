/**
 * The single neuron's fast path: the same `optimize` and `model` as ./logistic.ts, computed
 * in the span of the samples (see src/kernels/logistic-gram.ts for why that is exact).
 * Gradient descent from w0 keeps w = w0 + X c, so each iteration needs only the 209 x 209
 * Gram matrix G = XᵀX instead of the 12288 x 209 pixels; G is built once, from the uint8
 * pixels in exact integer sums when the raw images are given.
 *
 * X may be the raw uint8 images (m, h, w, c), standing for the notes' flattened
 * `x.reshape(m, -1).T / 255`, or an already flattened float (n_x, m) matrix; one that is
 * exactly pixels / 255 is recognised and takes the integer path too (one extra pass over X).
 * ./logistic.ts stays the reference; test/nn/logistic-fast.test.ts holds the two together.
 */
import type { FloatArray, FloatDType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import {
  gramDescent,
  jsGramStepper,
  type GramDescentResult,
  type GramStepper,
  type StepperSettings,
} from '../kernels/logistic-gram.js';
import { wasmGramStepper } from '../kernels/logistic-wasm.js';
import { Tensor } from '../tensor/index.js';
import {
  checkFiniteInputs,
  checkOptimizeOptions,
  type CostRecord,
  type Divergence,
  type LogisticGrads,
  type LogisticParams,
  modelResult,
  type ModelOptions,
  type ModelResult,
  type OptimizeOptions,
} from './logistic.js';
import { addSpan, gramOf, samplesOf, scoresOf as scores, type FastBackend, type FastOptions, type Samples } from './span-samples.js';

export { PIXEL_SCALE, type FastBackend, type FastOptions } from './span-samples.js';

function checkLabels(op: string, Y: Tensor, s: Samples, X: Tensor): FloatArray {
  if (Y.ndim !== 2 || Y.shape[0] !== 1 || Y.shape[1] !== s.m) {
    throw new ShapeError(op, `Y must be (1, m) for X${formatShape(X.shape)} (m = ${s.m}), got Y${formatShape(Y.shape)}`, [X.shape, Y.shape]);
  }
  const y = Y.values();
  return y instanceof Float64Array || y instanceof Float32Array ? y : Float64Array.from(y);
}

function checkWeights(op: string, w: Tensor, s: Samples, X: Tensor): void {
  if (w.ndim !== 2 || w.shape[1] !== 1 || w.shape[0] !== s.n) {
    throw new ShapeError(op, `w must be (n_x, 1) with n_x = ${s.n} for X${formatShape(X.shape)}, got w${formatShape(w.shape)}`, [w.shape, X.shape]);
  }
  if (w.dtype !== 'float64' && w.dtype !== 'float32') throw new DTypeError(op, `w must be float64 or float32, got ${w.dtype}`, [w.dtype]);
}

function stepperOf(op: string, G: Float64Array, y: FloatArray, settings: StepperSettings, backend: FastBackend): GramStepper {
  const wasm = backend !== 'js' ? wasmGramStepper(G, y, settings) : null;
  if (wasm !== null) return wasm;
  if (backend === 'wasm') throw new ArgumentError(op, 'backend', 'WebAssembly SIMD is not available in this engine');
  return jsGramStepper(G, y, settings);
}

function toTensor(values: Float64Array, shape: readonly number[], dtype: FloatDType): Tensor {
  return new Tensor(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype);
}

/**
 * `optimize` of ./logistic.ts, in Gram space: the same steps, costs, parameters and last
 * gradients, to rounding (1e-12 relative in float64). X: uint8 images (m, ...) or (n_x, m).
 * A float32 w keeps float32 parameters and activations (rounded where the plain path stores).
 * @example const { params, costs } = optimizeFast(zeros([12288, 1]), 0, train.x, trainY, { numIterations: 2000, learningRate: 0.005 });
 */
export function optimizeFast(
  w: Tensor,
  b: number,
  X: Tensor,
  Y: Tensor,
  opts: OptimizeOptions & FastOptions,
): { params: LogisticParams; grads: LogisticGrads; costs: CostRecord[] } {
  const op = 'optimizeFast';
  checkOptimizeOptions(op, opts);
  const run = descend(op, w, b, samplesOf(op, 'X', X), X, Y, opts);
  // The last gradients: dw = X dZ / m.
  const dw = new Float64Array(run.s.n);
  const inv = 1 / run.s.m;
  addSpan(run.s, run.r.dZ.map((d) => inv * d), dw, opts.backend ?? 'auto');
  return { params: run.params, grads: { dw: toTensor(dw, [run.s.n, 1], run.params.w.dtype as FloatDType), db: run.r.db }, costs: run.r.costs };
}

interface Descent {
  s: Samples;
  r: GramDescentResult;
  params: LogisticParams;
}

/** Where a fast descent stands, exactly: w = w0 + X c, the bias, and one step back. */
export interface FastDescentState {
  /** Iterations done. */
  iteration: number;
  c: Float64Array;
  b: number;
  /** c and b before the last update (for going back one step if the next cost is not finite). */
  previous?: { c: Float64Array; b: number };
}

/**
 * A Gram-space descent prepared once (samples, G, stepper) that runs in slices: `advance`
 * runs until done, diverged, or `pause()` says stop after an iteration; `state` is exact, so
 * a descent resumed from it gives the same bits as one never paused.
 */
class FastDescent {
  private readonly stepper: GramStepper;
  private readonly y: FloatArray;
  private readonly w0: Float64Array;
  private readonly dtype: FloatDType;
  private readonly round: ((x: number) => number) | undefined;
  private readonly backend: FastBackend;
  private last: GramDescentResult;
  readonly costs: CostRecord[] = [];

  constructor(
    op: string,
    w: Tensor,
    b: number,
    readonly s: Samples,
    X: Tensor,
    Y: Tensor,
    private readonly opts: OptimizeOptions & FastOptions & { resume?: FastDescentState },
  ) {
    checkWeights(op, w, s, X);
    this.y = checkLabels(op, Y, s, X);
    this.backend = opts.backend ?? 'auto';
    this.dtype = w.dtype as FloatDType;
    this.round = this.dtype === 'float32' ? Math.fround : undefined;
    this.w0 = Float64Array.from(w.values());
    const fromZero = this.w0.every((v) => v === 0);
    const G = gramOf(op, s, this.backend);
    const settings: StepperSettings = { learningRate: opts.learningRate, float32: this.round !== undefined, ...(fromZero ? {} : { z0: scores(s, this.w0, this.backend) }) };
    this.stepper = stepperOf(op, G, this.y, settings, this.backend);
    const r = opts.resume;
    if (r !== undefined) {
      if (r.c.length !== s.m) throw new ShapeError(op, `resume.c has ${r.c.length} coefficients, the data ${s.m} samples`, [[r.c.length], [s.m]]);
      this.stepper.c.set(r.c);
    }
    this.last = { costs: [], c: Float64Array.from(this.stepper.c), b: r?.b ?? b, dZ: new Float64Array(s.m), db: 0, iterations: r?.iteration ?? 0, ...(r?.previous !== undefined ? { previous: r.previous } : {}) };
  }

  get iteration(): number {
    return this.last.iterations;
  }

  get diverged(): GramDescentResult['diverged'] {
    return this.last.diverged;
  }

  get done(): boolean {
    return this.last.diverged !== undefined || this.last.iterations >= this.opts.numIterations;
  }

  get state(): FastDescentState {
    const { iterations, c, b, previous } = this.last;
    return { iteration: iterations, c: Float64Array.from(c), b, ...(previous !== undefined ? { previous } : {}) };
  }

  /** Runs until done or diverged, or until `pause()` is true after an iteration; true when finished. */
  advance(pause?: () => boolean): boolean {
    if (this.done) return true;
    const o = this.opts;
    this.last = gramDescent(this.stepper, this.y, this.last.b, {
      numIterations: o.numIterations,
      recordEvery: o.recordEvery ?? 100,
      startIteration: this.last.iterations,
      ...(this.last.previous !== undefined ? { previous: this.last.previous } : {}),
      ...(o.onCost !== undefined ? { onCost: o.onCost } : {}),
      ...(this.round !== undefined ? { round: this.round } : {}),
      ...(pause !== undefined ? { pause } : {}),
    });
    this.costs.push(...this.last.costs);
    return this.done;
  }

  /** The parameters now: w = w0 + X c (rounded to float32 for a float32 model) and b. */
  finish(): Descent {
    const wOut = Float64Array.from(this.w0);
    addSpan(this.s, this.last.c, wOut, this.backend);
    if (this.round !== undefined) {
      for (let k = 0; k < this.s.n; k++) wOut[k] = this.round(wOut[k] as number);
    }
    const params: LogisticParams = { w: toTensor(wOut, [this.s.n, 1], this.dtype), b: this.last.b };
    return { s: this.s, r: { ...this.last, costs: this.costs }, params };
  }
}

/** optimizeFast without the last gradients (which `model` does not use), on prepared samples. */
function descend(op: string, w: Tensor, b: number, s: Samples, X: Tensor, Y: Tensor, opts: OptimizeOptions & FastOptions): Descent {
  const d = new FastDescent(op, w, b, s, X, Y, opts);
  d.advance();
  return d.finish();
}

/**
 * σ(wᵀX + b) > 0.5 as 0/1 labels, shape (1, m), float64: `predict` of ./logistic.ts for X as
 * uint8 images or (n_x, m).
 * @example predictFast(w, b, test.x).toArray() // [[1, 1, 0, ...]]
 */
export function predictFast(w: Tensor, b: number, X: Tensor, opts: FastOptions = {}): Tensor {
  const op = 'predictFast';
  const s = samplesOf(op, 'X', X);
  checkWeights(op, w, s, X);
  return predictSamples(w, b, s, opts.backend ?? 'auto');
}

function predictSamples(w: Tensor, b: number, s: Samples, backend: FastBackend): Tensor {
  const round = w.dtype === 'float32' ? Math.fround : (x: number) => x;
  const z = scores(s, w.values() as FloatArray, backend);
  const out = new Float64Array(s.m);
  for (let j = 0; j < s.m; j++) {
    out[j] = round(1 / (1 + Math.exp(-round(round(z[j] as number) + b)))) > 0.5 ? 1 : 0;
  }
  return new Tensor(out, [1, s.m], 'float64');
}

/** Settings of `modelFast`: those of `model`, the backend, and the dtype for uint8 images. */
export interface ModelFastOptions extends ModelOptions, FastOptions {
  /** The model's dtype when X is uint8 images (default float64); a float X sets its own. */
  dtype?: FloatDType;
}

/**
 * `model` of ./logistic.ts on the fast path, run in slices: the descent can pause after any
 * iteration (`advance(pause)`), report its exact state, and resume from one.
 * @example const run = new FastModelRun(train.x, train.y, test.x, test.y, opts); while (!run.advance(tooLong)) await tick(); run.result();
 */
export class FastModelRun {
  private readonly descent: FastDescent;
  private readonly test: Samples;
  private readonly learningRate: number;
  private readonly numIterations: number;
  private readonly backend: FastBackend;

  constructor(XTrain: Tensor, private readonly YTrain: Tensor, XTest: Tensor, private readonly YTest: Tensor, opts: ModelFastOptions & { resume?: FastDescentState } = {}) {
    const op = 'modelFast';
    this.numIterations = opts.numIterations ?? 2000;
    this.learningRate = opts.learningRate ?? 0.5;
    this.backend = opts.backend ?? 'auto';
    const dtype: FloatDType = XTrain.dtype === 'uint8' ? (opts.dtype ?? 'float64') : XTrain.dtype === 'float32' ? 'float32' : 'float64';
    // uint8 images are finite by type; float inputs are checked once.
    checkFiniteInputs(op, { ...(XTrain.dtype === 'uint8' ? {} : { XTrain }), ...(XTest.dtype === 'uint8' ? {} : { XTest }), YTrain, YTest });
    const train = samplesOf(op, 'XTrain', XTrain);
    this.test = samplesOf(op, 'XTest', XTest);
    if (this.test.n !== train.n) {
      throw new ShapeError(op, `XTest has ${this.test.n} features per sample, XTrain ${train.n}: XTrain${formatShape(XTrain.shape)} XTest${formatShape(XTest.shape)}`, [XTrain.shape, XTest.shape]);
    }
    for (const [name, Y, s] of [['YTrain', YTrain, train], ['YTest', YTest, this.test]] as const) {
      if (Y.ndim !== 2 || Y.shape[0] !== 1 || Y.shape[1] !== s.m) {
        throw new ShapeError(op, `${name} must be (1, ${s.m}), got ${name}${formatShape(Y.shape)}`, [Y.shape]);
      }
    }
    const w0 = new Tensor(dtype === 'float64' ? new Float64Array(train.n) : new Float32Array(train.n), [train.n, 1], dtype);
    const settings = {
      numIterations: this.numIterations,
      learningRate: this.learningRate,
      ...(opts.recordEvery !== undefined ? { recordEvery: opts.recordEvery } : {}),
      ...(opts.onCost !== undefined ? { onCost: opts.onCost } : {}),
      ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
      ...(opts.resume !== undefined ? { resume: opts.resume, startIteration: opts.resume.iteration } : {}),
    };
    checkOptimizeOptions(op, settings);
    this.descent = new FastDescent(op, w0, 0, train, XTrain, YTrain, settings);
  }

  /** Runs until finished (done or diverged) or until `pause()` is true after an iteration; true when finished. */
  advance(pause?: () => boolean): boolean {
    return this.descent.advance(pause);
  }

  get iteration(): number {
    return this.descent.iteration;
  }

  /** The costs recorded so far. */
  get costs(): readonly CostRecord[] {
    return this.descent.costs;
  }

  get diverged(): Divergence | undefined {
    return this.descent.diverged;
  }

  /** The exact state, to resume from. */
  get state(): FastDescentState {
    return this.descent.state;
  }

  /** The notes' dictionary `d` for the parameters now. */
  result(): ModelResult {
    const { params, r } = this.descent.finish();
    const backend = this.backend;
    const predictions = { train: predictSamples(params.w, params.b, this.descent.s, backend), test: predictSamples(params.w, params.b, this.test, backend) };
    return modelResult(params, r.costs, predictions, { train: this.YTrain, test: this.YTest }, { learningRate: this.learningRate, numIterations: this.numIterations });
  }
}

/**
 * `model` of ./logistic.ts on the fast path: initialise with zeros, optimise in Gram space,
 * predict on train and test. XTrain/XTest: uint8 images (m, h, w, c) or flattened (n_x, m).
 * @example const d = modelFast(train.x, train.y, test.x, test.y, { numIterations: 2000, learningRate: 0.005 });
 */
export function modelFast(XTrain: Tensor, YTrain: Tensor, XTest: Tensor, YTest: Tensor, opts: ModelFastOptions = {}): ModelResult {
  const run = new FastModelRun(XTrain, YTrain, XTest, YTest, opts);
  run.advance();
  return run.result();
}
