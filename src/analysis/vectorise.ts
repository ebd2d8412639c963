/**
 * The notes' sections 3.1-3.2, vectorisation, as numbers: the same dot product as a
 * JavaScript loop and as tsgrad's `dot`, timed; and the logistic gradient of m = 10 samples
 * with n_x = 2 features written with whole-matrix ops (Z = wᵀX + b, A = σ(Z), dZ = A - Y,
 * dW = X dZᵀ / m, db = Σ dZ / m), beside autodiff's gradient of the same cost.
 * Browser-safe: the page and `tsgrad demo vectorise` share these functions.
 */
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { propagateAutodiff } from '../course/neuron-autodiff.js';
import { add, dot, fromArray, log, matmul, mul, sigmoid, sub, sum, type Tensor } from '../tensor/index.js';

/** Timings in milliseconds (the median of the repeats) and the two results. */
export interface DotTiming {
  size: number;
  repeat: number;
  /** `for (i) s += a[i] * b[i]`, the notes' loop. */
  loopMs: number;
  /** `dot(a, b).item()` on two 1-D tensors made once beforehand (as the notes' numpy arrays are). */
  dotMs: number;
  loopValue: number;
  dotValue: number;
}

/** The largest vector `timeDot` takes (two float64 arrays of 8e7 bytes each). */
export const MAX_DOT_SIZE = 10_000_000;
export const MAX_DOT_REPEAT = 1000;

/**
 * Two vectors of `size` uniform numbers in [0, 1) (numpy's `RandomState(seed).rand`), as the
 * notes' `a = np.random.rand(1000000)`.
 * @example const [a, b] = dotOperands(100000);
 */
export function dotOperands(size: number, seed = 1): [Float64Array, Float64Array] {
  const rng = new RandomState(seed);
  const a = new Float64Array(size);
  const b = new Float64Array(size);
  for (let i = 0; i < size; i++) a[i] = rng.random();
  for (let i = 0; i < size; i++) b[i] = rng.random();
  return [a, b];
}

/** The notes' explicit loop: one product at a time, summed in order. */
export function loopDot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? (s[k] as number) : ((s[k - 1] as number) + (s[k] as number)) / 2;
}

/**
 * Times the notes' loop against tsgrad's `dot` on the same two seeded vectors of `size`
 * numbers: untimed runs of each first (the JIT's warm-up), then `repeat` timed runs of
 * each, alternating, and the median of each. Uses `performance.now()` (Node and browsers).
 * @example const t = timeDot(100000, 5); `${t.loopMs / t.dotMs}x`
 */
export function timeDot(size: number, repeat: number): DotTiming {
  const op = 'timeDot';
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_DOT_SIZE) throw new ArgumentError(op, 'size', `expected an integer from 1 to ${MAX_DOT_SIZE}, got ${String(size)}`);
  if (!Number.isSafeInteger(repeat) || repeat < 1 || repeat > MAX_DOT_REPEAT) throw new ArgumentError(op, 'repeat', `expected an integer from 1 to ${MAX_DOT_REPEAT}, got ${String(repeat)}`);
  const [a, b] = dotOperands(size);
  const [ta, tb] = [fromArray(a), fromArray(b)];
  const tensorDot = (): number => dot(ta, tb).item();
  // Warm-up, untimed: enough runs (up to 100, about a million products) for the JIT to compile both.
  let loopValue = 0;
  let dotValue = 0;
  for (let k = Math.min(100, Math.ceil(1e6 / size)); k > 0; k--) [loopValue, dotValue] = [loopDot(a, b), tensorDot()];
  const loops: number[] = [];
  const dots: number[] = [];
  for (let r = 0; r < repeat; r++) {
    let t0 = performance.now();
    loopValue = loopDot(a, b);
    loops.push(performance.now() - t0);
    t0 = performance.now();
    dotValue = tensorDot();
    dots.push(performance.now() - t0);
  }
  return { size, repeat, loopMs: median(loops), dotMs: median(dots), loopValue, dotValue };
}

/** A matrix as rows of numbers and its shape. */
export interface Matrix {
  shape: [number, number];
  rows: number[][];
}

/** The notes' 3.2 step by step, plus autodiff's answer. */
export interface VectorisedGradient {
  seed: number;
  m: number;
  nx: number;
  /** Inputs: X (n_x, m), one sample per column; labels Y (1, m); weights w (n_x, 1); bias b. */
  X: Matrix;
  Y: Matrix;
  w: Matrix;
  b: number;
  /** Z = wᵀX + b (1, m); A = σ(Z) (1, m); dZ = A - Y (1, m); dW = X dZᵀ / m (n_x, 1); db = Σ dZ / m. */
  Z: Matrix;
  A: Matrix;
  dZ: Matrix;
  dW: Matrix;
  db: number;
  /** J = -(1/m) Σ (Y log A + (1-Y) log(1-A)). */
  cost: number;
  /** The gradient of the same J by tsgrad's autodiff (`propagateAutodiff`). */
  autodiff: { dW: Matrix; db: number; cost: number };
  /** The largest |difference| between the two gradients, over dW and db. */
  maxDifference: number;
}

function matrix(t: Tensor): Matrix {
  const [r, c] = t.shape as [number, number];
  const v = t.values();
  return { shape: [r, c], rows: Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => v[i * c + j] as number)) };
}

/**
 * The vectorised gradient of the notes' 3.2 for m = 10 samples with 2 features, seeded
 * (numpy's `RandomState(seed)`, default 1): X from `randn` (2 x 10, row by row), Y = 1 where a
 * `rand` draw is below 0.5 (1 x 10), w from `randn` (2 x 1), b from `randn`.
 * @example const g = vectorisedGradient(); g.dW.shape // [2, 1]; g.maxDifference < 1e-15
 */
export function vectorisedGradient(seed = 1): VectorisedGradient {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new ArgumentError('vectorisedGradient', 'seed', `expected an integer in 0..2**32-1, got ${String(seed)}`);
  const [nx, m] = [2, 10];
  const rng = new RandomState(seed);
  const X = fromArray(rng.randnArray(nx * m), [nx, m]);
  const Y = fromArray(Array.from({ length: m }, () => (rng.random() < 0.5 ? 1 : 0)), [1, m]);
  const w = fromArray(rng.randnArray(nx), [nx, 1]);
  const b = rng.randn();
  const Z = add(matmul(w.T, X), b);
  const A = sigmoid(Z);
  const dZ = sub(A, Y);
  const dW = mul(1 / m, matmul(X, dZ.T));
  const db = (1 / m) * sum(dZ).item();
  const cost = (-1 / m) * sum(add(mul(Y, log(A)), mul(sub(1, Y), log(sub(1, A))))).item();
  const auto = propagateAutodiff(w, b, X, Y);
  const dWa = matrix(auto.grads.dw);
  const dWv = matrix(dW);
  let maxDifference = Math.abs(db - auto.grads.db);
  dWv.rows.forEach((row, i) => row.forEach((x, j) => (maxDifference = Math.max(maxDifference, Math.abs(x - (dWa.rows[i]?.[j] as number))))));
  return {
    seed,
    m,
    nx,
    X: matrix(X),
    Y: matrix(Y),
    w: matrix(w),
    b,
    Z: matrix(Z),
    A: matrix(A),
    dZ: matrix(dZ),
    dW: dWv,
    db,
    cost,
    autodiff: { dW: dWa, db: auto.grads.db, cost: auto.cost },
    maxDifference,
  };
}
