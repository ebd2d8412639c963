/**
 * Batch normalisation (Ioffe and Szegedy 2015) over the last axis: the channels of (N, H, W, C)
 * images or the features of (N, F). Training normalises by the batch's mean and (biased)
 * variance and updates the moving averages; evaluation uses the moving averages. `momentum`
 * and `epsilon` mean what they mean in Keras (moving = momentum·moving + (1 − momentum)·batch;
 * PyTorch's momentum 0.1 is Keras's 0.9).
 */
import { detach, noGrad } from '../../autograd/index.js';
import { ArgumentError, ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { add, div, mean, mul, ones, reshape, sqrt, sub, zeros, type Tensor } from '../../tensor/index.js';
import type { FloatDType } from '../../core/dtype.js';
import { ModuleBuffer, Parameter, type ForwardContext, type Module } from '../module.js';
import type { LayerConfig } from '../registry.js';

export const BATCHNORM_DEFAULTS = { momentum: 0.99, epsilon: 0.001 } as const;

/**
 * y = γ (x − μ) / √(σ² + ε) + β per channel.
 * @example new BatchNorm(8, 1, 'float64').forward(Z1, { training: true })
 */
export class BatchNorm implements Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly movingMean: ModuleBuffer;
  readonly movingVariance: ModuleBuffer;
  constructor(
    readonly features: number,
    index: number,
    dtype: FloatDType,
    readonly momentum: number = BATCHNORM_DEFAULTS.momentum,
    readonly epsilon: number = BATCHNORM_DEFAULTS.epsilon,
  ) {
    if (!(momentum >= 0 && momentum < 1)) throw new ArgumentError('BatchNorm', 'momentum', `must be in [0, 1), got ${momentum}`);
    if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new ArgumentError('BatchNorm', 'epsilon', `must be a positive number, got ${epsilon}`);
    // Scale and shift are not kernels: no L2, and the landscape leaves them alone (role bias).
    this.gamma = new Parameter(`gamma${index}`, ones([features], dtype), 'bias');
    this.beta = new Parameter(`beta${index}`, zeros([features], dtype), 'bias');
    this.movingMean = new ModuleBuffer(`movingMean${index}`, zeros([features], dtype));
    this.movingVariance = new ModuleBuffer(`movingVariance${index}`, ones([features], dtype));
  }

  config(): LayerConfig {
    return { kind: 'batchnorm', momentum: this.momentum, epsilon: this.epsilon };
  }

  outputShape(input: readonly number[]): number[] {
    if (input.length === 0 || input[input.length - 1] !== this.features) {
      throw new ShapeError(`batchnorm ${this.gamma.name}`, `normalises ${this.features} channels on the last axis, got items of shape ${formatShape(input)}`, [input]);
    }
    return [...input];
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const axis = [...Array(x.ndim - 1).keys()];
    if (!ctx.training) {
      const scale = div(this.gamma.value, sqrt(add(this.movingVariance.value, this.epsilon)));
      return add(mul(sub(x, this.movingMean.value), scale), this.beta.value);
    }
    const mu = mean(x, { axis, keepdims: true });
    const d = sub(x, mu);
    const variance = mean(mul(d, d), { axis, keepdims: true });
    noGrad(() => {
      const m = this.momentum;
      const batchMean = reshape(detach(mu), [this.features]);
      const batchVar = reshape(detach(variance), [this.features]);
      this.movingMean.value = add(mul(this.movingMean.value, m), mul(batchMean, 1 - m)).astype(this.movingMean.value.dtype);
      this.movingVariance.value = add(mul(this.movingVariance.value, m), mul(batchVar, 1 - m)).astype(this.movingVariance.value.dtype);
    });
    return add(mul(div(d, sqrt(add(variance, this.epsilon))), this.gamma.value), this.beta.value);
  }

  parameters(): Parameter[] {
    return [this.gamma, this.beta];
  }

  buffers(): ModuleBuffer[] {
    return [this.movingMean, this.movingVariance];
  }
}
