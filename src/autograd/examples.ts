/**
 * The notes' two worked computation graphs, built with tensors that record them, for
 * `tsgrad graph`, `tsgrad gradcheck` and the tests.
 */
import { add, dot, log, mul, neg, scalar, sigmoid, slice, sub, type Tensor } from '../tensor/index.js';
import { label, variable } from './graph.js';

/** J = 3(a + b·c) and its named intermediate values u = b·c, v = a + u. */
export interface JGraph {
  a: Tensor;
  b: Tensor;
  c: Tensor;
  u: Tensor;
  v: Tensor;
  J: Tensor;
}

/**
 * The notes' first graph: J = 3(a + b·c), with a = 7, b = 4, c = 2 by default
 * (u = 8, v = 15, J = 45).
 * @example const g = jGraph(); backward(g.J, undefined, { retainGrads: true }); g.b.grad?.item(); // 6
 */
export function jGraph(a0 = 7, b0 = 4, c0 = 2): JGraph {
  const a = variable(a0, { name: 'a' });
  const b = variable(b0, { name: 'b' });
  const c = variable(c0, { name: 'c' });
  const u = label(mul(b, c), 'u');
  const v = label(add(a, u), 'v');
  const J = label(mul(3, v), 'J');
  return { a, b, c, u, v, J };
}

/** J as a plain function of a, b, c (for gradient checks). */
export function jFunction(a: Tensor, b: Tensor, c: Tensor): Tensor {
  return mul(3, add(a, mul(b, c)));
}

/** The single neuron on one example: z = w₁x₁ + w₂x₂ + b with b = w₃, a = σ(z), loss L(a, y). */
export interface NeuronGraph {
  w: Tensor;
  x: Tensor;
  y: Tensor;
  z: Tensor;
  a: Tensor;
  L: Tensor;
}

/**
 * The notes' single neuron as a graph: weights and bias together in w = [w₁, w₂, b], input x,
 * label y, and the cross-entropy loss L = -(y log a + (1-y) log(1-a)). With the defaults
 * w = [2, -3, -3], x = [-1, -2], y = 1: z = 1, a = σ(1), dz = a - y.
 * @example const g = neuronGraph(); backward(g.L); g.w.grad?.toArray();
 */
export function neuronGraph(w0: readonly number[] = [2, -3, -3], x0: readonly number[] = [-1, -2], y0 = 1): NeuronGraph {
  const w = variable(w0, { name: 'w' });
  const x = variable(x0, { name: 'x' });
  const y = label(scalar(y0), 'y');
  return { w, x, y, ...neuronForward(w, x, y) };
}

/**
 * The neuron's loss as a function of w = [w₁, …, wₙ, b], x and y (for gradient checks).
 * @example neuronLoss(fromArray([2, -3, -3]), fromArray([-1, -2]), scalar(1)).item()
 */
export function neuronLoss(w: Tensor, x: Tensor, y: Tensor): Tensor {
  return neuronForward(w, x, y).L;
}

function neuronForward(w: Tensor, x: Tensor, y: Tensor): { z: Tensor; a: Tensor; L: Tensor } {
  const n = x.shape[0] as number;
  const z = label(add(dot(slice(w, { end: n }), x), slice(w, n)), 'z');
  const a = label(sigmoid(z), 'a');
  const L = label(neg(add(mul(y, log(a)), mul(sub(1, y), log(sub(1, a))))), 'L');
  return { z, a, L };
}
