/**
 * Layers in the course's layout: activations are (features, m), one column per sample, and a
 * dense layer computes Z = W·A + b with W of shape (n_out, n_in) and b of shape (n_out, 1).
 * Layers hold `Parameter`s; optimisers replace a parameter's value after each step.
 */
import { requiresGrad } from '../autograd/index.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import type { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { add, div, fromArray, less, matmul, mul, type Tensor } from '../tensor/index.js';
import { activation, type HiddenActivation } from './activations.js';

/**
 * A named, trainable tensor. `value` is a leaf that requires gradients; an optimiser step
 * puts a new leaf in its place.
 * @example const W = new Parameter('W1', zeros([7, 12288]));
 */
export class Parameter {
  private current: Tensor;
  constructor(
    readonly name: string,
    value: Tensor,
  ) {
    this.current = requiresGrad(value);
  }

  get value(): Tensor {
    return this.current;
  }

  /** Replaces the value (marked as a leaf requiring gradients); the shape must not change. */
  set value(t: Tensor) {
    if (t.shape.length !== this.current.shape.length || t.shape.some((d, i) => d !== this.current.shape[i])) {
      throw new ShapeError('Parameter', `${this.name} is ${formatShape(this.current.shape)}, cannot take a value of shape ${formatShape(t.shape)}`, [this.current.shape, t.shape]);
    }
    this.current = requiresGrad(t);
  }
}

/** What a forward pass knows: training (dropout on) or not, and the generator masks come from. */
export interface ForwardContext {
  readonly training: boolean;
  /** Draws dropout masks in training; required when a Dropout layer trains. */
  readonly rng?: RandomState;
}

/** One step of a sequential network. */
export interface Layer {
  /** `dense`, `activation` or `dropout`, with its settings, for model files and summaries. */
  describe(): string;
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  parameters(): Parameter[];
}

/**
 * Z = W·A + b, the course's `linear_forward`.
 * @example const d = new Dense(zeros([7, 12288]), zeros([7, 1]), 1); d.forward(X, { training: false })
 */
export class Dense implements Layer {
  readonly W: Parameter;
  readonly b: Parameter;
  constructor(W: Tensor, b: Tensor, index: number) {
    if (W.ndim !== 2 || b.ndim !== 2 || b.shape[1] !== 1 || b.shape[0] !== W.shape[0]) {
      throw new ShapeError('Dense', `W must be (n_out, n_in) and b (n_out, 1): W${formatShape(W.shape)} b${formatShape(b.shape)}`, [W.shape, b.shape]);
    }
    this.W = new Parameter(`W${index}`, W);
    this.b = new Parameter(`b${index}`, b);
  }

  get inputs(): number {
    return this.W.value.shape[1] as number;
  }

  get outputs(): number {
    return this.W.value.shape[0] as number;
  }

  describe(): string {
    return `dense ${this.inputs}→${this.outputs}`;
  }

  forward(A: Tensor, _ctx: ForwardContext): Tensor {
    if (A.ndim !== 2 || A.shape[0] !== this.inputs) {
      throw new ShapeError('Dense', `${this.W.name} is ${formatShape(this.W.value.shape)} and needs inputs of shape (${this.inputs}, m), got ${formatShape(A.shape)}`, [this.W.value.shape, A.shape]);
    }
    return add(matmul(this.W.value, A), this.b.value);
  }

  parameters(): Parameter[] {
    return [this.W, this.b];
  }
}

/** An elementwise activation between dense layers. */
export class Activation implements Layer {
  private readonly f: (z: Tensor) => Tensor;
  constructor(readonly name: HiddenActivation) {
    this.f = activation(name);
  }
  describe(): string {
    return this.name;
  }
  forward(z: Tensor): Tensor {
    return this.f(z);
  }
  parameters(): Parameter[] {
    return [];
  }
}

/**
 * Inverted dropout, as the course writes it: D = rand(shape) < keepProb; A = A·D; A = A / keepProb.
 * Active only in training; masks come from the context's seeded generator, so runs repeat.
 * @example new Dropout(0.86).forward(A, { training: true, rng: new RandomState(1) })
 */
export class Dropout implements Layer {
  constructor(readonly keepProb: number) {
    if (!(keepProb > 0 && keepProb <= 1)) throw new ArgumentError('Dropout', 'keepProb', `must be in (0, 1], got ${keepProb}`);
  }
  describe(): string {
    return `dropout keep ${this.keepProb}`;
  }
  forward(A: Tensor, ctx: ForwardContext): Tensor {
    if (!ctx.training || this.keepProb === 1) return A;
    if (ctx.rng === undefined) throw new ArgumentError('Dropout', 'rng', 'training with dropout needs a seeded generator in the forward context');
    const D = less(fromArray(ctx.rng.randArray(A.size), A.shape), this.keepProb);
    return div(mul(A, D), this.keepProb);
  }
  parameters(): Parameter[] {
    return [];
  }
}

/**
 * Layers applied in order.
 * @example new Sequential([dense1, new Activation('relu'), dense2]).forward(X, { training: false })
 */
export class Sequential implements Layer {
  constructor(readonly layers: readonly Layer[]) {}
  describe(): string {
    return this.layers.map((l) => l.describe()).join(', ');
  }
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    let a = x;
    for (const layer of this.layers) a = layer.forward(a, ctx);
    return a;
  }
  parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters());
  }
}
