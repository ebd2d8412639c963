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
  gramFromColumns,
  gramFromPixels,
  jsGramStepper,
  pixelsFromColumns,
  scoresFromColumns,
  scoresFromPixels,
  weightsFromColumns,
  weightsFromPixels,
  type GramDescentResult,
  type GramStepper,
  type StepperSettings,
} from '../kernels/logistic-gram.js';
import { wasmGramStepper, wasmPixels, type WasmPixels } from '../kernels/logistic-wasm.js';
import { Tensor } from '../tensor/index.js';
import {
  checkOptimizeOptions,
  type CostRecord,
  type LogisticGrads,
  type LogisticParams,
  modelResult,
  type ModelOptions,
  type ModelResult,
  type OptimizeOptions,
} from './logistic.js';

/** The notes' pixel scale: uint8 images stand for pixels / 255. */
export const PIXEL_SCALE = 255;

/** Which kernels run: WebAssembly SIMD when the engine has it (`auto`), or only plain TypeScript. */
export type FastBackend = 'auto' | 'wasm' | 'js';

export interface FastOptions {
  /** Default `auto`; `wasm` fails with an ArgumentError where wasm SIMD is missing. */
  backend?: FastBackend;
}

/** The samples as the kernels take them; pixels carry their copy in wasm memory once made. */
type Samples =
  | { kind: 'pixels'; u: Uint8Array; m: number; n: number; wasm?: WasmPixels | null }
  | { kind: 'columns'; x: FloatArray; n: number; m: number };

function wasmOf(s: Samples & { kind: 'pixels' }, backend: FastBackend): WasmPixels | null {
  if (backend === 'js') return null;
  if (s.wasm === undefined) s.wasm = wasmPixels(s.u, s.m, s.n, PIXEL_SCALE);
  return s.wasm;
}

function samplesOf(op: string, arg: string, X: Tensor): Samples {
  if (X.dtype === 'uint8') {
    if (X.ndim < 2) throw new ShapeError(op, `${arg} as uint8 images must be (m, ...) with at least 2 axes, got ${arg}${formatShape(X.shape)}`, [X.shape]);
    const m = X.shape[0] as number;
    return { kind: 'pixels', u: X.values() as Uint8Array, m, n: m === 0 ? 0 : X.size / m };
  }
  if (X.dtype !== 'float64' && X.dtype !== 'float32') {
    throw new DTypeError(op, `${arg} must be uint8 images or a float64/float32 (n_x, m) matrix, got ${X.dtype}`, [X.dtype]);
  }
  if (X.ndim !== 2) throw new ShapeError(op, `${arg} must be (n_x, m), got ${arg}${formatShape(X.shape)}`, [X.shape]);
  const [n, m] = X.shape as [number, number];
  const x = X.values() as FloatArray;
  // A flattened X that is exactly pixels / 255 (the notes' preparation) goes the integer way.
  const u = pixelsFromColumns(x, n, m, PIXEL_SCALE, X.dtype === 'float32');
  return u === null ? { kind: 'columns', x, n, m } : { kind: 'pixels', u, m, n };
}

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

function gramOf(op: string, s: Samples, backend: FastBackend): Float64Array {
  const G = new Float64Array(s.m * s.m);
  if (s.kind === 'pixels') {
    if (wasmOf(s, backend)?.gram(G) === true) return G;
    if (backend === 'wasm') throw new ArgumentError(op, 'backend', 'WebAssembly SIMD is not available in this engine');
    gramFromPixels(s.u, s.m, s.n, PIXEL_SCALE, G);
  } else {
    gramFromColumns(s.x, s.n, s.m, G);
  }
  return G;
}

function stepperOf(op: string, G: Float64Array, y: FloatArray, settings: StepperSettings, backend: FastBackend): GramStepper {
  const wasm = backend !== 'js' ? wasmGramStepper(G, y, settings) : null;
  if (wasm !== null) return wasm;
  if (backend === 'wasm') throw new ArgumentError(op, 'backend', 'WebAssembly SIMD is not available in this engine');
  return jsGramStepper(G, y, settings);
}

/** Xᵀw, one score per sample. */
function scores(s: Samples, w: FloatArray, backend: FastBackend): Float64Array {
  const out = new Float64Array(s.m);
  if (s.kind === 'columns') {
    scoresFromColumns(s.x, s.n, s.m, w, out);
  } else {
    const px = wasmOf(s, backend);
    if (px !== null) px.scores(w, out);
    else scoresFromPixels(s.u, s.m, s.n, w, PIXEL_SCALE, out);
  }
  return out;
}

/** w + X c. */
function addSpan(s: Samples, c: Float64Array, w: Float64Array, backend: FastBackend): void {
  if (s.kind === 'columns') {
    weightsFromColumns(s.x, s.n, s.m, c, w);
  } else {
    const px = wasmOf(s, backend);
    if (px !== null) px.addWeights(c, w);
    else weightsFromPixels(s.u, s.m, s.n, c, PIXEL_SCALE, w);
  }
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

/** optimizeFast without the last gradients (which `model` does not use), on prepared samples. */
function descend(op: string, w: Tensor, b: number, s: Samples, X: Tensor, Y: Tensor, opts: OptimizeOptions & FastOptions): Descent {
  checkWeights(op, w, s, X);
  const y = checkLabels(op, Y, s, X);
  const backend = opts.backend ?? 'auto';
  const dtype = w.dtype as FloatDType;
  const round = dtype === 'float32' ? Math.fround : undefined;
  const w0 = Float64Array.from(w.values());
  const fromZero = w0.every((v) => v === 0);

  const G = gramOf(op, s, backend);
  const settings: StepperSettings = { learningRate: opts.learningRate, float32: round !== undefined, ...(fromZero ? {} : { z0: scores(s, w0, backend) }) };
  const r = gramDescent(stepperOf(op, G, y, settings, backend), y, b, {
    numIterations: opts.numIterations,
    recordEvery: opts.recordEvery ?? 100,
    ...(opts.onCost !== undefined ? { onCost: opts.onCost } : {}),
    ...(round !== undefined ? { round } : {}),
  });

  // w = w0 + X c.
  const wOut = w0;
  addSpan(s, r.c, wOut, backend);
  if (round !== undefined) {
    for (let k = 0; k < s.n; k++) wOut[k] = round(wOut[k] as number);
  }
  const params: LogisticParams = { w: toTensor(wOut, [s.n, 1], dtype), b: r.b };
  return { s, r, params };
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
 * `model` of ./logistic.ts on the fast path: initialise with zeros, optimise in Gram space,
 * predict on train and test. XTrain/XTest: uint8 images (m, h, w, c) or flattened (n_x, m).
 * @example const d = modelFast(train.x, train.y, test.x, test.y, { numIterations: 2000, learningRate: 0.005 });
 */
export function modelFast(XTrain: Tensor, YTrain: Tensor, XTest: Tensor, YTest: Tensor, opts: ModelFastOptions = {}): ModelResult {
  const op = 'modelFast';
  const numIterations = opts.numIterations ?? 2000;
  const learningRate = opts.learningRate ?? 0.5;
  const dtype: FloatDType = XTrain.dtype === 'uint8' ? (opts.dtype ?? 'float64') : XTrain.dtype === 'float32' ? 'float32' : 'float64';
  const train = samplesOf(op, 'XTrain', XTrain);
  const test = samplesOf(op, 'XTest', XTest);
  if (test.n !== train.n) {
    throw new ShapeError(op, `XTest has ${test.n} features per sample, XTrain ${train.n}: XTrain${formatShape(XTrain.shape)} XTest${formatShape(XTest.shape)}`, [XTrain.shape, XTest.shape]);
  }
  for (const [name, Y, s] of [['YTrain', YTrain, train], ['YTest', YTest, test]] as const) {
    if (Y.ndim !== 2 || Y.shape[0] !== 1 || Y.shape[1] !== s.m) {
      throw new ShapeError(op, `${name} must be (1, ${s.m}), got ${name}${formatShape(Y.shape)}`, [Y.shape]);
    }
  }
  const w0 = new Tensor(dtype === 'float64' ? new Float64Array(train.n) : new Float32Array(train.n), [train.n, 1], dtype);
  const settings = {
    numIterations,
    learningRate,
    ...(opts.recordEvery !== undefined ? { recordEvery: opts.recordEvery } : {}),
    ...(opts.onCost !== undefined ? { onCost: opts.onCost } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
  };
  checkOptimizeOptions(op, settings);
  const { params, r } = descend(op, w0, 0, train, XTrain, YTrain, settings);
  const backend = opts.backend ?? 'auto';
  const predictions = { train: predictSamples(params.w, params.b, train, backend), test: predictSamples(params.w, params.b, test, backend) };
  return modelResult(params, r.costs, predictions, { train: YTrain, test: YTest }, { learningRate, numIterations });
}
