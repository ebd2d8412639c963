/**
 * Gradient descent and its refinements, as the course writes their updates. An optimiser
 * maps parameters and their gradients to new parameters (computed without recording a
 * graph) and keeps its own state (velocities, squared-gradient averages, the step count) per
 * parameter position.
 */
import { noGrad } from '../autograd/index.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { allocateFloat, isFloat, type FloatArray } from '../core/dtype.js';
import { adamUpdate, sgdUpdate } from '../kernels/optim.js';
import { adamWasm } from '../kernels/optim-wasm.js';
import { add, div, mul, sqrt, sub, Tensor, zeros } from '../tensor/index.js';

export const OPTIMIZER_NAMES = ['gd', 'momentum', 'rmsprop', 'adam'] as const;
/** `gd` is plain gradient descent (full batch or mini-batch SGD, as the batches are given). */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Settings of every optimiser; each reads the ones it uses. */
export interface OptimizerSettings {
  learningRate: number;
  /** Momentum's β (course default 0.9). */
  beta?: number;
  /** Adam's β₁ (0.9). */
  beta1?: number;
  /** Adam's and RMSProp's β₂ (0.999). */
  beta2?: number;
  /** Added to √s before dividing (1e-8). */
  epsilon?: number;
}

/** One update rule with its state. */
export interface Optimizer {
  readonly name: OptimizerName;
  /** Current learning rate; a schedule may change it between steps. */
  learningRate: number;
  /** Number of steps taken (Adam's t). */
  readonly steps: number;
  /**
   * New values for `params` given `grads` (same shapes, same order on every call).
   * @example [W1, b1] = opt.step([W1, b1], [dW1, db1]);
   */
  step(params: readonly Tensor[], grads: readonly Tensor[]): Tensor[];
  /** The exact state (step count, per-parameter arrays), for a checkpoint. */
  getState(): OptimizerState;
  /** Resumes from `getState()`: the next step is the one the saved optimiser would take. */
  setState(state: OptimizerState): void;
}

/** An optimiser's state: its step count and its per-parameter arrays by name (v, s). */
export interface OptimizerState {
  name: OptimizerName;
  steps: number;
  learningRate: number;
  /** E.g. Adam: { v: [...], s: [...] }, one tensor per parameter (none before the first step). */
  slots: Record<string, Tensor[]>;
}

function checkRate(op: string, name: string, v: number, lo: 'open' | 'closed'): number {
  const ok = Number.isFinite(v) && (lo === 'open' ? v > 0 : v >= 0) && v < 1;
  if (!ok) throw new ArgumentError(op, name, `must be in ${lo === 'open' ? '(0' : '[0'}, 1), got ${v}`);
  return v;
}

/** A learning rate must be a finite number > 0. */
export function checkLearningRate(op: string, lr: number): number {
  if (!Number.isFinite(lr) || lr <= 0) throw new ArgumentError(op, 'learningRate', `must be a positive number, got ${lr}`);
  return lr;
}

/** Shared bookkeeping: shapes checked against the first call, state arrays per position. */
abstract class Base implements Optimizer {
  abstract readonly name: OptimizerName;
  learningRate: number;
  steps = 0;
  protected shapes: (readonly number[])[] | null = null;
  constructor(settings: OptimizerSettings) {
    this.learningRate = checkLearningRate('optimizer', settings.learningRate);
  }

  step(params: readonly Tensor[], grads: readonly Tensor[]): Tensor[] {
    if (params.length !== grads.length) throw new ArgumentError(`${this.name}.step`, 'grads', `${params.length} parameters but ${grads.length} gradients`);
    this.shapes ??= params.map((p) => p.shape);
    if (this.shapes.length !== params.length) throw new ArgumentError(`${this.name}.step`, 'params', `expected the same ${this.shapes.length} parameters as on the first step, got ${params.length}`);
    params.forEach((p, i) => {
      const g = grads[i] as Tensor;
      const first = this.shapes?.[i] as readonly number[];
      if (!shapesEqual(p.shape, g.shape) || !shapesEqual(p.shape, first)) {
        throw new ShapeError(`${this.name}.step`, `parameter ${i} is ${formatShape(p.shape)} (first step ${formatShape(first)}), its gradient ${formatShape(g.shape)}`, [p.shape, g.shape]);
      }
    });
    this.steps += 1;
    return noGrad(() => params.map((p, i) => this.update(i, p, grads[i] as Tensor)));
  }

  /** One parameter's new value; `this.steps` is already t for this step. */
  protected abstract update(i: number, p: Tensor, g: Tensor): Tensor;

  /** The per-parameter arrays by name (tensors are immutable: sharing them is safe). */
  protected slots(): Record<string, Tensor[]> {
    return {};
  }

  getState(): OptimizerState {
    const slots: Record<string, Tensor[]> = {};
    for (const [k, v] of Object.entries(this.slots())) slots[k] = [...v];
    return { name: this.name, steps: this.steps, learningRate: this.learningRate, slots };
  }

  setState(state: OptimizerState): void {
    const op = `${this.name}.setState`;
    if (state.name !== this.name) throw new ArgumentError(op, 'name', `a state of ${state.name} cannot resume ${this.name}`);
    if (!Number.isSafeInteger(state.steps) || state.steps < 0) throw new ArgumentError(op, 'steps', `must be an integer >= 0, got ${state.steps}`);
    const mine = this.slots();
    for (const k of Object.keys(mine)) {
      const v = state.slots[k];
      if (v === undefined) throw new ArgumentError(op, `slots.${k}`, 'missing');
      (mine[k] as Tensor[]).splice(0, Infinity, ...v);
    }
    this.steps = state.steps;
    this.learningRate = checkLearningRate(op, state.learningRate);
    // Shapes are checked against the first step after resuming.
    this.shapes = state.steps > 0 && (Object.values(mine)[0]?.length ?? 0) > 0 ? (Object.values(mine)[0] as Tensor[]).map((t) => t.shape) : null;
  }
}

/**
 * W = W - α dW.
 * @example new GradientDescent({ learningRate: 0.0075 })
 */
export class GradientDescent extends Base {
  readonly name = 'gd';
  protected update(_i: number, p: Tensor, g: Tensor): Tensor {
    // One pass (src/kernels/optim.ts), the same bits, when both are of one float dtype.
    if (isFloat(p.dtype) && g.dtype === p.dtype) {
      const out = allocateFloat(p.dtype, p.size);
      sgdUpdate(p.values() as FloatArray, g.values() as FloatArray, this.learningRate, p.dtype === 'float32', out);
      return new Tensor(out, p.shape, p.dtype);
    }
    return sub(p, mul(this.learningRate, g));
  }
}

/**
 * The course's momentum: v = βv + (1-β)dW; W = W - αv, with v starting at zeros.
 * @example new Momentum({ learningRate: 0.0007, beta: 0.9 })
 */
export class Momentum extends Base {
  readonly name = 'momentum';
  readonly beta: number;
  private v: Tensor[] = [];
  constructor(settings: OptimizerSettings) {
    super(settings);
    this.beta = checkRate('momentum', 'beta', settings.beta ?? 0.9, 'closed');
  }
  protected override slots(): Record<string, Tensor[]> {
    return { v: this.v };
  }
  protected update(i: number, p: Tensor, g: Tensor): Tensor {
    const v = add(mul(this.beta, this.v[i] ?? zeros(p.shape, p.dtype)), mul(1 - this.beta, g));
    this.v[i] = v;
    return sub(p, mul(this.learningRate, v));
  }
}

/**
 * RMSProp: s = β₂s + (1-β₂)dW²; W = W - α dW / (√s + ε), with s starting at zeros.
 * @example new RMSProp({ learningRate: 0.0007 })
 */
export class RMSProp extends Base {
  readonly name = 'rmsprop';
  readonly beta2: number;
  readonly epsilon: number;
  private s: Tensor[] = [];
  constructor(settings: OptimizerSettings) {
    super(settings);
    this.beta2 = checkRate('rmsprop', 'beta2', settings.beta2 ?? 0.999, 'closed');
    this.epsilon = checkEpsilon('rmsprop', settings.epsilon);
  }
  protected override slots(): Record<string, Tensor[]> {
    return { s: this.s };
  }
  protected update(i: number, p: Tensor, g: Tensor): Tensor {
    const s = add(mul(this.beta2, this.s[i] ?? zeros(p.shape, p.dtype)), mul(1 - this.beta2, mul(g, g)));
    this.s[i] = s;
    return sub(p, div(mul(this.learningRate, g), add(sqrt(s), this.epsilon)));
  }
}

/**
 * Adam with bias correction, as the course: v = β₁v + (1-β₁)dW; v̂ = v/(1-β₁ᵗ);
 * s = β₂s + (1-β₂)dW²; ŝ = s/(1-β₂ᵗ); W = W - α v̂ / (√ŝ + ε); t counts every step.
 * @example new Adam({ learningRate: 0.0007 })
 */
export class Adam extends Base {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private v: Tensor[] = [];
  private s: Tensor[] = [];
  // The v and s arrays this optimiser made and nobody else has seen: the fused step rewrites
  // them in place (two fewer arrays of every parameter's size a step). getState hands them
  // out and so forgets them; the next step then makes new ones.
  private own = new WeakSet<Tensor>();
  constructor(settings: OptimizerSettings) {
    super(settings);
    this.beta1 = checkRate('adam', 'beta1', settings.beta1 ?? 0.9, 'closed');
    this.beta2 = checkRate('adam', 'beta2', settings.beta2 ?? 0.999, 'closed');
    this.epsilon = checkEpsilon('adam', settings.epsilon);
  }
  protected override slots(): Record<string, Tensor[]> {
    return { v: this.v, s: this.s };
  }
  override getState(): OptimizerState {
    this.own = new WeakSet();
    return super.getState();
  }
  protected update(i: number, p: Tensor, g: Tensor): Tensor {
    const t = this.steps;
    const fused = this.fused(i, p, g, t);
    if (fused !== null) return fused;
    const v = add(mul(this.beta1, this.v[i] ?? zeros(p.shape, p.dtype)), mul(1 - this.beta1, g));
    const s = add(mul(this.beta2, this.s[i] ?? zeros(p.shape, p.dtype)), mul(1 - this.beta2, mul(g, g)));
    this.v[i] = v;
    this.s[i] = s;
    const vHat = div(v, 1 - this.beta1 ** t);
    const sHat = div(s, 1 - this.beta2 ** t);
    return sub(p, div(mul(this.learningRate, vHat), add(sqrt(sHat), this.epsilon)));
  }

  /** The same update in one pass (src/kernels/optim.ts), when every array has p's float dtype. */
  private fused(i: number, p: Tensor, g: Tensor, t: number): Tensor | null {
    const dtype = p.dtype;
    const v0 = this.v[i];
    const s0 = this.s[i];
    if (!isFloat(dtype) || g.dtype !== dtype || (v0 !== undefined && v0.dtype !== dtype) || (s0 !== undefined && s0.dtype !== dtype)) return null;
    const n = p.size;
    const values = (x: Tensor): FloatArray => x.values() as FloatArray;
    // Element i of v and s is read before it is written: updating them in place is safe.
    const inPlace = v0 !== undefined && s0 !== undefined && this.own.has(v0) && this.own.has(s0);
    const outP = allocateFloat(dtype, n);
    const outV = inPlace ? values(v0) : allocateFloat(dtype, n);
    const outS = inPlace ? values(s0) : allocateFloat(dtype, n);
    const c = { beta1: this.beta1, beta2: this.beta2, lr: this.learningRate, epsilon: this.epsilon, correction1: 1 - this.beta1 ** t, correction2: 1 - this.beta2 ** t };
    const args = [values(p), values(g), v0 === undefined ? null : values(v0), s0 === undefined ? null : values(s0), c, dtype === 'float32', outP, outV, outS] as const;
    // WebAssembly SIMD where the engine has it and the parameter is large, else the loop: the same bits.
    if (!adamWasm(...args)) adamUpdate(...args);
    if (!inPlace) {
      const [v, s] = [new Tensor(outV, p.shape, dtype), new Tensor(outS, p.shape, dtype)];
      this.own.add(v);
      this.own.add(s);
      this.v[i] = v;
      this.s[i] = s;
    }
    return new Tensor(outP, p.shape, dtype);
  }
}

function checkEpsilon(op: string, eps: number | undefined): number {
  const e = eps ?? 1e-8;
  if (!Number.isFinite(e) || e <= 0) throw new ArgumentError(op, 'epsilon', `must be a positive number, got ${e}`);
  return e;
}

/**
 * An optimiser by name; an unknown name is an ArgumentError listing the known ones.
 * @example createOptimizer('adam', { learningRate: 0.0007 })
 */
export function createOptimizer(name: string, settings: OptimizerSettings): Optimizer {
  switch (parseOptimizerName('createOptimizer', name)) {
    case 'gd': return new GradientDescent(settings);
    case 'momentum': return new Momentum(settings);
    case 'rmsprop': return new RMSProp(settings);
    case 'adam': return new Adam(settings);
  }
}

/** Checks an optimiser name at a public boundary. */
export function parseOptimizerName(op: string, name: string): OptimizerName {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new ArgumentError(op, 'optimizer', `unknown optimizer '${name}', expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  return name as OptimizerName;
}
