/**
 * The training trajectory on the loss surface, after Li et al. 2018, section 7: random
 * directions miss the path training took (in high dimensions they are nearly orthogonal to
 * it), so the plane is spanned by the first two PCA directions of the checkpoints
 * θ₀ - θ*, θ₁ - θ*, …, and each checkpoint is projected onto it. The checkpoints come from
 * a `Replay` of the recorded training (../app/replay.ts). Browser-safe.
 */
import { ArgumentError } from '../core/errors.js';
import type { Parameter } from '../nn/module.js';
import type { Tensor } from '../tensor/index.js';
import { linspace, localEvaluator, lossAt, tensorOf, tick, type JobContext, type LandscapeJob, type LossEvaluator, type LossSet, type TrainedModel } from './landscape.js';
import { largest } from '../core/numbers.js';

/** Parameter values (in `parameters()` order) after `step` steps of training. */
export interface Checkpoint {
  step: number;
  values: Tensor[];
}

/** Training re-run from its start: `steps` steps (iterations, or epochs with mini-batches). */
export interface Replay {
  readonly steps: number;
  /** The parameters at the start, after every `every` steps and at the end; `onStep` after each step. */
  run(every: number, onStep: (done: number) => void): Promise<Checkpoint[]>;
}

export interface TrajectoryOptions {
  /** About how many checkpoints to take along training (default 20). */
  checkpoints?: number;
  /** The surface is gridSize x gridSize points (default 21). */
  gridSize?: number;
  /** The grid spans this multiple of the trajectory's extent on each axis (default 1.25). */
  margin?: number;
  /** Project biases too (default false, as for the random directions). */
  includeBiases?: boolean;
  onProgress?: ((done: number, total: number) => void) | undefined;
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
  // Applies the rotation (c, s) to columns p and q of M: M ← M J.
  const rotateColumns = (M: Float64Array, p: number, q: number, c: number, s: number): void => {
    for (let k = 0; k < n; k++) {
      const mp = M[k * n + p] as number;
      const mq = M[k * n + q] as number;
      M[k * n + p] = c * mp - s * mq;
      M[k * n + q] = s * mp + c * mq;
    }
  };
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
        // A ← Jᵀ A J: columns p and q, then rows p and q.
        rotateColumns(a, p, q, c, s);
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        rotateColumns(v, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => at(j, j) - at(i, i));
  return { values: order.map((i) => at(i, i)), vectors: order.map((i) => Array.from({ length: n }, (_, k) => v[k * n + i] as number)) };
}

const used = (p: Parameter, includeBiases: boolean): boolean => p.role === 'weight' || includeBiases;

/** The flattened values of the parameters the projection uses. */
function flat(params: readonly Parameter[], values: readonly Tensor[], includeBiases: boolean): Float64Array {
  const parts = params.map((p, i) => (used(p, includeBiases) ? (values[i] as Tensor).values() : new Float64Array(0)));
  const out = new Float64Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** A flat direction back into one tensor per parameter (zeros where left out). */
function unflatten(params: readonly Parameter[], d: Float64Array, includeBiases: boolean): Tensor[] {
  let at = 0;
  return params.map((p) => {
    const size = p.value.size;
    const part = used(p, includeBiases) ? d.slice(at, (at += size)) : new Float64Array(size);
    return tensorOf(part, p.value.shape, p.value.dtype === 'float32' ? 'float32' : 'float64');
  });
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** The first two principal directions of the rows (unit vectors) and their shares of the variance. */
function principalPlane(rows: Float64Array[], size: number): { directions: [Float64Array, Float64Array]; explained: [number, number] } {
  const n = rows.length;
  const mean = new Float64Array(size);
  for (const r of rows) for (let i = 0; i < size; i++) mean[i] = (mean[i] as number) + (r[i] as number) / n;
  const centred = rows.map((r) => r.map((x, i) => x - (mean[i] as number)));
  // PCA through the small n x n Gram matrix: its eigenvectors u give the directions Mᵀu.
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) gram[i * n + j] = gram[j * n + i] = dot(centred[i] as Float64Array, centred[j] as Float64Array);
  const eig = symmetricEigen(gram, n);
  const total = eig.values.reduce((s, x) => s + Math.max(0, x), 0);
  const direction = (k: number): Float64Array => {
    const u = eig.vectors[k] ?? [];
    const d = new Float64Array(size);
    centred.forEach((r, i) => {
      const ui = u[i] ?? 0;
      for (let j = 0; j < size; j++) d[j] = (d[j] as number) + ui * (r[j] as number);
    });
    const norm = Math.sqrt(dot(d, d));
    return norm === 0 ? d : d.map((x) => x / norm);
  };
  const share = (k: number): number => (total > 0 ? Math.max(0, eig.values[k] ?? 0) / total : 0);
  return { directions: [direction(0), direction(1)], explained: [share(0), share(1)] };
}

/**
 * Replays training, finds the checkpoints' two PCA directions, projects the path onto them
 * and evaluates the train loss on that plane.
 * @example const t = await computeTrajectory(trained, train, trainingReplay(settings, data, engine), { checkpoints: 20 });
 */
export async function computeTrajectory(trained: TrainedModel, train: LossSet, replay: Replay, opts: TrajectoryOptions = {}, evaluator: LossEvaluator = localEvaluator): Promise<Trajectory> {
  const count = opts.checkpoints ?? 20;
  const gridSize = opts.gridSize ?? 21;
  const margin = opts.margin ?? 1.25;
  const includeBiases = opts.includeBiases ?? false;
  if (!Number.isSafeInteger(count) || count < 3) throw new ArgumentError('trajectory', 'checkpoints', `must be an integer >= 3, got ${count}`);
  if (!Number.isSafeInteger(gridSize) || gridSize < 2 || gridSize > 1000) throw new ArgumentError('trajectory', 'gridSize', `must be an integer from 2 to 1000, got ${gridSize}`);
  if (!(margin >= 1) || !Number.isFinite(margin)) throw new ArgumentError('trajectory', 'margin', `must be a number >= 1, got ${margin}`);
  const { model } = trained;
  const loss = trained.settings?.loss ?? 'course';
  const params = model.parameters();
  const steps = replay.steps;
  const every = Math.max(1, Math.ceil(steps / count));
  // Progress: each replayed step, each checkpoint's loss, each grid point.
  const total = steps + Math.ceil(steps / every) + 1 + gridSize * gridSize;
  let done = 0;
  const checkpoints = await replay.run(every, (d) => opts.onProgress?.((done = d), total));
  const theta = params.map((p) => p.value);
  const end = flat(params, theta, includeBiases);
  const all = flat(params, theta, true);
  const replayed = flat(params, checkpoints.at(-1)?.values ?? theta, true);
  let replayError = 0;
  for (let i = 0; i < all.length; i++) replayError = Math.max(replayError, Math.abs((replayed[i] as number) - (all[i] as number)));

  const fromEnd = (c: Checkpoint): Float64Array => flat(params, c.values, includeBiases).map((x, i) => x - (end[i] as number));
  // Every checkpoint but the last (the trained point itself) spans the plane.
  const { directions, explained } = principalPlane(checkpoints.slice(0, -1).map(fromEnd), end.length);
  const x: number[] = [];
  const y: number[] = [];
  const losses: number[] = [];
  for (const c of checkpoints) {
    const r = fromEnd(c);
    x.push(dot(r, directions[0]));
    y.push(dot(r, directions[1]));
    losses.push(lossAt(model, c.values, train, loss));
    opts.onProgress?.(++done, total);
  }
  await tick();

  const extent = (v: number[]): number => margin * largest(v.map(Math.abs)) || 1;
  const xs = linspace(-extent(x), extent(x), gridSize, 0);
  const ys = linspace(-extent(y), extent(y), gridSize, 0);
  const [d1, d2] = directions.map((d) => unflatten(params, d, includeBiases)) as [Tensor[], Tensor[]];
  const context: JobContext = { model, loss, train, test: null, theta, initial: theta, delta: d1, eta: d2 };
  const jobs: LandscapeJob[] = ys.flatMap((yv) => xs.map((xv) => ({ set: 'train' as const, x: xv, y: yv })));
  const grid = await evaluator.evaluate(jobs, context, (k) => opts.onProgress?.((done += k), total));
  const surface = ys.map((_, i) => grid.slice(i * xs.length, (i + 1) * xs.length));
  return { steps: checkpoints.map((c) => c.step), x, y, loss: losses, explainedVariance: explained, replayError, includeBiases, surface: { x: xs, y: ys, train: surface } };
}
