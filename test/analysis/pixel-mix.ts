/**
 * A test layer that keeps images as images: a 1x1 convolution (each pixel's channels mixed
 * by W (1, 1, Cin, Cout), plus b), written from matmul and reshape. It stands in for any
 * layer with (N, H, W, C) outputs and a 4-D kernel, to show that saliency and feature maps
 * need nothing but `Sequential` and shapes.
 */
import { RandomState } from '../../src/core/rng.js';
import { Parameter, type ForwardContext, type Module } from '../../src/nn/module.js';
import type { LayerConfig } from '../../src/nn/registry.js';
import { add, matmul, randn, type Tensor } from '../../src/tensor/index.js';

export class PixelMix implements Module {
  readonly W: Parameter;
  readonly b: Parameter;
  constructor(
    readonly cin: number,
    readonly cout: number,
    seed: number,
    index = 1,
  ) {
    const rng = new RandomState(seed);
    this.W = new Parameter(`W${index}`, randn([1, 1, cin, cout], rng));
    this.b = new Parameter(`b${index}`, randn([cout], rng).mul(0.1), 'bias');
  }
  config(): LayerConfig {
    // Never rebuilt from its config in these tests; the kind only names the layer.
    return { kind: 'dense', units: this.cout };
  }
  outputShape(input: readonly number[]): number[] {
    return [...input.slice(0, -1), this.cout];
  }
  forward(x: Tensor, _ctx: ForwardContext): Tensor {
    const [n, h, w] = x.shape as [number, number, number, number];
    const y = matmul(x.reshape([-1, this.cin]), this.W.value.reshape([this.cin, this.cout]));
    return add(y, this.b.value).reshape([n, h, w, this.cout]);
  }
  parameters(): Parameter[] {
    return [this.W, this.b];
  }
}
