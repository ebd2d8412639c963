/**
 * Gradients as functions, as in JAX: `grad(f)` is a new function returning df/dx for each
 * argument of `f`. The caller's tensors are not marked or touched: each call differentiates
 * fresh leaves sharing their data.
 */
import { isFloat } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { zeros, type Tensor } from '../tensor/index.js';
import { backward } from './backward.js';
import { detach, requiresGrad, withGradMode } from './graph.js';

/** One gradient per argument, in the arguments' order and shapes. */
export type Gradients<A extends readonly Tensor[]> = { -readonly [K in keyof A]: Tensor };

/**
 * `f`'s value and its gradient with respect to every argument. `f` must return a scalar.
 * Records even inside `noGrad`, since differentiating is what was asked for.
 *
 * @example
 * const f = (x: Tensor, y: Tensor) => x.mul(y).sum();
 * const [value, [dx, dy]] = valueAndGrad(f)(fromArray([1, 2]), fromArray([3, 4]));
 * // value 11, dx [3, 4], dy [1, 2]
 */
export function valueAndGrad<A extends readonly Tensor[]>(f: (...args: A) => Tensor): (...args: A) => [Tensor, Gradients<A>] {
  return (...args: A) => {
    const leaves = args.map((a) => requiresGrad(detach(a)));
    // Widening the parameter type is safe: `leaves` matches `args` one for one.
    const call = f as (...xs: readonly Tensor[]) => Tensor;
    const value = withGradMode(true, () => call(...leaves));
    if (value.size !== 1) {
      throw new ShapeError('grad', `f must return a scalar, got shape ${formatShape(value.shape)}: reduce it, e.g. return y.sum() or y.mean()`, [value.shape]);
    }
    // An output that depends on no argument has zero gradients (JAX's answer, not an error).
    if (value.requiresGrad) backward(value);
    const grads = leaves.map((l) => l.grad ?? zeros(l.shape, isFloat(l.dtype) ? l.dtype : 'float64'));
    return [value, grads as Gradients<A>];
  };
}

/**
 * The gradient of a scalar function with respect to each of its arguments.
 * @example
 * const df = grad((x: Tensor) => x.mul(x).sum());
 * const [dx] = df(fromArray([1, 2, 3])); // [2, 4, 6]
 */
export function grad<A extends readonly Tensor[]>(f: (...args: A) => Tensor): (...args: A) => Gradients<A> {
  const vg = valueAndGrad(f);
  return (...args: A) => vg(...args)[1];
}
