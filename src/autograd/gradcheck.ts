/**
 * Gradient checking, as the notes teach it: compare the autodiff gradient with central
 * differences (J(θ+ε) - J(θ-ε)) / 2ε, in float64, and report per input the relative error
 * ‖g - g̃‖ / (‖g‖ + ‖g̃‖). Below 1e-7 the gradient is right; much above it, it is not.
 */
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import type { Shape } from '../core/shape.js';
import { astype, Tensor } from '../tensor/index.js';
import { grad } from './functional.js';
import { detach, noGrad } from './graph.js';

/** Settings of `gradCheck`. */
export interface GradCheckOptions {
  /** Half the finite-difference step (the notes: 1e-7). */
  epsilon?: number;
  /** Largest relative error that passes (the notes: 1e-7). */
  threshold?: number;
  /** Check at most this many coordinates of each input, chosen at random (all by default). */
  samples?: number;
  /** Seed of the choice of coordinates. */
  seed?: number;
  /** Input names for reports (default x0, x1, …). */
  names?: readonly string[];
}

/** The check of one input. */
export interface InputGradCheck {
  name: string;
  shape: Shape;
  /** Flat (row-major) indices of the coordinates compared. */
  coordinates: number[];
  /** Autodiff's gradient at those coordinates. */
  analytic: number[];
  /** The central differences at those coordinates. */
  numeric: number[];
  relativeError: number;
  passed: boolean;
}

/** What `gradCheck` found. */
export interface GradCheckReport {
  inputs: InputGradCheck[];
  maxRelativeError: number;
  epsilon: number;
  threshold: number;
  passed: boolean;
}

/**
 * Checks `f`'s autodiff gradient at `inputs` against central differences, input by input.
 * Inputs are converted to float64; `f` must return a scalar.
 * @example
 * const r = gradCheck((w, x) => w.mul(x).sum().sigmoid(), [fromArray([2, -3]), fromArray([-1, -2])]);
 * r.passed; // true
 * r.inputs[0].relativeError; // ~1e-10
 */
export function gradCheck<A extends readonly Tensor[]>(f: (...args: A) => Tensor, inputs: A, opts: GradCheckOptions = {}): GradCheckReport {
  const epsilon = opts.epsilon ?? 1e-7;
  const threshold = opts.threshold ?? 1e-7;
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new ArgumentError('gradCheck', 'epsilon', `must be a positive number, got ${epsilon}`);
  if (!(threshold > 0)) throw new ArgumentError('gradCheck', 'threshold', `must be a positive number, got ${threshold}`);
  if (opts.samples !== undefined && (!Number.isInteger(opts.samples) || opts.samples <= 0)) {
    throw new ArgumentError('gradCheck', 'samples', `must be a positive integer, got ${opts.samples}`);
  }
  // Working copies in float64 whose storage the finite differences nudge in place.
  const work = inputs.map((x) => new Tensor(Float64Array.from(astype(detach(x), 'float64').values()), x.shape));
  const call = f as (...xs: readonly Tensor[]) => Tensor;
  const analytic = grad(call)(...work);
  const rng = new RandomState(opts.seed ?? 0);
  const checks = work.map((x, i): InputGradCheck => {
    const data = x.data as Float64Array;
    const coordinates = pickCoordinates(x.size, opts.samples, rng);
    const g = (analytic[i] as Tensor).values();
    const numeric = coordinates.map((j) => {
      const orig = data[j] as number;
      data[j] = orig + epsilon;
      const up = noGrad(() => call(...work).item());
      data[j] = orig - epsilon;
      const down = noGrad(() => call(...work).item());
      data[j] = orig;
      // The step actually taken, which rounding can make differ from 2ε.
      return (up - down) / (orig + epsilon - (orig - epsilon));
    });
    const a = coordinates.map((j) => g[j] as number);
    const relativeError = relError(a, numeric);
    return { name: opts.names?.[i] ?? `x${i}`, shape: x.shape, coordinates, analytic: a, numeric, relativeError, passed: relativeError < threshold };
  });
  const maxRelativeError = checks.reduce((m, c) => Math.max(m, c.relativeError), 0);
  return { inputs: checks, maxRelativeError, epsilon, threshold, passed: checks.every((c) => c.passed) };
}

function pickCoordinates(size: number, samples: number | undefined, rng: RandomState): number[] {
  if (samples === undefined || samples >= size) return Array.from({ length: size }, (_, j) => j);
  return Array.from(rng.permutation(size).subarray(0, samples)).sort((p, q) => p - q);
}

/** ‖a - b‖ / (‖a‖ + ‖b‖), 0 when both are zero, NaN-propagating. */
function relError(a: readonly number[], b: readonly number[]): number {
  let diff = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, j) => {
    const y = b[j] as number;
    diff += (x - y) ** 2;
    na += x * x;
    nb += y * y;
  });
  const denom = Math.sqrt(na) + Math.sqrt(nb);
  return denom === 0 ? (Number.isNaN(diff) ? Number.NaN : 0) : Math.sqrt(diff) / denom;
}
