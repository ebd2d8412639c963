import type { Shape } from '../core/shape.js';
import type { WindowGeometry, WindowLayout } from '../kernels/window.js';
import type { Tensor } from './tensor.js';

/**
 * The closed set of differentiable primitives. Every op of the tensor layer that can carry a
 * gradient reports itself as one of these; the autograd layer keeps one derivative rule per
 * entry in a `Record<Primitive, …>`, so adding a primitive without its rule does not compile.
 */
export interface PrimitiveAttrs {
  add: null;
  sub: null;
  mul: null;
  div: null;
  pow: null;
  maximum: null;
  minimum: null;
  neg: null;
  exp: null;
  log: null;
  abs: null;
  sqrt: null;
  tanh: null;
  sigmoid: null;
  /** Condition tensor (not differentiated). */
  where: { readonly condition: Tensor };
  sum: { readonly axes: readonly number[]; readonly keepdims: boolean };
  max: { readonly axes: readonly number[]; readonly keepdims: boolean };
  min: { readonly axes: readonly number[]; readonly keepdims: boolean };
  matmul: null;
  reshape: { readonly from: Shape };
  transpose: { readonly perm: readonly number[] };
  /** Per-axis start and step of a basic slice (indexed axes removed afterwards by `dropAxes`). */
  slice: { readonly from: Shape; readonly starts: readonly number[]; readonly steps: readonly number[]; readonly dropAxes: readonly number[] };
  broadcastTo: { readonly from: Shape };
  /** x written into a tensor of shape `into` filled with `fill`, at starts + i·steps per axis (padding; the slice's adjoint). */
  embed: { readonly into: Shape; readonly starts: readonly number[]; readonly steps: readonly number[]; readonly fill: number };
  /** Every sliding window of an (N, H, W, C) image as a row (im2col); `fill` where a window reaches into the padding. */
  unfold: { readonly geometry: WindowGeometry; readonly layout: WindowLayout; readonly fill: number };
  /** A convolution of images by kernels at the windows `geometry` places (no bias). */
  conv: { readonly geometry: WindowGeometry };
  /** A convolution's gradient with respect to its kernels, from the images and the output's gradient. */
  convFilter: { readonly geometry: WindowGeometry; readonly kernel: Shape };
  /** Elements of x picked by flat (row-major) index into a tensor of shape `shape` (max pooling's argmax). */
  gather: { readonly indices: Int32Array; readonly shape: Shape };
  /** Zeros of shape `into` with each element of x added at its flat index (the adjoint of gather). */
  scatterAdd: { readonly indices: Int32Array; readonly into: Shape };
  /** Windows added back onto the image they came from (col2im), the adjoint of `unfold`. */
  fold: { readonly geometry: WindowGeometry; readonly layout: WindowLayout };
  cast: null;
}
export type Primitive = keyof PrimitiveAttrs;

/** What the autograd layer hears about each op: which primitive, its inputs, its output. */
export type Recorder = <P extends Primitive>(op: P, inputs: readonly Tensor[], output: Tensor, attrs: PrimitiveAttrs[P]) => void;

let recorder: Recorder | null = null;

/** Installs the autograd layer's recorder (the tensor layer never imports autograd). */
export function setRecorder(r: Recorder | null): void {
  recorder = r;
}

/** Called by each op once its output exists; cheap when no input needs gradients. */
export function record<P extends Primitive>(op: P, inputs: readonly Tensor[], output: Tensor, attrs: PrimitiveAttrs[P]): Tensor {
  if (recorder !== null && inputs.some((t) => t.requiresGrad)) recorder(op, inputs, output, attrs);
  return output;
}
