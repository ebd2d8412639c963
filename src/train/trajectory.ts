/**
 * The training trajectory on the loss surface, after Li et al. 2018, section 7: random
 * directions miss the path training took (in high dimensions they are nearly orthogonal to
 * it), so the plane is spanned by the first two PCA directions of the checkpoints
 * θ₀ - θ*, θ₁ - θ*, …, and each checkpoint is projected onto it.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/index.js';
import { linspace, localEvaluator, type JobContext, type LandscapeJob, type LossData, type LossEvaluator } from './landscape.js';
import { trainedValues, type Checkpoint, type LossModel } from './loss-model.js';

export interface TrajectoryOptions {
  /** About how many checkpoints to take along training (default 20). */
  checkpoints?: number;
  /** The surface is gridSize x gridSize points (default 21). */
  gridSize?: number;
  /** The grid spans this multiple of the trajectory's extent on each axis (default 1.25). */
  margin?: number;
  /** Project biases too (default false, as for the random directions). */
  includeBiases?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface Trajectory {
  /** Training step of each checkpoint, its coordinates on the PCA plane and its train loss. */
  steps: number[];
  x: number[];
  y: number[];
  loss: number[];
  /** Share of the checkpoints' variance along each PCA direction. */
  explainedVariance: [number, number];
  /** Largest |replayed end of training - saved parameters|: how faithfully the replay retraced training. */
  replayError: number;
  includeBiases: boolean;
  /** Train loss on the PCA plane: loss[i][j] at (x[j], y[i]), the trained point at (0, 0). */
  surface: { x: number[]; y: number[]; train: number[][] };
}

/**
 * Eigenvalues and eigenvectors of a small symmetric matrix (row-major n x n) by cyclic
 * Jacobi rotations, sorted by decreasing eigenvalue; `vectors[k]` belongs to `values[k]`.
 * @example symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values // [3, 1]
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: number[]; vectors: number[][] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const at = (i: number, j: number): number => a[i * n + j] as number;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += at(i, j) ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // Columns p and q, then rows p and q: A ← Jᵀ A J.
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(j, j) - at(i, i));
  return { values: order.map((i) => at(i, i)), vectors: order.map((i) => Array.from({ length: n }, (_, k) => v[k * n + i] as number)) };
}

/** The flattened values of the parameters the projection uses. */
function flat(model: LossModel, values: readonly Tensor[], includeBiases: boolean): Float64Array {
  const parts = model.parameters.map((p, i) => (p.role === 'weight' || includeBiases ? (values[i] as Tensor).values() : new Float64Array(0)));
  const out = new Float64Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** A flat direction back into one tensor per parameter (zeros where left out). */
function unflatten(model: LossModel, d: Float64Array, includeBiases: boolean): Tensor[] {
  let at = 0;
  return model.parameters.map((p) => {
    const size = p.value.size;
    const used = p.role === 'weight' || includeBiases;
    const part = used ? d.subarray(at, at + size) : new Float64Array(size);
    if (used) at += size;
    const dtype = p.value.dtype as FloatDType;
    return new Tensor(dtype === 'float64' ? Float64Array.from(part) : Float32Array.from(part), p.value.shape, dtype);
  });
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Replays training, finds the checkpoints' two PCA directions, projects the path onto them
 * and evaluates the train loss on that plane.
 * @example const t = await computeTrajectory(model, { X: trainX, Y: trainY }, { checkpoints: 20 });
 */
export async function computeTrajectory(model: LossModel, train: LossData, opts: TrajectoryOptions = {}, evaluator: LossEvaluator = localEvaluator): Promise<Trajectory> {
  const count = opts.checkpoints ?? 20;
  const gridSize = opts.gridSize ?? 21;
  const margin = opts.margin ?? 1.25;
  const includeBiases = opts.includeBiases ?? false;
  if (!Number.isSafeInteger(count) || count < 3) throw new ArgumentError('trajectory', 'checkpoints', `must be an integer >= 3, got ${count}`);
  if (!Number.isSafeInteger(gridSize) || gridSize < 2 || gridSize > 1000) throw new ArgumentError('trajectory', 'gridSize', `must be an integer from 2 to 1000, got ${gridSize}`);
  if (!(margin >= 1) || !Number.isFinite(margin)) throw new ArgumentError('trajectory', 'margin', `must be a number >= 1, got ${margin}`);
  const recorded = model.training?.settings ?? {};
  // Full-batch training counts iterations; mini-batch training counts epochs.
  const length = recorded['batchSize'] === undefined ? recorded['iterations'] : recorded['epochs'];
  const steps = typeof length === 'number' ? length : undefined;
  if (model.replayTraining === undefined || steps === undefined) {
    throw new ArgumentError('trajectory', 'model', `a ${model.type} model cannot replay its training yet, so it has no checkpoints to project`);
  }
  const every = Math.max(1, Math.ceil(steps / count));
  // Progress: each replayed step, each checkpoint's loss, each grid point.
  const total = steps + Math.ceil(steps / every) + 1 + gridSize * gridSize;
  let done = 0;
  const step = (): void => opts.onProgress?.(++done, total);
  const checkpoints: Checkpoint[] = model.replayTraining(train.X, train.Y, every, (d) => opts.onProgress?.((done = d), total));
  const theta = trainedValues(model);
  const end = flat(model, theta, includeBiases);
  const last = checkpoints.at(-1);
  const replayed = last === undefined ? end : flat(model, last.values, true);
  const all = flat(model, theta, true);
  let replayError = 0;
  for (let i = 0; i < all.length; i++) replayError = Math.max(replayError, Math.abs((replayed[i] as number) - (all[i] as number)));

  // Rows θᵢ - θ* of every checkpoint but the last, centred for PCA.
  const rows = checkpoints.slice(0, -1).map((c) => {
    const r = flat(model, c.values, includeBiases);
    for (let i = 0; i < r.length; i++) r[i] = (r[i] as number) - (end[i] as number);
    return r;
  });
  const n = rows.length;
  const mean = new Float64Array(end.length);
  for (const r of rows) for (let i = 0; i < r.length; i++) mean[i] = (mean[i] as number) + (r[i] as number) / n;
  const centred = rows.map((r) => r.map((x, i) => x - (mean[i] as number)));
  // PCA through the small n x n Gram matrix: its eigenvectors u give the directions Mᵀu.
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) gram[i * n + j] = gram[j * n + i] = dot(centred[i] as Float64Array, centred[j] as Float64Array);
  const eig = symmetricEigen(gram, n);
  const totalVariance = eig.values.reduce((s, x) => s + Math.max(0, x), 0);
  const directions = [0, 1].map((k) => {
    const u = eig.vectors[k] ?? [];
    const d = new Float64Array(end.length);
    centred.forEach((r, i) => {
      const ui = u[i] ?? 0;
      for (let j = 0; j < d.length; j++) d[j] = (d[j] as number) + ui * (r[j] as number);
    });
    const norm = Math.sqrt(dot(d, d));
    return norm === 0 ? d : d.map((x) => x / norm);
  }) as [Float64Array, Float64Array];
  const explainedVariance: [number, number] = [0, 1].map((k) => (totalVariance > 0 ? Math.max(0, eig.values[k] ?? 0) / totalVariance : 0)) as [number, number];

  const x: number[] = [];
  const y: number[] = [];
  const loss: number[] = [];
  for (const c of checkpoints) {
    const r = flat(model, c.values, includeBiases);
    for (let i = 0; i < r.length; i++) r[i] = (r[i] as number) - (end[i] as number);
    x.push(dot(r, directions[0]));
    y.push(dot(r, directions[1]));
    loss.push(model.loss(c.values, train.X, train.Y));
    step();
  }
  await tick();

  const extent = (v: number[]): number => margin * Math.max(...v.map(Math.abs)) || 1;
  const xs = linspace(-extent(x), extent(x), gridSize, 0);
  const ys = linspace(-extent(y), extent(y), gridSize, 0);
  const [d1, d2] = directions.map((d) => unflatten(model, d, includeBiases)) as [Tensor[], Tensor[]];
  const context: JobContext = { model, train, test: null, theta, initial: model.initial ?? theta, delta: d1, eta: d2 };
  const jobs: LandscapeJob[] = ys.flatMap((y) => xs.map((x) => ({ set: 'train' as const, x, y })));
  const losses = await evaluator.evaluate(jobs, context, (k) => {
    done += k;
    opts.onProgress?.(done, total);
  });
  const surface = ys.map((_, i) => losses.slice(i * xs.length, (i + 1) * xs.length));
  return { steps: checkpoints.map((c) => c.step), x, y, loss, explainedVariance, replayError, includeBiases, surface: { x: xs, y: ys, train: surface } };
}

/** The trajectory as CSV: `step,x,y,train_loss`. @example trajectoryCsv(t).split('\n')[0] // 'step,x,y,train_loss' */
export function trajectoryCsv(t: Trajectory): string {
  return `${['step,x,y,train_loss', ...t.steps.map((s, i) => `${s},${t.x[i]},${t.y[i]},${t.loss[i]}`)].join('\n')}\n`;
}
