/**
 * The notes' two worked computation graphs, built with tensors that record them, for
 * `tsgrad graph`, `tsgrad gradcheck` and the tests.
 */
import { add, fromArray, log, mul, neg, scalar, sigmoid, slice, sub, sum, type Tensor } from '../tensor/index.js';
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

/** The notes' numeric check of dJ/dv: how far J moves when v moves by `h`. */
export interface NudgeCheck {
  v: number;
  J: number;
  /** v + h and J at it. */
  vNudged: number;
  JNudged: number;
  /** (J(v + h) - J(v)) / h, ≈ dJ/dv. */
  slope: number;
}

/**
 * Nudges v by `h` (the notes: 15 → 15.001) and recomputes J = 3v downstream of it.
 * @example jNudge(jGraph()).slope // ≈ 3
 */
export function jNudge(g: JGraph, h = 0.001): NudgeCheck {
  const v = g.v.item();
  const J = g.J.item();
  const JNudged = mul(3, add(g.v.detach(), h)).item();
  return { v, J, vNudged: v + h, JNudged, slope: (JNudged - J) / h };
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
  const z = label(add(sum(mul(slice(w, { end: n }), x)), slice(w, n)), 'z');
  const a = label(sigmoid(z), 'a');
  const L = label(neg(add(mul(y, log(a)), mul(sub(1, y), log(sub(1, a))))), 'L');
  return { z, a, L };
}

/**
 * One node's numeric check, as the notes bump v from 15 to 15.001: the node's value moved by
 * `h`, everything downstream of it recomputed (what is upstream held), and the output's move.
 */
export interface Bump {
  node: string;
  value: number;
  bumped: number;
  output: number;
  outputBumped: number;
  /** (output(value + h) - output(value)) / h, ≈ d output / d node. */
  slope: number;
}

function bumpOf(node: string, value: number, h: number, output: number, outputAt: (v: number) => number): Bump {
  const outputBumped = outputAt(value + h);
  return { node, value, bumped: value + h, output, outputBumped, slope: (outputBumped - output) / h };
}

/**
 * The numeric check of every node of J = 3(a + b·c) below J, in the notes' order a, b, c, u, v:
 * a 7 → 7.001 gives J 45.003 (slope 3), v 15 → 15.001 gives 45.003 (slope 3).
 * @example jBumps(7, 4, 2).map((b) => b.outputBumped) // ≈ [45.003, 45.006, 45.012, 45.003, 45.003]
 */
export function jBumps(a = 7, b = 4, c = 2, h = 0.001): Bump[] {
  const J = (a1: number, b1: number, c1: number): number => jFunction(scalar(a1), scalar(b1), scalar(c1)).item();
  const u = mul(b, scalar(c)).item();
  const v = add(a, scalar(u)).item();
  const J0 = J(a, b, c);
  return [
    bumpOf('a', a, h, J0, (x) => J(x, b, c)),
    bumpOf('b', b, h, J0, (x) => J(a, x, c)),
    bumpOf('c', c, h, J0, (x) => J(a, b, x)),
    bumpOf('u', u, h, J0, (x) => mul(3, add(a, scalar(x))).item()),
    bumpOf('v', v, h, J0, (x) => mul(3, scalar(x)).item()),
  ];
}

/**
 * The numeric check of the single neuron's nodes w₁, w₂, b, x₁, x₂, z and a (L recomputed
 * from each), with w = [w₁, w₂, b] and x = [x₁, x₂] as `neuronGraph` takes them.
 * @example neuronBumps().find((b) => b.node === 'z')?.slope // ≈ a - y = -0.2689
 */
export function neuronBumps(w: readonly number[] = [2, -3, -3], x: readonly number[] = [-1, -2], y = 1, h = 0.001): Bump[] {
  const Y = scalar(y);
  const lossOfA = (a: Tensor): number => neg(add(mul(Y, log(a)), mul(sub(1, Y), log(sub(1, a))))).item();
  const L = (w1: readonly number[], x1: readonly number[]): number => neuronLoss(fromArray([...w1]), fromArray([...x1]), Y).item();
  const set = (list: readonly number[], i: number, v: number): number[] => list.map((q, k) => (k === i ? v : q));
  const g = neuronGraph(w, x, y);
  const L0 = g.L.item();
  const n = x.length;
  return [
    ...x.map((_, i) => bumpOf(`w${i + 1}`, w[i] as number, h, L0, (v) => L(set(w, i, v), x))),
    bumpOf('b', w[n] as number, h, L0, (v) => L(set(w, n, v), x)),
    ...x.map((xi, i) => bumpOf(`x${i + 1}`, xi, h, L0, (v) => L(w, set(x, i, v)))),
    bumpOf('z', g.z.item(), h, L0, (v) => lossOfA(sigmoid(scalar(v)))),
    bumpOf('a', g.a.item(), h, L0, (v) => lossOfA(scalar(v))),
  ];
}
