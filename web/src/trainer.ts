/**
 * The single neuron trained a few iterations at a time, so the worker can pause, report and
 * resume: the same Gram-space stepper and cost as `tsgrad train` (src/nn/logistic-fast.ts),
 * driven in chunks. Chunks end where a recorded iteration starts, so the costs recorded here
 * are bit for bit the CLI's.
 */
import type { LabelledImages } from '../../src/data/dataset.js';
import { gemv2, gramDescent, gramFromPixels, jsGramStepper, scoresFromPixels, weightsFromPixels, type GramDescentResult, type GramStepper } from '../../src/kernels/logistic-gram.js';
import { wasmGramStepper, wasmPixels, type WasmPixels } from '../../src/kernels/logistic-wasm.js';
import { pairwiseSum } from '../../src/kernels/reduce.js';
import { PIXEL_SCALE } from '../../src/nn/logistic-fast.js';

/** One image set's pixels, as the kernels take them. */
interface Samples {
  u: Uint8Array;
  m: number;
  n: number;
  y: Float64Array;
  px: WasmPixels | null;
}

function samplesOf(set: LabelledImages): Samples {
  const m = set.x.shape[0] as number;
  const u = set.x.values() as Uint8Array;
  const n = u.length / m;
  return { u, m, n, y: Float64Array.from(set.y.values()), px: wasmPixels(u, m, n, PIXEL_SCALE) };
}

function scores(s: Samples, w: Float64Array): Float64Array {
  const out = new Float64Array(s.m);
  if (s.px !== null) s.px.scores(w, out);
  else scoresFromPixels(s.u, s.m, s.n, w, PIXEL_SCALE, out);
  return out;
}

/** The notes' cost -1/m Σ(Y log A + (1-Y) log(1-A)), summed as gramDescent sums it. */
export function costOf(a: Float64Array, y: Float64Array): number {
  const terms = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) {
    const aj = a[j] as number;
    const yj = y[j] as number;
    terms[j] = yj * Math.log(aj) + (1 - yj) * Math.log(1 - aj);
  }
  return (-1 / a.length) * pairwiseSum(terms, 0, a.length);
}

/**
 * `count` evenly spaced values from `lo` to `hi`, both included, with 0 and 1 exact when on
 * the grid: the CLI's α grid (`linspace` of src/train/landscape.ts).
 * @example alphaGrid(-0.5, 1.5, 5) // [-0.5, 0, 0.5, 1, 1.5]
 */
export function alphaGrid(lo: number, hi: number, count: number): number[] {
  const step = (hi - lo) / (count - 1);
  return Array.from({ length: count }, (_, i) => {
    const a = lo + ((hi - lo) * i) / (count - 1);
    return Math.abs(a) < step * 1e-9 ? 0 : Math.abs(a - 1) < step * 1e-9 ? 1 : a;
  });
}

/** The notes' accuracy in percent: 100 - mean(|Ŷ - Y|)·100, Ŷ = [A > 0.5]. */
export function accuracyOf(a: Float64Array, y: Float64Array): number {
  let wrong = 0;
  for (let j = 0; j < a.length; j++) wrong += Math.abs(((a[j] as number) > 0.5 ? 1 : 0) - (y[j] as number));
  return 100 - (wrong / a.length) * 100;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Where training stands, as the page shows it. */
export interface TrainerState {
  /** Updates done so far. */
  iteration: number;
  /** The cost of the current parameters on the training set (the cost at `iteration`). */
  cost: number;
  testCost: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** P(class 1) for each test image. */
  testProbabilities: Float64Array;
}

/**
 * Full-batch gradient descent on the single neuron from zeros (or from loaded parameters),
 * advanced in chunks. Costs are recorded every `recordEvery` iterations from 0, as the CLI's
 * `--print-every` does.
 * @example const t = new NeuronTrainer(train, test); t.advance(100, 0.005, 10); t.state().cost // 0.5845083636993...
 */
export class NeuronTrainer {
  readonly train: Samples;
  readonly test: Samples;
  /** Recorded (iteration, train cost, test cost). */
  readonly costs: { iteration: number; cost: number; testCost: number }[] = [];
  private G: Float64Array | null = null;
  private stepper: GramStepper | null = null;
  private learningRate = 0;
  private iteration = 0;
  /** w = w0 + X c, b: the stepper holds c. */
  private w0: Float64Array;
  private z0: Float64Array | null = null;
  private b = 0;
  private wCache: { iteration: number; w: Float64Array } | null = null;
  /** θ₀, where this run started (zeros, or loaded parameters): the landscape's α = 0. */
  private origin: { w: Float64Array | null; b: number } = { w: null, b: 0 };
  /** c and b before the last update: where a cost that is not finite at a chunk's start goes back to. */
  private previous: { c: Float64Array; b: number } | undefined;
  /** Set when a cost became NaN or infinite: the parameters are then those of update `kept`, and no more iterations run. */
  diverged: GramDescentResult['diverged'];

  constructor(train: LabelledImages, test: LabelledImages) {
    this.train = samplesOf(train);
    this.test = samplesOf(test);
    this.w0 = new Float64Array(this.train.n);
  }

  get iterations(): number {
    return this.iteration;
  }

  /** Back to w = 0, b = 0 (or to `w`, `b` when given, e.g. a loaded model). */
  reset(w?: Float64Array, b = 0): void {
    this.w0 = w === undefined ? new Float64Array(this.train.n) : Float64Array.from(w);
    this.b = b;
    this.origin = { w: w === undefined ? null : Float64Array.from(w), b };
    this.z0 = w === undefined ? null : scores(this.train, this.w0);
    this.stepper = null;
    this.iteration = 0;
    this.costs.length = 0;
    this.wCache = null;
    this.previous = undefined;
    this.diverged = undefined;
  }

  /** The current weights w0 + X c. */
  weights(): Float64Array {
    if (this.wCache?.iteration === this.iteration) return this.wCache.w;
    const w = Float64Array.from(this.w0);
    const c = this.stepper?.c;
    if (c !== undefined) {
      if (this.train.px !== null) this.train.px.addWeights(c, w);
      else weightsFromPixels(this.train.u, this.train.m, this.train.n, c, PIXEL_SCALE, w);
    }
    this.wCache = { iteration: this.iteration, w };
    return w;
  }

  get bias(): number {
    return this.b;
  }

  private stepperFor(learningRate: number): GramStepper {
    if (this.stepper !== null && learningRate === this.learningRate) return this.stepper;
    if (this.stepper !== null) {
      // A new learning rate mid-run: continue from the current point with a fresh stepper.
      this.w0 = Float64Array.from(this.weights());
      this.z0 = scores(this.train, this.w0);
    }
    if (this.G === null) {
      const { u, m, n, px } = this.train;
      this.G = new Float64Array(m * m);
      if (px?.gram(this.G) !== true) gramFromPixels(u, m, n, PIXEL_SCALE, this.G);
    }
    const settings = { learningRate, float32: false, ...(this.z0 !== null ? { z0: this.z0 } : {}) };
    this.stepper = wasmGramStepper(this.G, this.train.y, settings) ?? jsGramStepper(this.G, this.train.y, settings);
    this.learningRate = learningRate;
    this.wCache = null;
    // The step back is in the old stepper's coordinates: a fresh stepper starts without one.
    this.previous = undefined;
    return this.stepper;
  }

  /**
   * Runs up to `count` iterations (fewer where `until` is reached), recording the cost every
   * `recordEvery` iterations; returns how many ran.
   */
  advance(count: number, learningRate: number, recordEvery: number, until = Infinity): number {
    if (this.diverged !== undefined) return 0;
    const stepper = this.stepperFor(learningRate);
    const stop = Math.min(this.iteration + count, until);
    const start = this.iteration;
    while (this.iteration < stop) {
      const it = this.iteration;
      const chunk = Math.min(recordEvery - (it % recordEvery), stop - it);
      const recorded = it % recordEvery === 0;
      // The test cost of the parameters before this iteration's update, as the train cost is.
      const testCost = recorded ? costOf(this.testProbabilitiesFor(this.weights(), this.b), this.test.y) : NaN;
      // gramDescent records the cost of its first iteration, taken before that update.
      // Iterations counted from the run's start, so that a cost that is not finite at the
      // chunk's first iteration goes back over the previous chunk's last update, as the CLI does.
      const r = gramDescent(stepper, this.train.y, this.b, {
        startIteration: it,
        numIterations: it + chunk,
        recordEvery,
        ...(this.previous !== undefined ? { previous: this.previous } : {}),
      });
      const first = r.costs[0];
      if (recorded && first?.iteration === it) this.costs.push({ iteration: it, cost: first.cost, testCost });
      this.b = r.b;
      this.iteration = r.iterations;
      this.previous = r.previous;
      this.wCache = null;
      if (r.diverged !== undefined) {
        this.diverged = r.diverged;
        break;
      }
    }
    return this.iteration - start;
  }

  private testProbabilitiesFor(w: Float64Array, b: number): Float64Array {
    const z = scores(this.test, w);
    for (let j = 0; j < z.length; j++) z[j] = sigmoid((z[j] as number) + b);
    return z;
  }

  /**
   * The 1-D loss landscape of `tsgrad landscape` (Li et al. 2018, section 3): train and test
   * cost at θ(α) = (1 - α)·θ₀ + α·θ*, from where this run started (θ₀) to now (θ*). The
   * scores are linear in θ, so each set needs Xᵀw only at θ₀ and θ*.
   * @example t.interpolation(alphaGrid(-0.5, 1.5, 41)).train // cost at each α
   */
  interpolation(alphas: readonly number[]): { alpha: number[]; train: number[]; test: number[] } {
    const line = (s: Samples): number[] => {
      const s1 = scores(s, this.weights());
      const s0 = this.origin.w === null ? new Float64Array(s.m) : scores(s, this.origin.w);
      const a = new Float64Array(s.m);
      return alphas.map((al) => {
        const b = (1 - al) * this.origin.b + al * this.b;
        for (let j = 0; j < s.m; j++) a[j] = sigmoid((1 - al) * (s0[j] as number) + al * (s1[j] as number) + b);
        return costOf(a, s.y);
      });
    };
    return { alpha: [...alphas], train: line(this.train), test: line(this.test) };
  }

  /** Cost, accuracies and test probabilities of the current parameters. */
  state(): TrainerState {
    const { m, y } = this.train;
    const a = new Float64Array(m);
    const c = this.stepper?.c;
    if (c !== undefined && this.G !== null) gemv2(this.G, c, a, m);
    for (let j = 0; j < m; j++) a[j] = sigmoid((a[j] as number) + (this.z0?.[j] ?? 0) + this.b);
    const testProbabilities = this.testProbabilitiesFor(this.weights(), this.b);
    return {
      iteration: this.iteration,
      cost: costOf(a, y),
      testCost: costOf(testProbabilities, this.test.y),
      trainAccuracy: accuracyOf(a, y),
      testAccuracy: accuracyOf(testProbabilities, this.test.y),
      testProbabilities,
    };
  }
}
