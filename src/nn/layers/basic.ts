/**
 * Layers without parameters: activations, inverted dropout and flatten. Each is written from
 * the tensor layer's primitives, so autodiff derives its gradient.
 */
import { ArgumentError } from '../../core/errors.js';
import { sizeOf } from '../../core/shape.js';
import { div, fromArray, less, mul, type Tensor } from '../../tensor/index.js';
import { leakyRelu, relu, sigmoid, softmax, tanh } from '../activations.js';
import type { ForwardContext, Module, Parameter } from '../module.js';
import type { LayerConfig } from '../registry.js';

/** The elementwise (and softmax) activations by name. */
export type ActivationKind = 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid' | 'softmax';

/**
 * An activation layer. Softmax runs over the last axis (the classes of a (N, k) batch).
 * @example new Activation('relu').forward(Z, EVAL)
 */
export class Activation implements Module {
  constructor(
    readonly kind: ActivationKind,
    /** leaky-relu's slope (the course's 0.01). */
    readonly slope = 0.01,
  ) {}
  config(): LayerConfig {
    return this.kind === 'leaky-relu' && this.slope !== 0.01 ? { kind: 'leaky-relu', slope: this.slope } : { kind: this.kind };
  }
  outputShape(input: readonly number[]): number[] {
    return [...input];
  }
  forward(z: Tensor): Tensor {
    switch (this.kind) {
      case 'relu': return relu(z);
      case 'leaky-relu': return leakyRelu(z, this.slope);
      case 'tanh': return tanh(z);
      case 'sigmoid': return sigmoid(z);
      case 'softmax': return softmax(z, z.ndim - 1);
    }
  }
  parameters(): Parameter[] {
    return [];
  }
}

/**
 * Inverted dropout, as the course writes it: D = rand(shape) < keepProb; A = A·D / keepProb.
 * Active only in training, on any shape; masks come from the context's seeded generator.
 * @example new Dropout(0.14).forward(A, { training: true, rng: new RandomState(1) })
 */
export class Dropout implements Module {
  readonly keepProb: number;
  constructor(readonly rate: number) {
    if (!(rate >= 0 && rate < 1)) throw new ArgumentError('Dropout', 'rate', `must be a probability in [0, 1), got ${rate}`);
    this.keepProb = 1 - rate;
  }
  config(): LayerConfig {
    return { kind: 'dropout', rate: this.rate };
  }
  outputShape(input: readonly number[]): number[] {
    return [...input];
  }
  forward(A: Tensor, ctx: ForwardContext): Tensor {
    if (!ctx.training || this.rate === 0) return A;
    if (ctx.rng === undefined) throw new ArgumentError('Dropout', 'rng', 'training with dropout needs a seeded generator in the forward context');
    // Drawn feature by feature across the samples, the order of the course's (units, m)
    // masks, so a seed gives the course's masks: sample j, feature f takes draw f·N + j.
    const n = A.shape[0] as number;
    const D = less(fromArray(ctx.rng.randArray(A.size), [A.size / n, n]).T, this.keepProb).reshape(A.shape);
    return div(mul(A, D), this.keepProb);
  }
  parameters(): Parameter[] {
    return [];
  }
}

/** (N, d1, d2, ...) → (N, d1·d2·...), row-major: numpy's `x.reshape(N, -1)`. @example new Flatten().forward(images).shape // [209, 12288] */
export class Flatten implements Module {
  config(): LayerConfig {
    return { kind: 'flatten' };
  }
  outputShape(input: readonly number[]): number[] {
    return [sizeOf(input)];
  }
  forward(x: Tensor): Tensor {
    return x.reshape([x.shape[0] as number, -1]);
  }
  parameters(): Parameter[] {
    return [];
  }
}
