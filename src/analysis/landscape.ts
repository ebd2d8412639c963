/**
 * The loss landscape after Li, Xu, Taylor, Studer and Goldstein, "Visualizing the Loss
 * Landscape of Neural Nets" (NeurIPS 2018), for any `Sequential`:
 *
 * - 1-D linear interpolation θ(α) = (1 - α)·θ₀ + α·θ* from the initial parameters θ₀ to the
 *   trained θ*, train and test loss (their section 3, after Goodfellow et al. 2015);
 * - a 2-D surface f(x, y) = L(θ* + x·δ + y·η) along two random Gaussian directions, each
 *   filter-normalised: every filter of δ (one output unit's weights, a row of a Dense W) is
 *   rescaled to the norm of the same filter of θ*, so the picture does not depend on the
 *   weights' scale (their section 4). Biases get no direction unless asked for.
 *
 * Both forms reach the trained point exactly (α = 1, or x = y = 0 gives θ* bit for bit), so
 * the value there is the trained model's loss (`lossOn`), not a neighbour of it.
 * Browser-safe: the page computes the same numbers as `tsgrad landscape`.
 */
import { lossOn } from '../train/evaluate.js';
import type { RunSettings } from '../app/settings.js';
import { noGrad } from '../autograd/index.js';
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import type { Dataset } from '../data/dataset.js';
import { prepareInputs, type Preprocessing } from '../data/preprocess.js';
import { parseInitializer } from '../nn/init.js';
import type { BinaryLoss } from '../nn/loss.js';
import { archText, buildModel } from '../nn/registry.js';
import type { Sequential } from '../nn/sequential.js';
import { add, mul, Tensor } from '../tensor/index.js';

/** A labelled set as the model takes it: inputs (N, ...) prepared, labels (N,) class indices. @example const set: LossSet = lossSet(train, PIXELS, 'float64'); */
export interface LossSet {
  x: Tensor;
  labels: Tensor;
}

/**
 * A data set prepared as a model takes it.
 * @example lossSet(test, loaded.preprocessing, loaded.dtype)
 */
export function lossSet(d: Dataset, p: Preprocessing, dtype: FloatDType): LossSet {
  return { x: prepareInputs(d.x, p, dtype), labels: d.labels };
}

/**
 * A model at its trained parameters, with the settings it was trained with: θ₀ is re-created
 * from their layers, initialiser and seed, and their loss is the landscape's. A loaded model
 * file gives `{ model, settings: training.settings }`; a `RunResult` is one as it is.
 * @example computeLandscape({ model: loaded.model, settings: loaded.training.settings }, train, test)
 */
export interface TrainedModel {
  model: Sequential;
  settings?: RunSettings | undefined;
}

export interface LandscapeOptions {
  /** The interpolation's α range (default [-0.5, 1.5]) and number of points (default 41). */
  alphaRange?: readonly [number, number];
  alphaPoints?: number;
  /** The 2-D grid: `gridSize` x `gridSize` points (default 21) over [-range, range]² (default 1). */
  gridSize?: number;
  range?: number;
  /** Seed of the random directions (numpy's legacy stream). Default 0. */
  seed?: number;
  /** Give biases a random direction too, normalised to the bias's norm. Default false. */
  includeBiases?: boolean;
  /** Evaluate the surface on the test set too (doubles the work). Default false. */
  testSurface?: boolean;
  /** Called after every evaluated point. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Everything a landscape run computes: plain numbers, ready for JSON. */
export interface Landscape {
  /** The model's layers, as `--arch` spells them. */
  model: string;
  /** Loss at the trained parameters: exactly what the model's own loss gives. */
  trained: { train: number; test: number | null };
  interpolation: { alpha: number[]; train: number[]; test: number[] | null };
  surface: {
    /** Grid coordinates along δ (x) and η (y). */
    x: number[];
    y: number[];
    /** loss[i][j] at (x[j], y[i]): rows follow y. */
    train: number[][];
    test: number[][] | null;
    seed: number;
    includeBiases: boolean;
    normalization: 'filter';
    /** Per parameter: norms of the trained values and of both directions. */
    directions: { name: string; role: string; trainedNorm: number; deltaNorm: number; etaNorm: number }[];
  };
}

/**
 * `n` evenly spaced points from `lo` to `hi` inclusive. When `exact` (e.g. 0 or 1) lies on
 * the grid up to rounding, that point is set to `exact` itself.
 * @example linspace(-1, 1, 5) // [-1, -0.5, 0, 0.5, 1]
 */
export function linspace(lo: number, hi: number, n: number, exact?: number): number[] {
  const out = Array.from({ length: n }, (_, k) => (n === 1 ? lo : lo + ((hi - lo) * k) / (n - 1)));
  if (exact !== undefined && n > 1) {
    const step = (hi - lo) / (n - 1);
    for (let k = 0; k < n; k++) if (Math.abs((out[k] as number) - exact) < step * 1e-9) out[k] = exact;
  }
  return out;
}

function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) ** 2;
  return Math.sqrt(s);
}

/** Float64 values as a tensor of `dtype` (float32 parameters take float32 directions). @example tensorOf(new Float64Array(3), [3], 'float32') */
export function tensorOf(values: Float64Array, shape: readonly number[], dtype: FloatDType): Tensor {
  return new Tensor(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype);
}

/**
 * A random direction for one parameter, filter-normalised: for a weight tensor, each slice
 * along `unitAxis` (one output unit's weights: axis 0 of a Dense W (units, inputs)) is scaled
 * to the norm of the same slice of `theta`; with `unitAxis` null the whole tensor is one filter.
 * @example filterNormalized(randn([7, 12288], rng), W1, 0) // row norms = W1's row norms
 */
export function filterNormalized(direction: Tensor, theta: Tensor, unitAxis: number | null): Tensor {
  if (direction.shape.join() !== theta.shape.join()) {
    throw new ArgumentError('filterNormalized', 'direction', `shape [${direction.shape.join(', ')}] differs from the parameter's [${theta.shape.join(', ')}]`);
  }
  const d = Float64Array.from(direction.values());
  const t = theta.values();
  const axis = unitAxis === null ? null : unitAxis < 0 ? unitAxis + theta.ndim : unitAxis;
  if (axis !== null && (axis < 0 || axis >= theta.ndim)) throw new ArgumentError('filterNormalized', 'unitAxis', `${unitAxis} is out of range for ${theta.ndim} dimensions`);
  // Element i belongs to unit floor(i / inner) % units, for row-major storage.
  const units = axis === null ? 1 : (theta.shape[axis] as number);
  const inner = axis === null ? d.length : theta.shape.slice(axis + 1).reduce((p, x) => p * x, 1);
  const unitOf = (i: number): number => (axis === null ? 0 : Math.floor(i / inner) % units);
  const dn = new Float64Array(units);
  const tn = new Float64Array(units);
  for (let i = 0; i < d.length; i++) {
    const u = unitOf(i);
    dn[u] = (dn[u] as number) + (d[i] as number) ** 2;
    tn[u] = (tn[u] as number) + (t[i] as number) ** 2;
  }
  for (let i = 0; i < d.length; i++) {
    const norm = Math.sqrt(dn[unitOf(i)] as number);
    d[i] = norm === 0 ? 0 : ((d[i] as number) / norm) * Math.sqrt(tn[unitOf(i)] as number);
  }
  return tensorOf(d, theta.shape, theta.dtype === 'float32' ? 'float32' : 'float64');
}

/**
 * Two random filter-normalised directions (δ, η) for the model's parameters, drawn from a
 * seeded standard normal stream in parameter order: all of δ, then all of η. Biases draw too
 * (so the weights' directions do not depend on `includeBiases`) but are zero unless included.
 * @example const [delta, eta] = randomDirections(model, 0, false);
 */
export function randomDirections(model: Sequential, seed: number, includeBiases: boolean): [Tensor[], Tensor[]] {
  const rng = new RandomState(seed);
  const draw = (): Tensor[] =>
    model.parameters().map(({ value, role }) => {
      const raw = new Tensor(rng.randnArray(value.size), value.shape, 'float64');
      if (role === 'bias' && !includeBiases) return tensorOf(new Float64Array(value.size), value.shape, value.dtype === 'float32' ? 'float32' : 'float64');
      return filterNormalized(raw, value, role === 'weight' ? 0 : null);
    });
  const delta = draw();
  return [delta, draw()];
}

/**
 * θ₀, the parameters training started from, re-created from the recorded settings.
 * @example initialParameters({ model, settings: NEURON }) // zeros
 */
export function initialParameters(t: TrainedModel): Tensor[] {
  const s = t.settings;
  if (s === undefined) throw new ArgumentError('landscape', 'model', 'the model records no training settings, needed to re-create its initial parameters for the 1-D interpolation');
  const init = { init: parseInitializer(s.init, 'landscape'), seed: s.seed, dtype: s.dtype };
  return buildModel(t.model.inputShape, s.layers, init).parameters().map((p) => p.value);
}

/** One loss to evaluate: on the interpolation line at α, or on the plane at (x, y). */
export type LandscapeJob = { set: 'train' | 'test'; alpha: number } | { set: 'train' | 'test'; x: number; y: number };

/** Everything a job needs: the model, its loss, the data, the trained and initial values, the directions. */
export interface JobContext {
  model: Sequential;
  loss: BinaryLoss;
  train: LossSet;
  test: LossSet | null;
  theta: readonly Tensor[];
  initial: readonly Tensor[];
  delta: readonly Tensor[];
  eta: readonly Tensor[];
}

/**
 * The loss of one job. Every evaluator (this thread, worker threads, the page) computes a job
 * the same way, so results do not depend on how the work was split.
 * @example evaluateJob(context, { set: 'train', x: 0, y: 0 }) // the trained model's loss
 */
export function evaluateJob(c: JobContext, job: LandscapeJob): number {
  const data = job.set === 'train' ? c.train : c.test;
  if (data === null) throw new ArgumentError('landscape', 'set', 'no test data was given');
  return noGrad(() => {
    // θ* itself at x = y = 0 and α = 1, so the trained point is exact.
    const values = 'alpha' in job
      ? job.alpha === 1 ? c.theta : c.theta.map((t, i) => add(mul(1 - job.alpha, c.initial[i] as Tensor), mul(job.alpha, t)))
      : job.x === 0 && job.y === 0 ? c.theta : c.theta.map((t, i) => add(add(t, mul(job.x, c.delta[i] as Tensor)), mul(job.y, c.eta[i] as Tensor)));
    return lossAt(c.model, values, data, c.loss);
  });
}

/**
 * The model's loss on `set` with its parameters set to `values` (in `parameters()` order).
 * @example lossAt(model, checkpoint.values, train, 'course')
 */
export function lossAt(model: Sequential, values: readonly Tensor[], set: LossSet, loss: BinaryLoss): number {
  return model.withParameters(values, () => lossOn(model, set.x, set.labels, loss));
}

/**
 * Evaluates batches of jobs; `onDone(k)` after every k finished jobs. The default runs them
 * here, a few at a time between event-loop turns; a pool of worker threads
 * (./landscape-pool.ts, Node) spreads them over the cores.
 */
export interface LossEvaluator {
  evaluate(jobs: readonly LandscapeJob[], context: JobContext, onDone: (count: number) => void): Promise<number[]>;
}

/** A turn of the event loop, in Node and in browsers. @example await tick(); */
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs the jobs in this thread, yielding to the event loop (a progress bar) every few jobs.
 * @example await computeLandscape(trained, train, test, opts, localEvaluator);
 */
export const localEvaluator: LossEvaluator = {
  async evaluate(jobs, context, onDone) {
    const out: number[] = [];
    for (const job of jobs) {
      out.push(evaluateJob(context, job));
      onDone(1);
      if (out.length % 8 === 0) await tick();
    }
    return out;
  },
};

function checkOptions(o: Required<Omit<LandscapeOptions, 'onProgress'>>): void {
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) throw new ArgumentError('landscape', name, `must be an integer >= ${min}, got ${v}`);
  };
  int('alphaPoints', o.alphaPoints, 2);
  int('gridSize', o.gridSize, 2);
  if (o.gridSize * o.gridSize > 1_000_000) throw new ArgumentError('landscape', 'gridSize', `${o.gridSize}² points is too many (at most 1000 x 1000)`);
  if (!Number.isFinite(o.range) || o.range <= 0) throw new ArgumentError('landscape', 'range', `must be a positive number, got ${o.range}`);
  const [lo, hi] = o.alphaRange;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) throw new ArgumentError('landscape', 'alphaRange', `must be two finite numbers, low < high, got [${lo}, ${hi}]`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1) throw new ArgumentError('landscape', 'seed', `must be an integer in 0..2**32-1, got ${o.seed}`);
}

/**
 * Computes the 1-D interpolation and the 2-D surface. `evaluator` decides where the losses
 * are computed (default: this thread).
 * @example const l = await computeLandscape({ model, settings }, { x: trainX, labels: train.labels }, null, { gridSize: 21 });
 */
export async function computeLandscape(trained: TrainedModel, train: LossSet, test: LossSet | null, opts: LandscapeOptions = {}, evaluator: LossEvaluator = localEvaluator): Promise<Landscape> {
  const o = {
    alphaRange: opts.alphaRange ?? ([-0.5, 1.5] as const),
    alphaPoints: opts.alphaPoints ?? 41,
    gridSize: opts.gridSize ?? 21,
    range: opts.range ?? 1,
    seed: opts.seed ?? 0,
    includeBiases: opts.includeBiases ?? false,
    testSurface: (opts.testSurface ?? false) && test !== null,
  };
  checkOptions(o);
  const { model } = trained;
  const params = model.parameters();
  const theta = params.map((p) => p.value);
  const alpha = linspace(o.alphaRange[0], o.alphaRange[1], o.alphaPoints, 1);
  const coords = linspace(-o.range, o.range, o.gridSize, 0);
  const [delta, eta] = randomDirections(model, o.seed, o.includeBiases);
  const context: JobContext = { model, loss: trained.settings?.loss ?? 'course', train, test, theta, initial: initialParameters(trained), delta, eta };

  // Every loss as a job, in a fixed order: the trained point, the line, the plane row by row.
  const sets: ('train' | 'test')[] = test === null ? ['train'] : ['train', 'test'];
  const surfaceSets: ('train' | 'test')[] = o.testSurface ? ['train', 'test'] : ['train'];
  const jobs: LandscapeJob[] = [
    ...sets.map((set) => ({ set, x: 0, y: 0 })),
    ...alpha.flatMap((a) => sets.map((set) => ({ set, alpha: a }))),
    ...coords.flatMap((y) => coords.flatMap((x) => surfaceSets.map((set) => ({ set, x, y })))),
  ];
  let done = 0;
  const losses = await evaluator.evaluate(jobs, context, (k) => opts.onProgress?.((done += k), jobs.length));
  let next = 0;
  const take = (): number => losses[next++] ?? Number.NaN;
  const trainedLoss = { train: take(), test: test === null ? null : take() };
  const line = alpha.map(() => sets.map(take));
  const grid = coords.map(() => coords.map(() => surfaceSets.map(take)));
  return {
    model: archText(model.configs()),
    trained: trainedLoss,
    interpolation: { alpha, train: line.map((l) => l[0] as number), test: test === null ? null : line.map((l) => l[1] as number) },
    surface: {
      x: coords,
      y: [...coords],
      train: grid.map((row) => row.map((p) => p[0] as number)),
      test: o.testSurface ? grid.map((row) => row.map((p) => p[1] as number)) : null,
      seed: o.seed,
      includeBiases: o.includeBiases,
      normalization: 'filter',
      directions: params.map((p, i) => ({
        name: p.name,
        role: p.role,
        trainedNorm: l2(p.value.values()),
        deltaNorm: l2((delta[i] as Tensor).values()),
        etaNorm: l2((eta[i] as Tensor).values()),
      })),
    },
  };
}
