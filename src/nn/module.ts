/**
 * The one model abstraction: a `Module` holds named parameters (and buffers), computes
 * `forward` on a batch whose first axis is the sample axis (N, ...), as in PyTorch, Keras and
 * tfjs, and describes itself by a plain `LayerConfig` (./registry.ts) from which the registry
 * rebuilds it: model files, the CLI and the page all build models from the same configs.
 */
import { requiresGrad } from '../autograd/index.js';
import { ShapeError } from '../core/errors.js';
import type { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../tensor/index.js';
import type { LayerConfig } from './registry.js';

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
    /** `weight` (a layer's kernel: L2 and the landscape's filter normalisation apply) or `bias`. */
    readonly role: 'weight' | 'bias' = 'weight',
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

/**
 * A named tensor a layer keeps but does not train (PyTorch's buffers): BatchNorm's running
 * mean and variance. Saved in the model file beside the parameters; a training forward pass
 * may replace `value`.
 * @example const m = new ModuleBuffer('movingMean1', zeros([8]));
 */
export class ModuleBuffer {
  constructor(
    readonly name: string,
    public value: Tensor,
  ) {}
}

/** What a forward pass knows: training (dropout on) or not, and the generator masks come from. */
export interface ForwardContext {
  readonly training: boolean;
  /** Draws dropout masks in training; required when a Dropout layer trains. */
  readonly rng?: RandomState;
}

/** The evaluation context: no dropout. */
export const EVAL: ForwardContext = { training: false };

/** One layer (or a stack of them): batch-first forward, named parameters, a config to rebuild it from. */
export interface Module {
  /** The plain description the registry rebuilds this layer from. */
  config(): LayerConfig;
  /** The output shape (without the batch axis) for an input of shape `input` (without it). */
  outputShape(input: readonly number[]): number[];
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  parameters(): Parameter[];
  /** Tensors kept but not trained (none unless the layer says). */
  buffers?(): ModuleBuffer[];
}

/** Checks that a batch has the item shape a layer expects, naming the layer and both shapes. @example checkItemShape('Dense W1', x, [12288]) // ShapeError: Dense W1: expects inputs of shape (N, 12288), got (2, 3) */
export function checkItemShape(op: string, x: Tensor, item: readonly number[]): void {
  if (x.ndim !== item.length + 1 || item.some((d, i) => x.shape[i + 1] !== d)) {
    throw new ShapeError(op, `expects inputs of shape (N, ${item.join(', ')}), got ${formatShape(x.shape)}`, [x.shape]);
  }
}
