/**
 * The default step, for any model: the batch's loss from the model's layers, `backward`, and
 * the optimiser's update of every parameter (PyTorch's loop).
 */
import { backward } from '../autograd/index.js';
import { takeRows } from '../data/batch.js';
import { l2Term, lossOfScores, type BinaryLoss } from '../nn/loss.js';
import type { ForwardContext, ModuleBuffer, Parameter } from '../nn/module.js';
import type { Sequential } from '../nn/sequential.js';
import type { Optimizer } from '../optim/index.js';
import { add, Tensor, zeros } from '../tensor/index.js';
import type { BatchTransform, Snapshot, StepOutcome, StepStrategy } from './trainer.js';

/** What the loss adds to the data term: the binary loss's form and the L2 strength. */
export interface LossSettings {
  loss: BinaryLoss;
  l2: number;
}

/**
 * Snapshot and restore of a model's parameters by name (tensors are immutable: no copies).
 * @example const s = parameterSnapshot(net.parameters()); restoreParameters(net.parameters(), s);
 */
export function parameterSnapshot(params: readonly (Parameter | ModuleBuffer)[]): Snapshot {
  return Object.fromEntries(params.map((p) => [p.name, p.value]));
}

/** Puts a snapshot's values back into the parameters (and buffers) it names. @example restoreParameters(net.parameters(), snap) */
export function restoreParameters(params: readonly (Parameter | ModuleBuffer)[], s: Snapshot): void {
  for (const p of params) {
    const v = s[p.name];
    if (v !== undefined) p.value = v;
  }
}

/**
 * Autodiff through every layer on samples x (N, ...) with labels (N,).
 * @example new Trainer(new AutodiffStep(net, X, labels, { loss: 'course', l2: 0 }), optimizer, m, opts)
 */
export class AutodiffStep implements StepStrategy {
  readonly engine = 'autodiff';
  private readonly params: Parameter[];
  private J: Tensor | null = null;
  // A mini-batch's samples are gathered into a tensor this step made and keeps, one per batch
  // size, rewritten by the next batch of that size: only the last forward's graph refers to
  // it, and that graph is gone by then (update drops it, the next forward replaces it). A batch
  // of 64 of the notes' images is 6.3 MB of float64: allocating one a step fed the garbage
  // collector a quarter of that run's time.
  private readonly batches = new Map<number, Tensor>();

  constructor(
    readonly model: Sequential,
    private readonly x: Tensor,
    private readonly labels: Tensor,
    private readonly settings: LossSettings,
  ) {
    this.params = model.parameters();
  }

  forward(batch: Int32Array | undefined, ctx: ForwardContext, transform?: BatchTransform): StepOutcome {
    const gathered = batch === undefined ? this.x : this.gather(batch);
    const xb = transform === undefined ? gathered : transform(gathered);
    const yb = batch === undefined ? this.labels : takeRows(this.labels, batch);
    let J = lossOfScores(this.model, this.model.scores(xb, ctx), yb, this.settings.loss);
    const penalty = l2Term(this.params, this.settings.l2, xb.shape[0] as number);
    if (penalty !== null) J = add(J, penalty);
    this.J = J;
    const cost = J.item();
    return { finite: Number.isFinite(cost), cost: () => cost };
  }

  /** The samples of `batch` (indices from the trainer's shuffle) in this step's buffer of that size. */
  private gather(batch: Int32Array): Tensor {
    const x = this.x;
    const n = x.shape[0] as number;
    if (!x.isContiguous || n === 0) return takeRows(x, batch);
    let out = this.batches.get(batch.length);
    if (out === undefined) {
      out = takeRows(x, batch);
      this.batches.set(batch.length, out);
      return out;
    }
    const row = x.size / n;
    const src = x.data;
    const dst = out.data;
    for (let j = 0; j < batch.length; j++) {
      const from = x.offset + (batch[j] as number) * row;
      dst.set(src.subarray(from, from + row), j * row);
    }
    return out;
  }

  update(optimizer: Optimizer): void {
    if (this.J === null) return;
    backward(this.J);
    this.J = null;
    const values = this.params.map((p) => p.value);
    const grads = values.map((v) => v.grad ?? zeros(v.shape, v.dtype));
    const updated = optimizer.step(values, grads);
    this.params.forEach((p, i) => (p.value = updated[i] as Tensor));
  }

  // Buffers too: a rolled-back step must not keep the moving averages of the batch that diverged.
  snapshot(): Snapshot {
    return parameterSnapshot([...this.params, ...this.model.buffers()]);
  }

  restore(s: Snapshot): void {
    restoreParameters([...this.params, ...this.model.buffers()], s);
  }

  sync(): void {}
}
