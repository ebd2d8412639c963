/**
 * The convolutional layers, images in (N, H, W, C) layout as the data stores them: `Conv2D`
 * (kernels W (KH, KW, Cin, Cout) as the course and Keras store them, bias b (Cout)),
 * `Pool2D` (max or average) and `GlobalAvgPool2D`. Each forward is a composite of the
 * window primitives (../functional/conv.ts), so autodiff derives the gradients.
 */
import { ShapeError } from '../../core/errors.js';
import { formatShape } from '../../core/shape.js';
import { windowGeometry, type Padding, type Tensor } from '../../tensor/index.js';
import { avgPool2d, conv2d, globalAvgPool2d, maxPool2d } from '../functional/conv.js';
import { Parameter, type ForwardContext, type Module } from '../module.js';
import type { LayerConfig } from '../registry.js';

/** An item shape (H, W, C) checked, for a layer's messages. */
function imageItem(op: string, input: readonly number[]): [number, number, number] {
  if (input.length !== 3) throw new ShapeError(op, `takes images (H, W, C), got items of shape ${formatShape(input)}`, [input]);
  return input as [number, number, number];
}

/**
 * A 2-D convolution: Z = conv(A, W) + b, the course's `conv_forward` on a batch.
 * @example new Conv2D(W1, b1, 1, { stride: 1, padding: 'same' }).forward(images, EVAL) // (N, H, W, Cout)
 */
export class Conv2D implements Module {
  readonly W: Parameter;
  readonly b: Parameter;
  constructor(
    W: Tensor,
    b: Tensor,
    index: number,
    readonly options: { readonly stride: number; readonly padding: Padding },
  ) {
    if (W.ndim !== 4 || W.shape[0] !== W.shape[1] || b.ndim !== 1 || b.shape[0] !== W.shape[3]) {
      throw new ShapeError('Conv2D', `W must be (K, K, Cin, Cout) and b (Cout): W${formatShape(W.shape)} b${formatShape(b.shape)}`, [W.shape, b.shape]);
    }
    this.W = new Parameter(`W${index}`, W, 'weight');
    this.b = new Parameter(`b${index}`, b, 'bias');
  }

  get name(): string {
    return `conv ${this.W.name}`;
  }

  config(): LayerConfig {
    const [k, , , filters] = this.W.value.shape as [number, number, number, number];
    return { kind: 'conv', filters, kernel: k, padding: this.options.padding, stride: this.options.stride };
  }

  outputShape(input: readonly number[]): number[] {
    const [h, w, c] = imageItem(this.name, input);
    const [k, , cin, cout] = this.W.value.shape as [number, number, number, number];
    if (c !== cin) throw new ShapeError(this.name, `has kernels for ${cin} channels, got items of shape ${formatShape(input)}`, [input]);
    const g = windowGeometry(this.name, [1, h, w, c], [k, k], [this.options.stride, this.options.stride], this.options.padding);
    return [g.oh, g.ow, cout];
  }

  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    return conv2d(x, this.W.value, this.b.value, { ...this.options, name: this.name });
  }

  parameters(): Parameter[] {
    return [this.W, this.b];
  }
}

/**
 * Max or average pooling over size×size windows, channel by channel.
 * @example new Pool2D('max', 8, 8, 'same').forward(A1, EVAL)
 */
export class Pool2D implements Module {
  constructor(
    readonly mode: 'max' | 'average',
    readonly size: number,
    readonly stride: number,
    readonly padding: 'valid' | 'same',
  ) {}

  get name(): string {
    return `${this.mode === 'max' ? 'maxpool' : 'avgpool'}:${this.size}:${this.stride}:${this.padding}`;
  }

  config(): LayerConfig {
    return { kind: this.mode === 'max' ? 'maxpool' : 'avgpool', size: this.size, stride: this.stride, padding: this.padding };
  }

  outputShape(input: readonly number[]): number[] {
    const [h, w, c] = imageItem(this.name, input);
    const g = windowGeometry(this.name, [1, h, w, c], [this.size, this.size], [this.stride, this.stride], this.padding);
    return [g.oh, g.ow, c];
  }

  forward(x: Tensor): Tensor {
    const opts = { size: this.size, stride: this.stride, padding: this.padding, name: this.name };
    return this.mode === 'max' ? maxPool2d(x, opts) : avgPool2d(x, opts);
  }

  parameters(): Parameter[] {
    return [];
  }
}

/** Each channel's mean over the image: (N, H, W, C) → (N, C). @example new GlobalAvgPool2D().forward(A, EVAL).shape // [N, C] */
export class GlobalAvgPool2D implements Module {
  config(): LayerConfig {
    return { kind: 'globalavgpool' };
  }
  outputShape(input: readonly number[]): number[] {
    return [imageItem('globalavgpool', input)[2]];
  }
  forward(x: Tensor): Tensor {
    return globalAvgPool2d(x);
  }
  parameters(): Parameter[] {
    return [];
  }
}
