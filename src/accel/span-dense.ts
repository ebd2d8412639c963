/**
 * A network's first dense layer in the span of the samples: the exact step behind the deep
 * networks' fast training (any network whose first layer with parameters is dense, trained
 * by gradient descent or momentum on fewer samples than inputs).
 *
 * Why it is exact: the gradient of the first layer's weights is dW1 = dZ1ᵀ X_B (+ (λ/b)·W1
 * with L2), a combination of the samples, so gradient descent (with momentum, a decaying
 * learning rate, any batches) from W1_0 keeps W1 = s·W1_0 + Dᵀ X, with a scalar s (1 without
 * L2, shrunk by weight decay with it) and D of shape (m, n1), one coefficient per sample and
 * unit. Then Z1 = X_B W1ᵀ + b1 = s·P[B] + G[B] D + b1 with P = X W1_0ᵀ (m x n1) and the Gram
 * matrix G = X Xᵀ (m x m) computed once: a batch's first layer costs |B|·m·n1 multiply-adds
 * instead of |B|·n_x·n1 (12288 → 209 for catvnoncat), and the optimiser updates (s, D) with
 * the gradient ((λ/b)·s, dZ1 scattered to the batch's rows + (λ/b)·D). W1 itself is formed
 * when the model is read. Adam and RMSProp divide by the gradient's own size, so they leave
 * the span: they take the autodiff step.
 */
import { backward, noGrad, requiresGrad } from '../autograd/index.js';
import { takeRows } from '../data/batch.js';
import type { Dense } from '../nn/layers/dense.js';
import { l2Term, lossOfScores } from '../nn/loss.js';
import type { ForwardContext, Module, Parameter } from '../nn/module.js';
import type { Sequential } from '../nn/sequential.js';
import type { Optimizer } from '../optim/index.js';
import { add, fromArray, matmul, mul, scalar, sum, Tensor, zeros } from '../tensor/index.js';
import { parameterSnapshot, restoreParameters, type LossSettings } from '../train/step-autodiff.js';
import type { Snapshot, StepOutcome, StepStrategy } from '../train/trainer.js';
import { addSpan, gramOf, scoresOf, type FastBackend, type Samples } from './samples.js';

/** dD: the batch's dZ1 (b, n1) in rows `rows` of an (m, n1) matrix, plus decay·D. */
function spanGradient(dZ1: Tensor, D: Tensor, rows: ArrayLike<number> | undefined, decay: number): Tensor {
  const [m, n1] = D.shape as [number, number];
  const d = dZ1.contiguous().values();
  const out = new Float64Array(m * n1);
  if (rows === undefined) out.set(d);
  else for (let j = 0; j < rows.length; j++) out.set(d.subarray(j * n1, (j + 1) * n1), (rows[j] as number) * n1);
  if (decay !== 0) {
    const v = D.values();
    for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) + decay * (v[k] as number);
  }
  return fromArray(out, [m, n1]);
}

/**
 * The span step: the first dense layer as (s, D), the layers after it through autodiff.
 * @example new DenseSpanStep(net, samplesOf('train', data.x, 255), labels, { loss: 'course', l2: 0 })
 */
export class DenseSpanStep implements StepStrategy {
  readonly engine = 'span';
  private readonly first: Dense;
  private readonly tail: readonly Module[];
  private readonly rest: Parameter[];
  private readonly restWeights: Parameter[];
  private readonly G: Tensor;
  private readonly P: Tensor;
  private readonly W0: Float64Array;
  private readonly w0Squares: number;
  private scale = 1;
  private D: Tensor;
  private pending: { J: Tensor; Q: Tensor; rows: Int32Array | undefined; size: number } | null = null;
  private formed = true;

  constructor(
    private readonly model: Sequential,
    firstIndex: number,
    private readonly s: Samples,
    private readonly labels: Tensor,
    private readonly settings: LossSettings,
    private readonly backend: FastBackend = 'auto',
  ) {
    this.first = model.layers[firstIndex] as Dense;
    this.tail = model.head === 'none' ? model.layers.slice(firstIndex + 1) : model.layers.slice(firstIndex + 1, -1);
    this.rest = model.parameters().slice(2);
    this.restWeights = this.rest.filter((p) => p.role === 'weight');
    const W = this.first.W.value;
    const [n1, nx] = W.shape as [number, number];
    this.W0 = Float64Array.from(W.values());
    const m = s.m;
    this.G = new Tensor(gramOf('train', s, backend), [m, m], 'float64');
    // P = X W1_0ᵀ, (m, n1): unit i's column is X w_i.
    const P = new Float64Array(m * n1);
    let squares = 0;
    for (let i = 0; i < n1; i++) {
      const row = this.W0.subarray(i * nx, (i + 1) * nx);
      const z = scoresOf(s, row, backend);
      for (let j = 0; j < m; j++) P[j * n1 + i] = z[j] as number;
      for (let k = 0; k < nx; k++) squares += (row[k] as number) * (row[k] as number);
    }
    this.P = new Tensor(P, [m, n1], 'float64');
    this.w0Squares = squares;
    this.D = zeros([m, n1]);
  }

  forward(batch: Int32Array | undefined, ctx: ForwardContext): StepOutcome {
    const size = batch?.length ?? this.s.m;
    // Z1 - b1 as a leaf: backward leaves dZ1 in its grad.
    const Q = requiresGrad(noGrad(() => {
      const P = batch === undefined ? this.P : takeRows(this.P, batch);
      // G is symmetric: its rows B are its columns B.
      const GD = matmul(batch === undefined ? this.G : takeRows(this.G, batch), this.D);
      return this.scale === 1 ? add(P, GD) : add(mul(this.scale, P), GD);
    }));
    let A = add(Q, this.first.b.value);
    for (const layer of this.tail) A = layer.forward(A, ctx);
    const labels = batch === undefined ? this.labels : takeRows(this.labels, batch);
    let J = lossOfScores(this.model, A, labels, this.settings.loss);
    if (this.settings.l2 !== 0) {
      // The course's (1/m)(λ/2)Σ‖W‖², with ‖W1‖² from the span form.
      const others = l2Term(this.restWeights, this.settings.l2, size);
      const own = mul((1 / size) * (this.settings.l2 / 2), scalar(this.squaredNorm()));
      J = add(J, others === null ? own : add(own, others));
    }
    this.pending = { J, Q, rows: batch, size };
    const cost = J.item();
    return { finite: Number.isFinite(cost), cost: () => cost };
  }

  /** ‖W1‖² = s²‖W1_0‖² + 2s⟨D, P⟩ + ⟨D, G D⟩, without forming W1. */
  private squaredNorm(): number {
    return noGrad(() => {
      const cross = sum(mul(this.D, this.P)).item();
      const quad = sum(mul(this.D, matmul(this.G, this.D))).item();
      return this.scale * this.scale * this.w0Squares + 2 * this.scale * cross + quad;
    });
  }

  update(optimizer: Optimizer): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    backward(p.J);
    const decay = this.settings.l2 / p.size;
    const others = [this.first.b, ...this.rest];
    const values = [scalar(this.scale).reshape([1, 1]), this.D, ...others.map((q) => q.value)];
    const grads = [
      scalar(decay * this.scale).reshape([1, 1]),
      spanGradient(p.Q.grad ?? zeros(p.Q.shape), this.D, p.rows, decay),
      ...others.map((q) => q.value.grad ?? zeros(q.value.shape, q.value.dtype)),
    ];
    const [scale, D, ...updated] = optimizer.step(values, grads);
    this.scale = (scale as Tensor).item();
    this.D = D as Tensor;
    others.forEach((q, i) => (q.value = updated[i] as Tensor));
    this.formed = false;
  }

  /** s, D and the parameters after the first layer's weights. */
  snapshot(): Snapshot {
    return { spanScale: scalar(this.scale), spanD: this.D, ...parameterSnapshot([this.first.b, ...this.rest]) };
  }

  restore(snap: Snapshot): void {
    const { spanScale, spanD } = snap;
    if (spanScale !== undefined) this.scale = spanScale.item();
    if (spanD !== undefined) this.D = spanD;
    restoreParameters([this.first.b, ...this.rest], snap);
    this.formed = false;
  }

  /** W1 = s·W1_0 + Dᵀ X into the model (reads X once; only when something changed). */
  sync(): void {
    if (this.formed) return;
    const [n1, nx] = this.first.W.value.shape as [number, number];
    const m = this.s.m;
    const out = new Float64Array(n1 * nx);
    const d = this.D.values();
    const c = new Float64Array(m);
    for (let i = 0; i < n1; i++) {
      const row = out.subarray(i * nx, (i + 1) * nx);
      const w0 = this.W0.subarray(i * nx, (i + 1) * nx);
      if (this.scale === 1) row.set(w0);
      else for (let k = 0; k < nx; k++) row[k] = this.scale * (w0[k] as number);
      for (let j = 0; j < m; j++) c[j] = d[j * n1 + i] as number;
      addSpan(this.s, c, row, this.backend);
    }
    this.first.W.value = new Tensor(out, [n1, nx], 'float64');
    this.formed = true;
  }
}
