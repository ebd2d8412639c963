/**
 * Reverse-mode differentiation: walk the recorded graph from an output back to its leaves,
 * applying each node's derivative rule once, in reverse topological order, with no recursion
 * (a chain of 100,000 ops is as safe as one of three).
 */
import { isFloat } from '../core/dtype.js';
import { ArgumentError, InternalError, ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../core/shape.js';
import { add, astype, ones, type Tensor } from '../tensor/index.js';
import { nodeOf, withGradMode, type GraphNode } from './graph.js';

/** Options of `backward`. */
export interface BackwardOptions {
  /**
   * Keep the gradient of every intermediate tensor in its `.grad` too, not only the leaves'
   * (PyTorch's `retain_grad` on all of them). For pictures and teaching; costs memory.
   */
  retainGrads?: boolean;
}

/**
 * Computes d`output`/dleaf for every leaf that requires gradients and adds it to the leaf's
 * `.grad` (gradients accumulate over calls until `zeroGrad`). `output` must be a scalar unless
 * a `seed` gradient of its shape is given (then this computes seedᵀ·J, the vector-Jacobian
 * product).
 *
 * @example
 * const w = variable([1, 2, 3]);
 * backward(w.mul(w).sum());
 * w.grad?.toArray(); // [2, 4, 6]
 */
export function backward(output: Tensor, seed?: Tensor, opts: BackwardOptions = {}): void {
  if (!output.requiresGrad) {
    throw new ArgumentError(
      'backward',
      'output',
      `this tensor of shape ${formatShape(output.shape)} does not require gradients: nothing it was computed from does. ` +
        'Mark the inputs first (requiresGrad(w), or create them with variable(...)), and compute it outside noGrad()',
    );
  }
  const g0 = seedGradient(output, seed);
  withGradMode(false, () => propagateBack(output, g0, opts.retainGrads === true));
}

function seedGradient(output: Tensor, seed: Tensor | undefined): Tensor {
  if (seed === undefined) {
    if (output.size !== 1) {
      throw new ShapeError(
        'backward',
        `output has shape ${formatShape(output.shape)}, not a scalar: pass a seed gradient of that shape ` +
          `(backward(y, ones(y.shape)) sums the outputs), or reduce y first, e.g. backward(y.sum())`,
        [output.shape],
      );
    }
    return ones(output.shape, isFloat(output.dtype) ? output.dtype : 'float64');
  }
  if (!shapesEqual(seed.shape, output.shape)) {
    throw new ShapeError(
      'backward',
      `seed gradient shape ${formatShape(seed.shape)} does not match output shape ${formatShape(output.shape)}: give one gradient per output element`,
      [output.shape, seed.shape],
    );
  }
  return seed;
}

/** Every tensor that `output` was computed from and that requires gradients, found without recursion. */
function collect(output: Tensor): { computed: Tensor[]; leaves: Tensor[] } {
  const seen = new Set<Tensor>([output]);
  const stack = [output];
  const computed: Tensor[] = [];
  const leaves: Tensor[] = [];
  for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
    const node = nodeOf(t);
    if (node === null) {
      leaves.push(t);
      continue;
    }
    computed.push(t);
    for (const x of node.inputs) {
      if (x.requiresGrad && !seen.has(x)) {
        seen.add(x);
        stack.push(x);
      }
    }
  }
  // Recording order is a topological order (inputs exist before the op): newest first is reverse order.
  computed.sort((a, b) => (nodeOf(b) as GraphNode).seq - (nodeOf(a) as GraphNode).seq);
  return { computed, leaves };
}

function propagateBack(output: Tensor, seed: Tensor, retain: boolean): void {
  const { computed, leaves } = collect(output);
  const grads = new Map<Tensor, Tensor>([[output, seed]]);
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    grads.set(t, prev === undefined ? g : add(prev, g));
  };
  for (const t of computed) {
    const g = grads.get(t);
    if (g === undefined) continue;
    // A finished gradient is dropped as soon as it has been passed on, unless asked to keep it.
    grads.delete(t);
    if (retain) store(t, g);
    const node = nodeOf(t) as GraphNode;
    const needs = node.inputs.map((x) => x.requiresGrad);
    const dxs = node.vjp(g, needs);
    node.inputs.forEach((x, i) => {
      const dx = dxs[i];
      if (!needs[i] || !dx) return;
      if (!shapesEqual(dx.shape, x.shape)) {
        throw new InternalError(`backward: the ${node.op} rule gave a gradient of shape ${formatShape(dx.shape)} for input ${i} of shape ${formatShape(x.shape)}`);
      }
      accumulate(x, dx);
    });
  }
  for (const leaf of leaves) {
    const g = grads.get(leaf);
    if (g !== undefined) store(leaf, g);
  }
}

/** Adds `g` to `t.grad`, in `t`'s dtype and contiguous, so a `.grad` is never a broadcast view. */
function store(t: Tensor, g: Tensor): void {
  const typed = isFloat(t.dtype) && g.dtype !== t.dtype ? astype(g, t.dtype) : g;
  t.grad = (t.grad === null ? typed : add(t.grad, typed)).contiguous();
}

/**
 * Forgets accumulated gradients (sets `.grad` to null), before the next `backward`.
 * @example zeroGrad(w, b);
 */
export function zeroGrad(...tensors: Tensor[]): void {
  for (const t of tensors) t.grad = null;
}
