/**
 * The loss landscape after Li, Xu, Taylor, Studer and Goldstein, "Visualizing the Loss
 * Landscape of Neural Nets" (NeurIPS 2018), for any `LossModel`:
 *
 * - 1-D linear interpolation θ(α) = (1 - α)·θ₀ + α·θ* from the initial parameters θ₀ to the
 *   trained θ*, train and test loss (their section 3, after Goodfellow et al. 2015);
 * - a 2-D surface f(x, y) = L(θ* + x·δ + y·η) along two random Gaussian directions, each
 *   filter-normalised: every filter of δ (one output unit's weights) is rescaled to the norm
 *   of the same filter of θ*, so the picture does not depend on the weights' scale (their
 *   section 4). Biases get no direction unless asked for.
 *
 * Both forms reach the trained point exactly (α = 1, or x = y = 0 gives θ* bit for bit), so
 * the value there is the trained model's loss, not a neighbour of it.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { add, mul, Tensor } from '../tensor/index.js';
import { trainedValues, type LossModel } from './loss-model.js';

/** A labelled data set as the model takes it: X (features, m), Y (1, m). */
export interface LossData {
  X: Tensor;
  Y: Tensor;
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
  onProgress?: (done: number, total: number) => void;
}

/** Everything a landscape run computes: plain numbers, ready for JSON. */
export interface Landscape {
  model: string;
  /** Loss at the trained parameters: exactly what the model's own loss gives. */
  trained: { train: number; test: number | null };
  interpolation: {
    alpha: number[];
    train: number[];
    test: number[] | null;
  };
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

function l2(values: ArrayLike<number>, from = 0, to = values.length, stride = 1): number {
  let s = 0;
  for (let i = from; i < to; i += stride) s += (values[i] as number) ** 2;
  return Math.sqrt(s);
}

/**
 * A random direction for one parameter, filter-normalised: for a weight tensor, each slice
 * along `unitAxis` (one output unit's weights) is scaled to the norm of the same slice of
 * `theta`; a whole bias tensor is scaled to the bias's norm.
 * @example filterNormalized(randn([12288, 1], rng), w, 1) // column norm = ‖w‖
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
    const u = unitOf(i);
    const norm = Math.sqrt(dn[u] as number);
    d[i] = norm === 0 ? 0 : ((d[i] as number) / norm) * Math.sqrt(tn[u] as number);
  }
  return toDtype(d, theta.shape, theta.dtype as FloatDType);
}

function toDtype(values: Float64Array, shape: readonly number[], dtype: FloatDType): Tensor {
  return new Tensor(dtype === 'float64' ? values : Float32Array.from(values), shape, dtype);
}

/**
 * Two random filter-normalised directions (δ, η) for the model's parameters, drawn from a
 * seeded standard normal stream in parameter order: all of δ, then all of η. Biases draw too
 * (so the weights' directions do not depend on `includeBiases`) but are zero unless included.
 * @example const [delta, eta] = randomDirections(model, 0, false);
 */
export function randomDirections(model: LossModel, seed: number, includeBiases: boolean): [Tensor[], Tensor[]] {
  const rng = new RandomState(seed);
  const draw = (): Tensor[] =>
    model.parameters.map((p) => {
      const raw = new Tensor(rng.randnArray(p.value.size), p.value.shape, 'float64');
      if (p.role === 'bias' && !includeBiases) return toDtype(new Float64Array(p.value.size), p.value.shape, p.value.dtype as FloatDType);
      return filterNormalized(raw, p.value, p.role === 'weight' ? (p.unitAxis ?? 0) : null);
    });
  const delta = draw();
  const eta = draw();
  return [delta, eta];
}

/** θ* + x·δ + y·η, parameter by parameter (θ* itself when x = y = 0). */
function moved(theta: readonly Tensor[], delta: readonly Tensor[], eta: readonly Tensor[], x: number, y: number): Tensor[] {
  if (x === 0 && y === 0) return [...theta];
  return theta.map((t, i) => add(add(t, mul(x, delta[i] as Tensor)), mul(y, eta[i] as Tensor)));
}

/** (1 - α)·θ₀ + α·θ*: θ₀ at α = 0 and θ* at α = 1, exactly. */
function interpolated(initial: readonly Tensor[], theta: readonly Tensor[], alpha: number): Tensor[] {
  if (alpha === 1) return [...theta];
  return theta.map((t, i) => add(mul(1 - alpha, initial[i] as Tensor), mul(alpha, t)));
}

function checkOptions(o: Required<Omit<LandscapeOptions, 'onProgress'>>): void {
  const positiveInt = (name: string, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) throw new ArgumentError('landscape', name, `must be an integer >= ${min}, got ${v}`);
  };
  positiveInt('alphaPoints', o.alphaPoints, 2);
  positiveInt('gridSize', o.gridSize, 2);
  if (o.gridSize * o.gridSize > 1_000_000) throw new ArgumentError('landscape', 'gridSize', `${o.gridSize}² points is too many (at most 1000 x 1000)`);
  if (!Number.isFinite(o.range) || o.range <= 0) throw new ArgumentError('landscape', 'range', `must be a positive number, got ${o.range}`);
  const [lo, hi] = o.alphaRange;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) throw new ArgumentError('landscape', 'alphaRange', `must be two finite numbers, low < high, got [${lo}, ${hi}]`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1) throw new ArgumentError('landscape', 'seed', `must be an integer in 0..2**32-1, got ${o.seed}`);
}

/** One loss to evaluate: on the interpolation line at α, or on the plane at (x, y). */
export type LandscapeJob = { set: 'train' | 'test'; alpha: number } | { set: 'train' | 'test'; x: number; y: number };

/** Everything a job needs besides the model: the data, the trained and initial values, the directions. */
export interface JobContext {
  model: LossModel;
  train: LossData;
  test: LossData | null;
  theta: readonly Tensor[];
  initial: readonly Tensor[];
  delta: readonly Tensor[];
  eta: readonly Tensor[];
}

/**
 * The loss of one job. Every evaluator (this thread or worker threads) computes a job the
 * same way, so results do not depend on how the work was split.
 * @example evaluateJob(context, { set: 'train', x: 0, y: 0 }) // the trained model's loss
 */
export function evaluateJob(c: JobContext, job: LandscapeJob): number {
  const data = job.set === 'train' ? c.train : c.test;
  if (data === null) throw new ArgumentError('landscape', 'set', 'no test data was given');
  const values = 'alpha' in job ? interpolated(c.initial, c.theta, job.alpha) : moved(c.theta, c.delta, c.eta, job.x, job.y);
  return c.model.loss(values, data.X, data.Y);
}

/**
 * Evaluates batches of jobs; `onDone(k)` after every k finished jobs. The default runs them
 * here, a few at a time between event-loop turns; a pool of worker threads
 * (./landscape-pool.ts) spreads them over the cores.
 */
export interface LossEvaluator {
  evaluate(jobs: readonly LandscapeJob[], context: JobContext, onDone: (count: number) => void): Promise<number[]>;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs the jobs in this thread, yielding to the event loop (a progress bar) every few jobs.
 * @example await computeLandscape(model, train, test, opts, localEvaluator);
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

/**
 * Computes the 1-D interpolation and the 2-D surface. `evaluator` decides where the losses
 * are computed (default: this thread).
 * @example const l = await computeLandscape(model, { X: trainX, Y: trainY }, { X: testX, Y: testY }, { gridSize: 21 });
 */
export async function computeLandscape(model: LossModel, train: LossData, test: LossData | null, opts: LandscapeOptions = {}, evaluator: LossEvaluator = localEvaluator): Promise<Landscape> {
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
  if (model.initial === null) {
    throw new ArgumentError('landscape', 'model', `the ${model.type} model file does not record its initial parameters, needed for the 1-D interpolation`);
  }
  const theta = trainedValues(model);
  const alpha = linspace(o.alphaRange[0], o.alphaRange[1], o.alphaPoints, 1);
  const coords = linspace(-o.range, o.range, o.gridSize, 0);
  const [delta, eta] = randomDirections(model, o.seed, o.includeBiases);
  const context: JobContext = { model, train, test, theta, initial: model.initial, delta, eta };

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

  const trained = { train: take(), test: test === null ? null : take() };
  const interpolation = { alpha, train: [] as number[], test: test === null ? null : ([] as number[]) };
  for (const _ of alpha) {
    interpolation.train.push(take());
    if (test !== null) interpolation.test?.push(take());
  }
  const surfaceTrain: number[][] = [];
  const surfaceTest: number[][] | null = o.testSurface ? [] : null;
  for (const _y of coords) {
    const row: number[] = [];
    const testRow: number[] = [];
    for (const _x of coords) {
      row.push(take());
      if (surfaceTest !== null) testRow.push(take());
    }
    surfaceTrain.push(row);
    surfaceTest?.push(testRow);
  }
  return {
    model: model.type,
    trained,
    interpolation,
    surface: {
      x: coords,
      y: [...coords],
      train: surfaceTrain,
      test: surfaceTest,
      seed: o.seed,
      includeBiases: o.includeBiases,
      normalization: 'filter',
      directions: model.parameters.map((p, i) => ({
        name: p.name,
        role: p.role,
        trainedNorm: l2(p.value.values()),
        deltaNorm: l2((delta[i] as Tensor).values()),
        etaNorm: l2((eta[i] as Tensor).values()),
      })),
    },
  };
}

/** A number for CSV: shortest round-trip digits; `inf`, `-inf`, `nan` spelled out. */
function csvNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}

/** The interpolation as CSV: `alpha,train_loss[,test_loss]`. @example interpolationCsv(l).split('\n')[0] // 'alpha,train_loss,test_loss' */
export function interpolationCsv(l: Landscape): string {
  const { alpha, train, test } = l.interpolation;
  const head = test === null ? 'alpha,train_loss' : 'alpha,train_loss,test_loss';
  const rows = alpha.map((a, i) => [a, train[i] as number, ...(test === null ? [] : [test[i] as number])].map(csvNumber).join(','));
  return `${[head, ...rows].join('\n')}\n`;
}

/** The surface as CSV, one row per grid point: `x,y,train_loss[,test_loss]`. @example surfaceCsv(l).split('\n')[0] // 'x,y,train_loss' */
export function surfaceCsv(l: Landscape): string {
  const s = l.surface;
  const lines = [s.test === null ? 'x,y,train_loss' : 'x,y,train_loss,test_loss'];
  s.y.forEach((y, i) =>
    s.x.forEach((x, j) => {
      const cells = [x, y, s.train[i]?.[j] ?? Number.NaN, ...(s.test === null ? [] : [s.test[i]?.[j] ?? Number.NaN])];
      lines.push(cells.map(csvNumber).join(','));
    }),
  );
  return `${lines.join('\n')}\n`;
}

/** The landscape as JSON: non-finite losses (a saturated sigmoid's log 0) become null. @example landscapeJson(l, { modelFile: 'cat.json' }) */
export function landscapeJson(l: Landscape, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...extra, ...l }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`;
}
