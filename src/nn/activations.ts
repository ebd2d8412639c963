/**
 * Activation functions, written from the tensor layer's primitives so autodiff derives their
 * gradients: no derivative rule lives here. Each matches the classic course's numpy code.
 */
import { ArgumentError } from '../core/errors.js';
import { detach } from '../autograd/index.js';
import { div, exp, greater, log, max, mul, sigmoid as sigmoidOp, sub, sum, tanh as tanhOp, where, type Tensor } from '../tensor/index.js';

/**
 * max(0, z), with derivative 1 where z > 0 and 0 elsewhere (z = 0 included), as the course's
 * `relu_backward` sets dZ[Z <= 0] = 0. Written with `where`, not `maximum`, whose derivative
 * splits a tie at 0 in half.
 * @example relu(fromArray([-1, 0, 2])).toArray() // [0, 0, 2]
 */
export function relu(z: Tensor): Tensor {
  return where(greater(z, 0), z, 0);
}

/**
 * z where z > 0, else slope·z (the course's leaky relu uses 0.01).
 * @example leakyRelu(fromArray([-1, 2])).toArray() // [-0.01, 2]
 */
export function leakyRelu(z: Tensor, slope = 0.01): Tensor {
  if (!Number.isFinite(slope)) throw new ArgumentError('leakyRelu', 'slope', `must be a finite number, got ${slope}`);
  return where(greater(z, 0), z, mul(z, slope));
}

/** tanh z. @example tanh(scalar(0)).item() // 0 */
export function tanh(z: Tensor): Tensor {
  return tanhOp(z);
}

/** 1 / (1 + e⁻ᶻ), exactly as the course's `sigmoid`. @example sigmoid(scalar(0)).item() // 0.5 */
export function sigmoid(z: Tensor): Tensor {
  return sigmoidOp(z);
}

/**
 * Column-wise log-softmax of a (k, m) tensor of scores: z - max - log Σ exp(z - max). The
 * per-column max is a constant shift (detached): it changes nothing mathematically and keeps
 * exp from overflowing.
 * @example logSoftmax(fromArray([[1], [2]])) // [[-1.3133], [-0.3133]]
 */
export function logSoftmax(z: Tensor, axis = 0): Tensor {
  const shifted = sub(z, detach(max(z, { axis, keepdims: true })));
  return sub(shifted, log(sum(exp(shifted), { axis, keepdims: true })));
}

/**
 * Column-wise softmax of a (k, m) tensor: each column becomes probabilities summing to 1.
 * @example softmax(fromArray([[1], [1]])).toArray() // [[0.5], [0.5]]
 */
export function softmax(z: Tensor, axis = 0): Tensor {
  const e = exp(sub(z, detach(max(z, { axis, keepdims: true }))));
  return div(e, sum(e, { axis, keepdims: true }));
}

/** The hidden activations a network can use, by name. */
export const HIDDEN_ACTIVATIONS = ['relu', 'leaky-relu', 'tanh', 'sigmoid'] as const;
export type HiddenActivation = (typeof HIDDEN_ACTIVATIONS)[number];
