/**
 * A deep network's first dense layer in the span of the samples: the exact reformulation
 * behind the deep network's fast engine (src/train/fit-gram.ts).
 *
 * Why it is exact: the gradient of the first layer's weights is dW1 = dZ1 Xᵀ (+ (λ/m)·W1 with
 * L2), a combination of the samples, so gradient descent (with momentum, a decaying learning
 * rate, any batches) from W1_0 keeps W1 = s·W1_0 + C Xᵀ, with a scalar s (1 without L2, shrunk
 * by weight decay with it) and C of shape (n1, m), one coefficient per unit and sample. Then
 * Z1 = W1 X + b1 = s·P0 + C G + b1 with P0 = W1_0 X (n1 x m) and the Gram matrix G = XᵀX
 * (m x m) computed once; a batch B needs only their columns B. Per iteration the first
 * layer costs n1·m·|B| multiply-adds instead of n1·n_x·|B| (12288 → 209 for catvnoncat), and
 * the update of W1 becomes the same optimiser update of (s, C) with the gradient
 * ((λ/m)·s, dZ1 scattered to the batch's columns + (λ/m)·C). W1 itself is formed once at the
 * end. Only optimisers whose update is linear in the gradient keep this form (gd, momentum);
 * Adam and RMSProp divide by the gradient's own size, so they train the ordinary way.
 *
 * Pixels: X that is exactly uint8 pixels / 255 builds G in exact integer sums (see
 * ./span-samples.ts); X is read three times in all (G, P0, the final W1).
 */
import { noGrad } from '../autograd/index.js';
import type { FloatArray } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { add, matmul, mul, sum, Tensor } from '../tensor/index.js';
import { addSpan, gramOf, samplesOf, scoresOf, type FastBackend, type FastOptions, type Samples } from './span-samples.js';

/** The first layer's weights as W1 = scale·W1_0 + C Xᵀ. */
export interface SpanWeights {
  /** The factor on W1_0 (1 unless L2 shrinks it). */
  scale: number;
  /** (n1, m): each unit's combination of the samples. */
  C: Tensor;
}

function gatherColumns(src: FloatArray, rows: number, m: number, cols: ArrayLike<number>): Tensor {
  const b = cols.length;
  const out = new Float64Array(rows * b);
  for (let i = 0; i < rows; i++) {
    const from = i * m;
    const to = i * b;
    for (let j = 0; j < b; j++) out[to + j] = src[from + (cols[j] as number)] as number;
  }
  return new Tensor(out, [rows, b], 'float64');
}

/**
 * The fixed parts of the first layer in span form: G = XᵀX, P0 = W1_0 X and W1_0, for one
 * training set and one initial W1 (float64).
 * @example
 * const first = GramFirstLayer.create(net.dense[0].W.value, trainX);
 * const Z1 = add(first.scores({ scale: 1, C: zeros([20, 209]) }), b1); // = W1_0 X + b1
 */
export class GramFirstLayer {
  /** Units n1, features n_x, samples m. */
  readonly n1: number;
  readonly nx: number;
  readonly m: number;
  /** XᵀX, (m, m). */
  readonly G: Tensor;
  /** W1_0 X, (n1, m). */
  readonly P0: Tensor;
  /** Σ W1_0², for the L2 penalty. */
  private readonly w0Squares: number;

  private constructor(
    private readonly samples: Samples,
    private readonly W0: Float64Array,
    n1: number,
    private readonly backend: FastBackend,
  ) {
    this.n1 = n1;
    this.nx = samples.n;
    this.m = samples.m;
    const { m, nx } = this;
    this.G = new Tensor(gramOf('GramFirstLayer', samples, backend), [m, m], 'float64');
    const P0 = new Float64Array(n1 * m);
    let squares = 0;
    for (let i = 0; i < n1; i++) {
      const row = W0.subarray(i * nx, (i + 1) * nx);
      P0.set(scoresOf(samples, row, backend), i * m);
      for (let k = 0; k < nx; k++) squares += (row[k] as number) * (row[k] as number);
    }
    this.P0 = new Tensor(P0, [n1, m], 'float64');
    this.w0Squares = squares;
  }

  /**
   * Checks W1 (n1, n_x) float64 against X (n_x, m) float, or uint8 images (m, ...), and
   * computes G and P0.
   */
  static create(W1: Tensor, X: Tensor, opts: FastOptions = {}): GramFirstLayer {
    const op = 'GramFirstLayer';
    if (W1.dtype !== 'float64') throw new DTypeError(op, `W1 must be float64, got ${W1.dtype}`, [W1.dtype]);
    const samples = samplesOf(op, 'X', X);
    if (W1.ndim !== 2 || W1.shape[1] !== samples.n) {
      throw new ShapeError(op, `W1 must be (n1, ${samples.n}) for X${formatShape(X.shape)}, got W1${formatShape(W1.shape)}`, [W1.shape, X.shape]);
    }
    return new GramFirstLayer(samples, Float64Array.from(W1.values()), W1.shape[0] as number, opts.backend ?? 'auto');
  }

  /**
   * W1·X_B for the current weights, without b1: scale·P0[:, B] + C·G[:, B], shape (n1, |B|);
   * all columns when `cols` is omitted. Computed without recording a graph.
   */
  scores(w: SpanWeights, cols?: ArrayLike<number>): Tensor {
    return noGrad(() => {
      const P = cols === undefined ? this.P0 : gatherColumns(this.P0.data as Float64Array, this.n1, this.m, cols);
      // G is symmetric: its columns B are its rows B, gathered as columns of the row-major G.
      const G = cols === undefined ? this.G : gatherColumns(this.G.data as Float64Array, this.m, this.m, cols);
      const CG = matmul(w.C, G);
      return w.scale === 1 ? add(P, CG) : add(mul(w.scale, P), CG);
    });
  }

  /**
   * ‖W1‖² = scale²‖W1_0‖² + 2·scale·⟨C, P0⟩ + ⟨C, C G⟩, for the L2 penalty.
   * @example first.squaredNorm({ scale: 1, C }) // Σ W1² without forming W1
   */
  squaredNorm(w: SpanWeights): number {
    return noGrad(() => {
      const cross = sum(mul(w.C, this.P0)).item();
      const quad = sum(mul(w.C, matmul(w.C, this.G))).item();
      return w.scale * w.scale * this.w0Squares + 2 * w.scale * cross + quad;
    });
  }

  /**
   * W1 = scale·W1_0 + C Xᵀ as an ordinary (n1, n_x) float64 tensor.
   * @example net.dense[0].W.value = first.weights({ scale, C });
   */
  weights(w: SpanWeights): Tensor {
    const { n1, nx, m } = this;
    const out = new Float64Array(n1 * nx);
    const c = w.C.values();
    for (let i = 0; i < n1; i++) {
      const row = out.subarray(i * nx, (i + 1) * nx);
      const w0 = this.W0.subarray(i * nx, (i + 1) * nx);
      if (w.scale === 1) row.set(w0);
      else for (let k = 0; k < nx; k++) row[k] = w.scale * (w0[k] as number);
      addSpan(this.samples, Float64Array.from(c.subarray(i * m, (i + 1) * m)), row, this.backend);
    }
    return new Tensor(out, [n1, nx], 'float64');
  }
}
