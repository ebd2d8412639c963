/**
 * The classic course's "Convolution model, step by step" in its own steps and words:
 * `zeroPad`, `convSingleStep`, `convForward`, `poolForward`, `convBackward`,
 * `createMaskFromWindow`, `distributeValue`, `poolBackward`. Written as the course writes
 * them, with explicit loops over the sample i, the output row h, column w and channel c, and
 * `vert_start = h * stride`, so a learner can follow each line against the notebook. The
 * layout is the course's: A_prev (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C),
 * b (1, 1, 1, n_C). Every result is float64. test/course/conv.test.ts holds these against a
 * numpy run of the same steps and against finite differences.
 */
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, type Shape } from '../core/shape.js';
import { fromArray, type Tensor } from '../tensor/index.js';

/** A convolution's hyperparameters: zeros added on each side, and the step between windows. */
export interface ConvHparameters {
  pad: number;
  stride: number;
}

/** A pooling's hyperparameters: the window's side f, and the step between windows. */
export interface PoolHparameters {
  f: number;
  stride: number;
}

export type PoolMode = 'max' | 'average';

/** What `convForward` keeps for `convBackward`: the course's (A_prev, W, b, hparameters). */
export interface ConvCache {
  A_prev: Tensor;
  W: Tensor;
  b: Tensor;
  hparameters: ConvHparameters;
}

/** What `poolForward` keeps for `poolBackward`: the course's (A_prev, hparameters). */
export interface PoolCache {
  A_prev: Tensor;
  hparameters: PoolHparameters;
}

type Dims4 = readonly [number, number, number, number];

/** The four axes of t, zeros past its rank (the callers check the rank). */
function dims4(t: Tensor): Dims4 {
  const [d0 = 0, d1 = 0, d2 = 0, d3 = 0] = t.shape;
  return [d0, d1, d2, d3];
}

/** A float64 array of four axes, indexed [i, h, w, c] as the course indexes numpy's. */
class Array4 {
  readonly data: Float64Array;
  constructor(
    readonly shape: Dims4,
    data?: ArrayLike<number>,
  ) {
    this.data = data === undefined ? new Float64Array(shape[0] * shape[1] * shape[2] * shape[3]) : Float64Array.from(data);
  }
  /** The tensor's values as float64, in a four-axis tensor's shape (checked by the caller). */
  static of(t: Tensor): Array4 {
    return new Array4(dims4(t), t.values());
  }
  private at(i: number, h: number, w: number, c: number): number {
    return ((i * this.shape[1] + h) * this.shape[2] + w) * this.shape[3] + c;
  }
  get(i: number, h: number, w: number, c: number): number {
    return this.data[this.at(i, h, w, c)] as number;
  }
  set(i: number, h: number, w: number, c: number, v: number): void {
    this.data[this.at(i, h, w, c)] = v;
  }
  add(i: number, h: number, w: number, c: number, v: number): void {
    const k = this.at(i, h, w, c);
    this.data[k] = (this.data[k] as number) + v;
  }
  tensor(): Tensor {
    return fromArray(this.data, this.shape);
  }
}

const shapes = (named: Record<string, Tensor>): string =>
  Object.entries(named)
    .map(([name, t]) => `${name}${formatShape(t.shape)}`)
    .join(' ');

function checkInteger(op: string, argument: string, value: number, min: number, context: string): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ArgumentError(op, argument, `must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${value} (${context})`);
  }
}

/** Checks the convolution's inputs once and returns its sizes, the output's n_H and n_W among them. */
function convGeometry(op: string, A_prev: Tensor, W: Tensor, b: Tensor, hparameters: ConvHparameters) {
  const [m, n_H_prev, n_W_prev, n_C_prev] = dims4(A_prev);
  const [f, f2, w_C_prev, n_C] = dims4(W);
  if (A_prev.ndim !== 4 || W.ndim !== 4 || f < 1 || f !== f2 || w_C_prev !== n_C_prev || b.ndim !== 4 || b.size !== n_C || b.shape[3] !== n_C) {
    throw new ShapeError(
      op,
      `A_prev must be (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C) and b (1, 1, 1, n_C): ${shapes({ A_prev, W, b })}`,
      [A_prev.shape, W.shape, b.shape],
    );
  }
  const context = shapes({ A_prev, W });
  checkInteger(op, 'hparameters.pad', hparameters.pad, 0, context);
  checkInteger(op, 'hparameters.stride', hparameters.stride, 1, context);
  const { pad, stride } = hparameters;
  if (f > n_H_prev + 2 * pad || f > n_W_prev + 2 * pad) {
    throw new ShapeError(
      op,
      `no output: the ${f} × ${f} filter of W${formatShape(W.shape)} is larger than A_prev${formatShape(A_prev.shape)} padded by ${pad} (${n_H_prev + 2 * pad} × ${n_W_prev + 2 * pad})`,
      [A_prev.shape, W.shape],
    );
  }
  const n_H = Math.floor((n_H_prev - f + 2 * pad) / stride) + 1;
  const n_W = Math.floor((n_W_prev - f + 2 * pad) / stride) + 1;
  return { m, n_H_prev, n_W_prev, n_C_prev, f, n_C, pad, stride, n_H, n_W };
}

/** Checks the pooling's inputs once and returns its sizes, the output's n_H and n_W among them. */
function poolGeometry(op: string, A_prev: Tensor, hparameters: PoolHparameters, mode: PoolMode) {
  if (A_prev.ndim !== 4) throw new ShapeError(op, `A_prev must be (m, n_H_prev, n_W_prev, n_C_prev): ${shapes({ A_prev })}`, [A_prev.shape]);
  const [m, n_H_prev, n_W_prev, n_C] = dims4(A_prev);
  const context = shapes({ A_prev });
  checkInteger(op, 'hparameters.f', hparameters.f, 1, context);
  checkInteger(op, 'hparameters.stride', hparameters.stride, 1, context);
  if (mode !== 'max' && mode !== 'average') throw new ArgumentError(op, 'mode', `must be 'max' or 'average', got '${String(mode)}'`);
  const { f, stride } = hparameters;
  if (f > n_H_prev || f > n_W_prev) {
    throw new ShapeError(op, `no output: the ${f} × ${f} window is larger than A_prev${formatShape(A_prev.shape)} (${n_H_prev} × ${n_W_prev})`, [A_prev.shape]);
  }
  const n_H = Math.floor(1 + (n_H_prev - f) / stride);
  const n_W = Math.floor(1 + (n_W_prev - f) / stride);
  return { m, n_H_prev, n_W_prev, n_C, f, stride, n_H, n_W };
}

function checkGradientShape(op: string, name: string, grad: Tensor, expected: Shape, from: string): void {
  if (grad.ndim !== 4 || grad.shape.some((d, k) => d !== expected[k])) {
    throw new ShapeError(op, `${name} must be (m, n_H, n_W, n_C) = ${formatShape(expected)} for ${from}: got ${name}${formatShape(grad.shape)}`, [grad.shape, expected]);
  }
}

/**
 * Pads the height and width of every image with `pad` zeros on each side, as
 * `np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))`: (m, n_H, n_W, n_C) becomes
 * (m, n_H + 2 pad, n_W + 2 pad, n_C).
 * @example zeroPad(x, 3).shape // [4, 9, 9, 2] for x of shape (4, 3, 3, 2)
 */
export function zeroPad(X: Tensor, pad: number): Tensor {
  if (X.ndim !== 4) throw new ShapeError('zeroPad', `X must be (m, n_H, n_W, n_C): ${shapes({ X })}`, [X.shape]);
  checkInteger('zeroPad', 'pad', pad, 0, shapes({ X }));
  const x = Array4.of(X);
  const [m, n_H, n_W, n_C] = x.shape;
  const X_pad = new Array4([m, n_H + 2 * pad, n_W + 2 * pad, n_C]);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) X_pad.set(i, h + pad, w + pad, c, x.get(i, h, w, c));
      }
    }
  }
  return X_pad.tensor();
}

/**
 * One window of the input times one filter, element by element, summed, plus the filter's
 * bias: Z = Σ a_slice_prev · W + b.
 * @example convSingleStep(aSlicePrev, W, b) // -6.999089450680221 for the course's seed-1 (4, 4, 3) inputs
 */
export function convSingleStep(aSlicePrev: Tensor, W: Tensor, b: Tensor | number): number {
  if (aSlicePrev.ndim !== W.ndim || aSlicePrev.shape.some((d, k) => d !== W.shape[k])) {
    throw new ShapeError('convSingleStep', `aSlicePrev and W must have the same shape (f, f, n_C_prev): ${shapes({ aSlicePrev, W })}`, [aSlicePrev.shape, W.shape]);
  }
  if (typeof b !== 'number' && b.size !== 1) throw new ShapeError('convSingleStep', `b must hold one number: ${shapes({ b })}`, [b.shape]);
  const a = aSlicePrev.values();
  const w = W.values();
  let Z = 0;
  for (let k = 0; k < a.length; k++) Z += (a[k] as number) * (w[k] as number);
  return Z + (typeof b === 'number' ? b : b.item());
}

/**
 * The convolution's forward pass: for every sample i and output position (h, w), the window
 * a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] with vert_start = h · stride,
 * convolved by `convSingleStep` with each filter c. Output (m, n_H, n_W, n_C) with
 * n_H = ⌊(n_H_prev - f + 2 pad) / stride⌋ + 1.
 * @example const { Z, cache } = convForward(A_prev, W, b, { pad: 1, stride: 2 }); // Z (2, 3, 4, 8) for A_prev (2, 5, 7, 4), W (3, 3, 4, 8)
 */
export function convForward(A_prev: Tensor, W: Tensor, b: Tensor, hparameters: ConvHparameters): { Z: Tensor; cache: ConvCache } {
  const { m, n_C_prev, f, n_C, pad, stride, n_H, n_W } = convGeometry('convForward', A_prev, W, b, hparameters);
  const A_prev_pad = Array4.of(zeroPad(A_prev, pad));
  const weights = Array4.of(W);
  const biases = b.values();
  const Z = new Array4([m, n_H, n_W, n_C]);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      const vert_start = h * stride;
      for (let w = 0; w < n_W; w++) {
        const horiz_start = w * stride;
        for (let c = 0; c < n_C; c++) {
          // convSingleStep(a_slice_prev, W[:, :, :, c], b[:, :, :, c]), without copying the slice.
          let s = 0;
          for (let dh = 0; dh < f; dh++) {
            for (let dw = 0; dw < f; dw++) {
              for (let k = 0; k < n_C_prev; k++) s += A_prev_pad.get(i, vert_start + dh, horiz_start + dw, k) * weights.get(dh, dw, k, c);
            }
          }
          Z.set(i, h, w, c, s + (biases[c] as number));
        }
      }
    }
  }
  return { Z: Z.tensor(), cache: { A_prev, W, b, hparameters: { pad, stride } } };
}

/**
 * The pooling layer's forward pass: the max or the mean of each channel's f × f window,
 * vert_start = h · stride. Output (m, n_H, n_W, n_C) with n_H = ⌊1 + (n_H_prev - f) / stride⌋.
 * @example const { A, cache } = poolForward(A_prev, { stride: 1, f: 3 }, 'max'); // A (2, 3, 3, 3) for A_prev (2, 5, 5, 3)
 */
export function poolForward(A_prev: Tensor, hparameters: PoolHparameters, mode: PoolMode = 'max'): { A: Tensor; cache: PoolCache } {
  const { m, n_C, f, stride, n_H, n_W } = poolGeometry('poolForward', A_prev, hparameters, mode);
  const a_prev = Array4.of(A_prev);
  const A = new Array4([m, n_H, n_W, n_C]);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      const vert_start = h * stride;
      for (let w = 0; w < n_W; w++) {
        const horiz_start = w * stride;
        for (let c = 0; c < n_C; c++) {
          // np.max or np.mean of a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c].
          let max = -Infinity;
          let sum = 0;
          for (let dh = 0; dh < f; dh++) {
            for (let dw = 0; dw < f; dw++) {
              const v = a_prev.get(i, vert_start + dh, horiz_start + dw, c);
              max = v > max || Number.isNaN(v) ? v : max;
              sum += v;
            }
          }
          A.set(i, h, w, c, mode === 'max' ? max : sum / (f * f));
        }
      }
    }
  }
  return { A: A.tensor(), cache: { A_prev, hparameters: { f, stride } } };
}

/**
 * The convolution's backward pass from dZ = ∂J/∂Z: every output Z[i, h, w, c] adds
 * W[:, :, :, c] · dZ[i, h, w, c] to its window of da_prev_pad, a_slice · dZ[i, h, w, c] to
 * dW[:, :, :, c] and dZ[i, h, w, c] to db[c]; dA_prev is da_prev_pad without its padding.
 * @example const { dA_prev, dW, db } = convBackward(Z, cache); // dA_prev like A_prev, dW like W, db like b
 */
export function convBackward(dZ: Tensor, cache: ConvCache): { dA_prev: Tensor; dW: Tensor; db: Tensor } {
  const { A_prev, W, b, hparameters } = cache;
  const { m, n_H_prev, n_W_prev, n_C_prev, f, n_C, pad, stride, n_H, n_W } = convGeometry('convBackward', A_prev, W, b, hparameters);
  checkGradientShape('convBackward', 'dZ', dZ, [m, n_H, n_W, n_C], shapes({ A_prev, W }));
  const dz = Array4.of(dZ);
  const A_prev_pad = Array4.of(zeroPad(A_prev, pad));
  const weights = Array4.of(W);
  const dA_prev_pad = new Array4(A_prev_pad.shape);
  const dW = new Array4([f, f, n_C_prev, n_C]);
  const db = new Array4([1, 1, 1, n_C]);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          const vert_start = h * stride;
          const horiz_start = w * stride;
          const g = dz.get(i, h, w, c);
          for (let dh = 0; dh < f; dh++) {
            for (let dw = 0; dw < f; dw++) {
              for (let k = 0; k < n_C_prev; k++) {
                // da_prev_pad[window] += W[:, :, :, c] · dZ[i, h, w, c]; dW[:, :, :, c] += a_slice · dZ[i, h, w, c]
                dA_prev_pad.add(i, vert_start + dh, horiz_start + dw, k, weights.get(dh, dw, k, c) * g);
                dW.add(dh, dw, k, c, A_prev_pad.get(i, vert_start + dh, horiz_start + dw, k) * g);
              }
            }
          }
          db.add(0, 0, 0, c, g);
        }
      }
    }
  }
  // dA_prev[i] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :] (the course's [pad:-pad] is empty for pad = 0).
  const dA_prev = new Array4([m, n_H_prev, n_W_prev, n_C_prev]);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H_prev; h++) {
      for (let w = 0; w < n_W_prev; w++) {
        for (let k = 0; k < n_C_prev; k++) dA_prev.set(i, h, w, k, dA_prev_pad.get(i, h + pad, w + pad, k));
      }
    }
  }
  return { dA_prev: dA_prev.tensor(), dW: dW.tensor(), db: db.tensor() };
}

/**
 * The mask of a max-pooling window: true where x equals its maximum, so that every tied
 * maximum takes the gradient (the course's `x == np.max(x)`); bool, the shape of x.
 * @example createMaskFromWindow(fromArray([[1, 3], [3, -1]])).toArray() // [[0, 1], [1, 0]]
 */
export function createMaskFromWindow(x: Tensor): Tensor {
  if (x.size === 0) throw new ShapeError('createMaskFromWindow', `x must hold at least one number: ${shapes({ x })}`, [x.shape]);
  const v = x.values();
  let max = -Infinity;
  for (let k = 0; k < v.length; k++) max = (v[k] as number) > max || Number.isNaN(v[k]) ? (v[k] as number) : max;
  const mask = new Uint8Array(v.length);
  for (let k = 0; k < v.length; k++) mask[k] = v[k] === max ? 1 : 0;
  return fromArray(mask, x.shape, 'bool');
}

/**
 * An average-pooling window's share of its gradient: dz spread evenly over a (n_H, n_W)
 * window, each entry dz / (n_H · n_W).
 * @example distributeValue(2, [2, 2]).toArray() // [[0.5, 0.5], [0.5, 0.5]]
 */
export function distributeValue(dz: number, shape: readonly [number, number]): Tensor {
  const [n_H, n_W] = shape;
  checkInteger('distributeValue', 'shape[0]', n_H, 1, `shape (${n_H}, ${n_W})`);
  checkInteger('distributeValue', 'shape[1]', n_W, 1, `shape (${n_H}, ${n_W})`);
  const average = dz / (n_H * n_W);
  return fromArray(new Float64Array(n_H * n_W).fill(average), [n_H, n_W]);
}

/**
 * The pooling layer's backward pass from dA = ∂J/∂A: for max, each dA[i, h, w, c] goes to
 * where its window held the maximum (`createMaskFromWindow`, every tie included); for
 * average, it is spread evenly over the window (`distributeValue`). Windows that overlap add.
 * @example const dA_prev = poolBackward(dA, cache, 'average'); // the shape of cache.A_prev
 */
export function poolBackward(dA: Tensor, cache: PoolCache, mode: PoolMode = 'max'): Tensor {
  const { A_prev, hparameters } = cache;
  const { m, n_C, f, stride, n_H, n_W } = poolGeometry('poolBackward', A_prev, hparameters, mode);
  checkGradientShape('poolBackward', 'dA', dA, [m, n_H, n_W, n_C], shapes({ A_prev }) + ` and f = ${f}, stride = ${stride}`);
  const a_prev = Array4.of(A_prev);
  const da = Array4.of(dA);
  const dA_prev = new Array4(a_prev.shape);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < n_H; h++) {
      for (let w = 0; w < n_W; w++) {
        for (let c = 0; c < n_C; c++) {
          const vert_start = h * stride;
          const horiz_start = w * stride;
          const g = da.get(i, h, w, c);
          if (mode === 'max') {
            // mask = createMaskFromWindow(a_prev_slice); dA_prev[window] += mask · dA[i, h, w, c]
            let max = -Infinity;
            for (let dh = 0; dh < f; dh++) {
              for (let dw = 0; dw < f; dw++) {
                const v = a_prev.get(i, vert_start + dh, horiz_start + dw, c);
                max = v > max || Number.isNaN(v) ? v : max;
              }
            }
            for (let dh = 0; dh < f; dh++) {
              for (let dw = 0; dw < f; dw++) {
                const mask = a_prev.get(i, vert_start + dh, horiz_start + dw, c) === max ? 1 : 0;
                dA_prev.add(i, vert_start + dh, horiz_start + dw, c, mask * g);
              }
            }
          } else {
            // dA_prev[window] += distributeValue(dA[i, h, w, c], (f, f))
            const average = g / (f * f);
            for (let dh = 0; dh < f; dh++) {
              for (let dw = 0; dw < f; dw++) dA_prev.add(i, vert_start + dh, horiz_start + dw, c, average);
            }
          }
        }
      }
    }
  }
  return dA_prev.tensor();
}
