/**
 * `Sequential`, the one model: layers applied in order to a batch (N, ...). A final sigmoid
 * or softmax is the model's output head: `scores` stops before it (the logits a stable loss
 * or a saliency map needs), `forward` applies it.
 */
import { noGrad } from '../autograd/index.js';
import { ArgumentError } from '../core/errors.js';
import { argmax, astype, greater, type Tensor } from '../tensor/index.js';
import { Activation } from './layers/basic.js';
import { checkItemShape, EVAL, type ForwardContext, type Module, type ModuleBuffer, type Parameter } from './module.js';
import type { LayerConfig } from './registry.js';

/** What the model's last layer makes of the scores. */
export type Head = 'sigmoid' | 'softmax' | 'none';

/**
 * Layers in order, for items of shape `inputShape`.
 * @example const neuron = new Sequential([new Flatten(), dense, new Activation('sigmoid')], [64, 64, 3]);
 */
export class Sequential {
  readonly outputShape: readonly number[];
  readonly head: Head;
  constructor(
    readonly layers: readonly Module[],
    readonly inputShape: readonly number[],
  ) {
    let shape = [...inputShape];
    for (const l of layers) shape = l.outputShape(shape);
    this.outputShape = shape;
    const last = layers[layers.length - 1];
    this.head = last instanceof Activation && (last.kind === 'sigmoid' || last.kind === 'softmax') ? last.kind : 'none';
    if (this.head === 'sigmoid' && shape.join() !== '1') throw new ArgumentError('model', 'layers', `a sigmoid output has 1 unit, got outputs of shape (${shape.join(', ')})`);
    if (this.head === 'softmax' && (shape.length !== 1 || (shape[0] as number) < 2)) throw new ArgumentError('model', 'layers', `a softmax output needs at least 2 units, got (${shape.join(', ')})`);
  }

  /** The layer configs, as model files store them. */
  configs(): LayerConfig[] {
    return this.layers.map((l) => l.config());
  }

  /** Every parameter, layer by layer (W1, b1, W2, ...). */
  parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Every buffer (tensors kept, not trained: BatchNorm's moving averages), layer by layer. */
  buffers(): ModuleBuffer[] {
    return this.layers.flatMap((l) => l.buffers?.() ?? []);
  }

  /** Classes the model tells apart: 2 for a sigmoid output, k for a softmax over k. */
  get classes(): number {
    return this.head === 'sigmoid' ? 2 : (this.outputShape[0] ?? 1);
  }

  /**
   * The last layer's input before the output head (the logits), shape (N, k). With `from`,
   * `x` is what layer `from` takes (an earlier layer computed another way).
   */
  scores(x: Tensor, ctx: ForwardContext = EVAL, from = 0): Tensor {
    if (from === 0) checkItemShape('model', x, this.inputShape);
    const body = this.head === 'none' ? this.layers : this.layers.slice(0, -1);
    let a = x;
    for (const layer of body.slice(from)) a = layer.forward(a, ctx);
    return a;
  }

  /** The head applied to scores: probabilities (N, 1) or (N, k). */
  output(scores: Tensor): Tensor {
    const last = this.layers[this.layers.length - 1];
    return this.head === 'none' || last === undefined ? scores : last.forward(scores, EVAL);
  }

  forward(x: Tensor, ctx: ForwardContext = EVAL): Tensor {
    return this.output(this.scores(x, ctx));
  }

  /** Probabilities without recording a graph (evaluation: no dropout). */
  probabilities(x: Tensor): Tensor {
    return noGrad(() => this.forward(x));
  }

  /**
   * Class labels (N,) as float64: p > 0.5 for a sigmoid output (the notes' `predict`), the
   * most probable class otherwise. `from` as for `scores`.
   */
  predict(x: Tensor, from = 0): Tensor {
    const p = noGrad(() => this.output(this.scores(x, EVAL, from)));
    const n = p.shape[0] as number;
    return this.head === 'sigmoid' ? astype(greater(p, 0.5), 'float64').reshape([n]) : astype(argmax(p, 1), 'float64').reshape([n]);
  }

  /**
   * Runs `fn` with the parameters temporarily set to `values` (in `parameters()` order).
   * @example net.withParameters(values, () => net.probabilities(X))
   */
  withParameters<T>(values: readonly Tensor[], fn: () => T): T {
    const params = this.parameters();
    if (values.length !== params.length) throw new ArgumentError('withParameters', 'values', `expected ${params.length} tensors, got ${values.length}`);
    const saved = params.map((p) => p.value);
    try {
      params.forEach((p, i) => (p.value = values[i] as Tensor));
      return fn();
    } finally {
      params.forEach((p, i) => (p.value = saved[i] as Tensor));
    }
  }
}
