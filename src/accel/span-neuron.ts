/**
 * The single neuron's exact Gram-space step (the default for `flatten, dense:1, sigmoid`
 * trained by full-batch gradient descent, the notes' setting).
 *
 * Why it is exact: from w = w0, every step w -= (α/m) Xᵀ(A - Y) adds a combination of the
 * samples, so w = w0 + Σ_j c_j x_j at every iteration, with c (one number per sample)
 * starting at 0 and following c -= (α/m)(A - Y). The scores need only z = X w + b = X w0 +
 * G c + b with the Gram matrix G = X Xᵀ (m x m): with 209 samples of 12288 features an
 * iteration costs 209² instead of 2·12288·209 multiply-adds. The samples are read once to
 * build G (exact integer sums from the uint8 pixels) and once at the end to form w.
 *
 * One call of the stepper (WebAssembly SIMD, or plain TypeScript with the same bits) runs
 * the whole iteration, forward and update: this step is fused, and checks the cost's
 * finiteness from A (the cost is finite exactly when every A is strictly inside (0, 1)),
 * computing the cost itself only when the trainer records it.
 */
import type { FloatArray, FloatDType } from '../core/dtype.js';
import { jsGramStepper, saturated, type GramStepper } from '../kernels/logistic-gram.js';
import { wasmGramStepper } from '../kernels/logistic-wasm.js';
import type { Dense } from '../nn/layers/dense.js';
import { binaryCrossEntropy } from '../nn/loss.js';
import { astype, fromArray, Tensor } from '../tensor/index.js';
import type { Snapshot, StepOutcome, StepStrategy } from '../train/trainer.js';
import { addSpan, gramOf, scoresOf, type FastBackend, type Samples } from './samples.js';

/**
 * Full-batch gradient descent of a one-unit sigmoid layer in Gram space.
 * @example new NeuronSpanStep(dense, samplesOf('train', data.x, 255), labels, 0.005)
 */
export class NeuronSpanStep implements StepStrategy {
  readonly engine = 'span';
  private readonly stepper: GramStepper;
  private readonly y: FloatArray;
  /** The labels (m, 1) in the model's dtype, for the cost. */
  private readonly Y: Tensor;
  private readonly w0: Float64Array;
  private readonly dtype: FloatDType;
  private b: number;

  constructor(
    private readonly dense: Dense,
    private readonly s: Samples,
    labels: Tensor,
    learningRate: number,
    private readonly backend: FastBackend = 'auto',
  ) {
    const v = labels.values();
    this.y = v instanceof Float64Array || v instanceof Float32Array ? v : Float64Array.from(v);
    this.dtype = dense.W.value.dtype === 'float32' ? 'float32' : 'float64';
    this.Y = astype(labels, this.dtype).reshape([labels.size, 1]);
    this.w0 = Float64Array.from(dense.W.value.values());
    this.b = dense.b.value.values()[0] as number;
    const G = gramOf('train', s, backend);
    const z0 = this.w0.some((x) => x !== 0) ? { z0: scoresOf(s, this.w0, backend) } : {};
    const settings = { learningRate, float32: this.dtype === 'float32', ...z0 };
    this.stepper = (backend !== 'js' ? wasmGramStepper(G, this.y, settings) : null) ?? jsGramStepper(G, this.y, settings);
  }

  forward(): StepOutcome {
    this.b = this.stepper.step(this.b);
    const { a0 } = this.stepper;
    // The cost is the model's own loss on this iteration's A (computed only when recorded).
    const cost = (): number => binaryCrossEntropy(astype(fromArray(a0, [this.s.m, 1]), this.dtype), this.Y).item();
    return { finite: !saturated(a0), cost };
  }

  /** The update ran with the forward pass. */
  update(): void {}

  /** c (w = w0 + Xᵀc) and the bias. */
  snapshot(): Snapshot {
    // Taken before every iteration (the trainer's roll-back): plain tensors, no checks.
    return { c: new Tensor(this.stepper.c.slice(), [this.s.m], 'float64'), b: new Tensor(Float64Array.of(this.b), [], 'float64') };
  }

  restore(s: Snapshot): void {
    const { c, b } = s;
    if (c !== undefined) this.stepper.c.set(c.values());
    if (b !== undefined) this.b = b.item();
  }

  /** w = w0 + Xᵀ c (rounded to float32 for a float32 model) into the dense layer. */
  sync(): void {
    const w = Float64Array.from(this.w0);
    addSpan(this.s, this.stepper.c, w, this.backend);
    const n = this.s.n;
    const data = this.dtype === 'float32' ? Float32Array.from(w) : w;
    this.dense.W.value = new Tensor(data, [1, n], this.dtype);
    this.dense.b.value = new Tensor(this.dtype === 'float32' ? Float32Array.of(this.b) : Float64Array.of(this.b), [1], this.dtype);
  }
}
