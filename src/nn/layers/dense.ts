/**
 * The fully connected layer, batch-first: Y = X Wᵀ + b for X (N, inputs), with W of shape
 * (units, inputs) as the course and PyTorch store it (so numpy's seeded draws of W give the
 * course's weights) and b of shape (units).
 */
import { ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { add, matmul, type Tensor } from '../../tensor/index.js';
import { checkItemShape, Parameter, type ForwardContext, type Module } from '../module.js';
import type { LayerConfig } from '../registry.js';

/**
 * Z = X Wᵀ + b, the course's `linear_forward` with the samples as rows.
 * @example new Dense(zeros([7, 12288]), zeros([7]), 1).forward(X, EVAL) // (N, 7)
 */
export class Dense implements Module {
  readonly W: Parameter;
  readonly b: Parameter;
  constructor(W: Tensor, b: Tensor, index: number) {
    if (W.ndim !== 2 || b.ndim !== 1 || b.shape[0] !== W.shape[0]) {
      throw new ShapeError('Dense', `W must be (units, inputs) and b (units): W${formatShape(W.shape)} b${formatShape(b.shape)}`, [W.shape, b.shape]);
    }
    this.W = new Parameter(`W${index}`, W, 'weight');
    this.b = new Parameter(`b${index}`, b, 'bias');
  }

  get inputs(): number {
    return this.W.value.shape[1] as number;
  }

  get units(): number {
    return this.W.value.shape[0] as number;
  }

  config(): LayerConfig {
    return { kind: 'dense', units: this.units };
  }

  outputShape(input: readonly number[]): number[] {
    if (input.length !== 1 || input[0] !== this.inputs) {
      throw new ShapeError('Dense', `${this.W.name} takes ${this.inputs} inputs per sample, got items of shape ${formatShape(input)} (add a flatten layer before it for images)`, [input]);
    }
    return [this.units];
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    checkItemShape(`Dense ${this.W.name}`, x, [this.inputs]);
    return add(matmul(x, this.W.value.T), this.b.value);
  }

  parameters(): Parameter[] {
    return [this.W, this.b];
  }
}
