/**
 * The notes' section 1.1, gradient descent on J(w, b), as numbers to draw: one feature x, one
 * weight w and the bias b, the cost over the data, the path each optimiser takes from a start
 * point, the cost on a grid (the bowl), and the cost of a tiny network over two of its
 * weights (not a bowl: Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets").
 *
 * Every value and gradient comes from tsgrad's tensors and autodiff, and every update from
 * src/optim's optimisers applied to the two scalars w and b, so the picture shows what tsgrad
 * computes. Browser-safe: the page and `tsgrad demo descent` share these functions, and the
 * page's paths equal `tsgrad demo descent --json`'s.
 */
import { valueAndGrad } from '../autograd/index.js';
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { createOptimizer } from '../optim/index.js';
import { add, fromArray, log, mul, scalar, sigmoid, sub, sum, tanh, type Tensor } from '../tensor/index.js';

/** One feature x per sample and its target y (a label 0 or 1 for the logistic loss). */
export interface DescentData {
  x: number[];
  y: number[];
}

/**
 * `logistic` (the default): a = σ(wx + b), J = -(1/m) Σ (y log a + (1-y) log(1-a)), the notes'
 * cross-entropy, infinite once a rounds to 0 or 1. `squared`: ŷ = wx + b, J = (1/2m) Σ (ŷ - y)².
 */
export type DescentLoss = 'logistic' | 'squared';
export type DescentOptimizer = 'gd' | 'momentum' | 'adam';

/** The optimisers a path can take, in the order the CLI and the page list them. */
export const DESCENT_OPTIMIZERS: readonly DescentOptimizer[] = ['gd', 'momentum', 'adam'];
export const DESCENT_LOSSES: readonly DescentLoss[] = ['logistic', 'squared'];

/**
 * The default data: ten points of one feature x = -4..5, labels 0 then 1 as x grows, with two
 * on the wrong side (x = -1 is a 1, x = 2 is a 0), so that no threshold separates them and the
 * logistic cost has its minimum at a finite point, (w, b) ≈ (0.677, -0.338), J ≈ 0.4335: a
 * bowl with a bottom. The squared error's minimum is (0.1152, 0.4424), J ≈ 0.0703. From the
 * default start, gradient descent converges for α up to about 3 (logistic) and 0.2 (squared),
 * and diverges above.
 */
export const DEFAULT_DESCENT_DATA: DescentData = {
  x: [-4, -3, -2, -1, 0, 1, 2, 3, 4, 5],
  y: [0, 0, 0, 1, 0, 1, 0, 1, 1, 1],
};

/** Where a path starts when no start is given: up the side of the default data's bowl. */
export const DEFAULT_DESCENT_START = { w: -3, b: 3 } as const;

export interface DescentOptions {
  data?: DescentData;
  loss?: DescentLoss;
  optimizer?: DescentOptimizer;
  learningRate: number;
  steps: number;
  start?: { w: number; b: number };
}

/** The parameters after `step` updates, the cost there and its gradient (dw = dJ/dw, db = dJ/db). */
export interface DescentPoint {
  step: number;
  w: number;
  b: number;
  cost: number;
  dw: number;
  db: number;
}

/**
 * A path: points[0] is the start (step 0), then one point per update. When an update reaches a
 * cost (or gradient) that is not a finite number, the path stops: `diverged` is true,
 * `stoppedAt` is that step's number, and that point is left out (JSON has no Infinity).
 */
export interface DescentPath {
  optimizer: DescentOptimizer;
  points: DescentPoint[];
  diverged: boolean;
  stoppedAt?: number;
}

/** The most updates one path takes: enough for any picture, few enough for a page to stay live. */
export const MAX_DESCENT_STEPS = 100_000;
/** The most grid points on one side of a surface. */
export const MAX_SURFACE_POINTS = 401;

/**
 * J(w, b) on the data, as a tensor expression autodiff differentiates. `w` and `b` may be
 * scalars (one point) or broadcast grids of shape (..., 1): the samples run along the last axis.
 */
function costOf(w: Tensor, b: Tensor, x: Tensor, y: Tensor, loss: DescentLoss): Tensor {
  const m = y.shape[0] as number;
  const z = add(mul(w, x), b);
  if (loss === 'squared') {
    const e = sub(z, y);
    return mul(1 / (2 * m), sum(mul(e, e), { axis: -1 }));
  }
  const a = sigmoid(z);
  return mul(-1 / m, sum(add(mul(y, log(a)), mul(sub(1, y), log(sub(1, a)))), { axis: -1 }));
}

function checkData(op: string, data: DescentData, loss: DescentLoss): { x: Tensor; y: Tensor } {
  const { x, y } = data;
  if (!Array.isArray(x) || !Array.isArray(y)) throw new ArgumentError(op, 'data', 'expected { x: number[], y: number[] }');
  if (x.length === 0) throw new ArgumentError(op, 'data', 'expected at least one point, got none');
  if (x.length !== y.length) throw new ArgumentError(op, 'data', `x has ${x.length} values but y has ${y.length}`);
  x.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, `data.x[${i}]`, `expected a finite number, got ${String(v)}`);
  });
  y.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, `data.y[${i}]`, `expected a finite number, got ${String(v)}`);
    if (loss === 'logistic' && (v < 0 || v > 1)) throw new ArgumentError(op, `data.y[${i}]`, `the logistic loss takes labels from 0 to 1, got ${v}`);
  });
  return { x: fromArray(x), y: fromArray(y) };
}

function checkLoss(op: string, loss: unknown): DescentLoss {
  if (!(DESCENT_LOSSES as readonly unknown[]).includes(loss)) throw new ArgumentError(op, 'loss', `expected one of ${DESCENT_LOSSES.join(', ')}, got ${String(loss)}`);
  return loss as DescentLoss;
}

function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, name, `expected a finite number, got ${String(v)}`);
  return v;
}

/**
 * The cost J(w, b) at one point and its gradient, by autodiff.
 * @example descentCost(DEFAULT_DESCENT_DATA, 'squared', 0, 0) // { cost: 0.25, dw: -0.375, db: -0.5 }
 */
export function descentCost(data: DescentData, loss: DescentLoss, w: number, b: number): { cost: number; dw: number; db: number } {
  const op = 'descentCost';
  const l = checkLoss(op, loss);
  const { x, y } = checkData(op, data, l);
  return evaluate(x, y, l, checkFinite(op, 'w', w), checkFinite(op, 'b', b));
}

function evaluate(x: Tensor, y: Tensor, loss: DescentLoss, w: number, b: number): { cost: number; dw: number; db: number } {
  const [value, [dw, db]] = valueAndGrad((wt: Tensor, bt: Tensor) => costOf(wt, bt, x, y, loss))(scalar(w), scalar(b));
  return { cost: value.item(), dw: dw.item(), db: db.item() };
}

/**
 * The path of one optimiser from `start` (default (-3, 3)): `steps` updates w := w - α dJ/dw,
 * b := b - α dJ/db for `gd`, the course's momentum (β 0.9) or Adam (β₁ 0.9, β₂ 0.999, ε 1e-8,
 * bias-corrected), each src/optim's own update applied to w and b.
 * @example descentPath({ learningRate: 0.5, steps: 100 }).points.at(-1) // near the bowl's bottom
 */
export function descentPath(opts: DescentOptions): DescentPath {
  const op = 'descentPath';
  const loss = checkLoss(op, opts.loss ?? 'logistic');
  const { x, y } = checkData(op, opts.data ?? DEFAULT_DESCENT_DATA, loss);
  const optimizer = opts.optimizer ?? 'gd';
  if (!DESCENT_OPTIMIZERS.includes(optimizer)) throw new ArgumentError(op, 'optimizer', `expected one of ${DESCENT_OPTIMIZERS.join(', ')}, got ${String(optimizer)}`);
  const lr = opts.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new ArgumentError(op, 'learningRate', `expected a positive number, got ${String(lr)}`);
  const steps = opts.steps;
  if (!Number.isSafeInteger(steps) || steps < 0 || steps > MAX_DESCENT_STEPS) throw new ArgumentError(op, 'steps', `expected an integer from 0 to ${MAX_DESCENT_STEPS}, got ${String(steps)}`);
  const start = opts.start ?? DEFAULT_DESCENT_START;
  let w = scalar(checkFinite(op, 'start.w', start.w));
  let b = scalar(checkFinite(op, 'start.b', start.b));

  const opt = createOptimizer(optimizer, { learningRate: lr });
  const points: DescentPoint[] = [];
  for (let step = 0; step <= steps; step++) {
    const [value, [dw, db]] = valueAndGrad((wt: Tensor, bt: Tensor) => costOf(wt, bt, x, y, loss))(w, b);
    const p: DescentPoint = { step, w: w.item(), b: b.item(), cost: value.item(), dw: dw.item(), db: db.item() };
    if (![p.w, p.b, p.cost, p.dw, p.db].every(Number.isFinite)) return { optimizer, points, diverged: true, stoppedAt: step };
    points.push(p);
    if (step < steps) [w, b] = opt.step([w, b], [dw, db]) as [Tensor, Tensor];
  }
  return { optimizer, points, diverged: false };
}

/**
 * A window on the (w, b) plane for a picture of `paths`: the start and every point whose cost
 * is at most the start's (the part of a path inside the bowl's contour through the start), with
 * 15% margin and each side at least 1 wide. A diverging path leaves the window; drawn clipped.
 * @example const view = descentView(paths); costSurface({ ...view, n: 61 })
 */
export function descentView(paths: readonly DescentPath[]): { w: [number, number]; b: [number, number] } {
  const inside: DescentPoint[] = [];
  for (const p of paths) {
    const start = p.points[0];
    if (start === undefined) continue;
    for (const q of p.points) if (q.cost <= start.cost) inside.push(q);
  }
  const range = (vs: number[]): [number, number] => {
    let lo = vs.length === 0 ? -1 : Infinity;
    let hi = vs.length === 0 ? 1 : -Infinity;
    for (const v of vs) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const pad = Math.max(0.15 * (hi - lo), (1 - (hi - lo)) / 2, 0);
    return [lo - pad, hi + pad];
  };
  return { w: range(inside.map((q) => q.w)), b: range(inside.map((q) => q.b)) };
}

/** Evenly spaced values from lo to hi, both included. */
function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? hi : lo + ((hi - lo) * k) / (n - 1)));
}

function checkGrid(op: string, name: string, r: unknown): [number, number] {
  const ok = Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v)) && (r[0] as number) < (r[1] as number);
  if (!ok) throw new ArgumentError(op, name, `expected [low, high] with low < high, finite, got ${JSON.stringify(r)}`);
  return r as [number, number];
}

function checkPoints(op: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 2 || n > MAX_SURFACE_POINTS) throw new ArgumentError(op, 'n', `expected an integer from 2 to ${MAX_SURFACE_POINTS}, got ${String(n)}`);
  return n;
}

/** Rows of an (n, n) tensor as number[][]. */
function rowsOf(t: Tensor, n: number): number[][] {
  const v = t.values();
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => v[i * n + j] as number));
}

/**
 * J on an n x n grid over w in `w` and b in `b` (ranges, both ends included):
 * cost[i][j] = J(w[j], b[i]), rows along b, as src/viz's contour pictures take a grid.
 * @example costSurface({ w: [-4, 4], b: [-4, 4], n: 41 }).cost[20][20] // J(0, 0) = log 2
 */
export function costSurface(opts: { data?: DescentData; loss?: DescentLoss; w: [number, number]; b: [number, number]; n: number }): { w: number[]; b: number[]; cost: number[][] } {
  const op = 'costSurface';
  const loss = checkLoss(op, opts.loss ?? 'logistic');
  const { x, y } = checkData(op, opts.data ?? DEFAULT_DESCENT_DATA, loss);
  const n = checkPoints(op, opts.n);
  const ws = linspace(...checkGrid(op, 'w', opts.w), n);
  const bs = linspace(...checkGrid(op, 'b', opts.b), n);
  // One expression for the whole grid: w along axis 1, b along axis 0, the samples along axis 2.
  const cost = costOf(fromArray(ws, [1, n, 1]), fromArray(bs, [n, 1, 1]), x, y, loss);
  return { w: ws, b: bs, cost: rowsOf(cost, n) };
}

/**
 * A 1-2-1 network: h = tanh(w1·x + c1) with two hidden units, then s = v·h + c2, and the
 * loss on s as for J(w, b): σ(s) with cross-entropy (logistic) or s itself (squared).
 */
export interface TinyNetwork {
  w1: [number, number];
  c1: [number, number];
  v: [number, number];
  c2: number;
}

/**
 * The tiny network's weights, seeded: seven draws of numpy's `RandomState(seed).randn()`, in
 * the order w1, c1, v, c2.
 * @example tinyNetwork(1).w1 // [1.6243453636632417, -0.6117564136500754]
 */
export function tinyNetwork(seed = 1): TinyNetwork {
  const rng = new RandomState(seed);
  const r = (): number => rng.randn();
  return { w1: [r(), r()], c1: [r(), r()], v: [r(), r()], c2: r() };
}

/** The surface of the tiny network over w1[0] (u) and v[0] (v): cost[i][j] at (u[j], v[i]). */
export interface NetworkSurface {
  u: number[];
  v: number[];
  cost: number[][];
  /** What the axes are: ['w1[0]', 'v[0]'], the first hidden unit's input and output weights. */
  names: [string, string];
  /** The weights held fixed (and the values u and v replace). */
  network: TinyNetwork;
}

/**
 * "A small network, not a bowl": the cost of the 1-2-1 tanh network (`TinyNetwork`) on the
 * data, over the first hidden unit's input weight w1[0] (from `u`, default [-4, 4]) and its
 * output weight v[0] (from `v`, default [-4, 4]), every other weight fixed at
 * `tinyNetwork(seed)` (seed 1). Since tanh is odd, (w1[0], v[0]) and (-w1[0], -v[0]) give the
 * same network when c1[0] is 0, and near it: two valleys with a ridge or saddle between them.
 * @example networkSurface({ n: 41 }).cost.length // 41
 */
export function networkSurface(opts: { data?: DescentData; loss?: DescentLoss; u?: [number, number]; v?: [number, number]; n: number; seed?: number }): NetworkSurface {
  const op = 'networkSurface';
  const loss = checkLoss(op, opts.loss ?? 'logistic');
  const { x, y } = checkData(op, opts.data ?? DEFAULT_DESCENT_DATA, loss);
  const n = checkPoints(op, opts.n);
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new ArgumentError(op, 'seed', `expected an integer in 0..2**32-1, got ${seed}`);
  const us = linspace(...checkGrid(op, 'u', opts.u ?? [-4, 4]), n);
  const vs = linspace(...checkGrid(op, 'v', opts.v ?? [-4, 4]), n);
  const net = tinyNetwork(seed);
  // u along axis 1, v along axis 0, the samples along axis 2, as costSurface.
  const U = fromArray(us, [1, n, 1]);
  const V = fromArray(vs, [n, 1, 1]);
  const h0 = tanh(add(mul(U, x), net.c1[0]));
  const h1 = tanh(add(mul(net.w1[1], x), net.c1[1]));
  const s = add(add(mul(V, h0), mul(net.v[1], h1)), net.c2);
  // The loss on the scores themselves: costOf with w = 1 and b = 0 and s as the feature.
  const cost = costOf(scalar(1), scalar(0), s, y, loss);
  return { u: us, v: vs, cost: rowsOf(cost, n), names: ['w1[0]', 'v[0]'], network: net };
}
