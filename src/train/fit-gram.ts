/**
 * The deep network's fast engine: `fit` with the first layer in the span of the samples
 * (src/nn/mlp-gram.ts says why that is exact). The same epochs, batches, shuffles, dropout
 * masks, costs and callbacks as `fit`; only where the first layer's numbers come from
 * differs, so the costs agree with `fit`'s to rounding (about 1e-13 relative on catvnoncat)
 * while each iteration skips the two n1 x 12288 x 209 products. The rest of the network
 * (b1, the activations, dropout, layers 2..L, the cost and its L2 term) runs through the
 * usual autodiff layers, from the first layer's scores as a leaf: its gradient is dZ1.
 *
 * Linear optimisers only (gd and momentum, any learning-rate decay, L2, mini-batches);
 * `gramEngineRefusal` says why anything else must train with `fit`.
 *
 * @example
 * const r = fitGram(net, { X: trainX, Y: trainY }, { learningRate: 0.0075, epochs: 2500 });
 */
import { backward, requiresGrad } from '../autograd/index.js';
import { ArgumentError } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { RandomState } from '../core/rng.js';
import type { ForwardContext, Parameter } from '../nn/layers.js';
import { GramFirstLayer, type SpanWeights } from '../nn/mlp-gram.js';
import type { Mlp } from '../nn/mlp.js';
import type { FastOptions } from '../nn/span-samples.js';
import { decayedLearningRate, GradientDescent, Momentum, type Optimizer } from '../optim/index.js';
import { add, fromArray, mul, scalar, sum, zeros, type Tensor } from '../tensor/index.js';
import { takeColumns } from './batches.js';
import { checkFitOptions, type FitData, type FitDivergence, type FitOptions, type FitResult, type FitState } from './fit.js';

/**
 * Why the fast engine cannot train with these settings, or null when it can: it needs a
 * linear update (gd or momentum) and float64 inputs and first-layer weights.
 * @example gramEngineRefusal(net, { learningRate: 0.001, epochs: 10, optimizer: 'adam' }) // 'adam is not linear in the gradient...'
 */
export function gramEngineRefusal(net: Mlp, opts: Pick<FitOptions, 'optimizer'>): string | null {
  const opt = opts.optimizer ?? 'gd';
  const name = typeof opt === 'string' ? opt : opt.name;
  const linear = typeof opt === 'string' ? name === 'gd' || name === 'momentum' : opt instanceof GradientDescent || opt instanceof Momentum;
  if (!linear) {
    const what = typeof opt === 'string' || name === 'adam' || name === 'rmsprop' ? name : `a custom optimiser ('${name}')`;
    return `${what} is not linear in the gradient, so the first layer does not stay in the span of the samples: the fast engine covers gd and momentum`;
  }
  const W1 = net.dense[0]?.W.value;
  if (W1 === undefined || W1.dtype !== 'float64') return `the fast engine trains float64 weights, W1 is ${W1?.dtype ?? 'missing'}`;
  return null;
}

/** dC: the batch's dZ1 (n1, b) in columns `cols` of an (n1, m) matrix, plus (λ/b)·C with L2. */
function spanGradient(dZ1: Tensor, C: Tensor, cols: ArrayLike<number> | undefined, decay: number): Tensor {
  const [n1, m] = C.shape as [number, number];
  const d = dZ1.values();
  const c = C.values();
  const out = new Float64Array(n1 * m);
  if (cols === undefined) out.set(d);
  else {
    const b = cols.length;
    for (let i = 0; i < n1; i++) for (let j = 0; j < b; j++) out[i * m + (cols[j] as number)] = d[i * b + j] as number;
  }
  if (decay !== 0) for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) + decay * (c[k] as number);
  return fromArray(out, [n1, m]);
}

/** Settings of `fitGram`: those of `fit`, the kernels' backend, and when to form W1 on the way. */
export interface GramFitOptions extends FitOptions, FastOptions {
  /**
   * Called after each update (iteration and epoch as the callbacks get them, `lastBatch` at
   * an epoch's end): true forms W1 in the network before that update's callbacks run, so they
   * see every parameter (the trajectory's replay keeps a few such checkpoints). Forming W1
   * reads X once; without this W1 is formed only at the end.
   */
  formW1?: (iteration: number, epoch: number, lastBatch: boolean) => boolean;
}

/**
 * Where a `fitGram` run stands, exactly: `FitState` (the optimiser's parameter list here is
 * [s (1 x 1), C, b1, W2, b2, …]) plus the first layer's span form, W1 = s·W1_0 + C Xᵀ.
 */
export interface GramFitState extends FitState {
  scale: number;
  C: Tensor;
  /** s and C before the last update (`previous` holds the other parameters). */
  previousSpan?: { scale: number; C: Tensor };
}

/**
 * `fitGram` as a run that advances in slices, like `FitRun`: `advance(pause)` trains until
 * done, diverged, or `pause()` turns true after an update; `state()` is exact, and a run
 * resumed from it (on a network with the same W1_0, b1, W2, …) continues bit for bit.
 * @example const run = new FitGramRun(net, { X, Y }, opts); while (!run.advance(tooLong)) await tick(); run.result();
 */
export class FitGramRun {
  private readonly optimizer: Optimizer;
  private readonly W1: Parameter;
  private readonly others: Parameter[];
  private readonly first: GramFirstLayer;
  private readonly ctx: ForwardContext;
  private readonly w: SpanWeights;
  private epoch = 0;
  private batch = 0;
  private iteration = 0;
  private epochTotal = 0;
  private readonly costs: number[] = [];
  private readonly epochCosts: number[] = [];
  // The parameters before the last update, for going back one step on a non-finite cost.
  private previous: { scale: number; C: Tensor; values: Tensor[] } | undefined;
  private perm: { epoch: number; perm: Int32Array | undefined } | undefined;
  private divergence: FitDivergence | undefined;
  private seconds = 0;
  private formedAt = -1;

  constructor(
    private readonly net: Mlp,
    private readonly data: FitData,
    private readonly opts: GramFitOptions & { resume?: GramFitState },
  ) {
    const op = 'fit';
    const refusal = gramEngineRefusal(net, opts);
    if (refusal !== null) throw new ArgumentError(op, 'engine', refusal);
    this.optimizer = checkFitOptions(op, data, opts);
    // The setup (G and P0, one pass over X each) counts as training time.
    const t0 = performance.now();
    const [W1, ...others] = net.parameters() as [Parameter, ...Parameter[]];
    this.W1 = W1;
    this.others = others;
    this.first = GramFirstLayer.create(W1.value, data.X, opts.backend !== undefined ? { backend: opts.backend } : {});
    this.ctx = { training: true, rng: new RandomState(opts.dropoutSeed ?? 1) };
    this.w = { scale: 1, C: zeros([this.first.n1, this.first.m]) };
    const r = opts.resume;
    if (r !== undefined) {
      if (!shapesEqual(r.C.shape, this.w.C.shape)) throw new ArgumentError(op, 'resume.C', `expected (${this.first.n1}, ${this.first.m}), got (${r.C.shape.join(', ')})`);
      this.optimizer.setState(r.optimizer);
      this.ctx.rng?.setState(r.dropoutRng);
      this.w.scale = r.scale;
      this.w.C = r.C;
      this.epoch = r.epoch;
      this.batch = r.batch;
      this.iteration = r.iteration;
      this.epochTotal = r.epochTotal;
      this.costs.push(...r.costs);
      this.epochCosts.push(...r.epochCosts);
      if (r.previous !== undefined && r.previousSpan !== undefined) this.previous = { ...r.previousSpan, values: [...r.previous] };
    }
    this.seconds = (performance.now() - t0) / 1000;
  }

  get iterations(): number {
    return this.iteration;
  }

  get diverged(): FitDivergence | undefined {
    return this.divergence;
  }

  get done(): boolean {
    return this.divergence !== undefined || this.epoch >= this.opts.epochs;
  }

  /** This epoch's shuffle as column indices (the batches of `randomMiniBatches`); undefined: full batch. */
  private epochPerm(): Int32Array | undefined {
    if (this.perm?.epoch !== this.epoch) {
      const { opts } = this;
      this.perm = { epoch: this.epoch, perm: opts.batchSize === undefined ? undefined : new RandomState((opts.shuffleSeed ?? 10) + this.epoch + 1).permutation(this.first.m) };
    }
    return this.perm.perm;
  }

  /** Trains until done or diverged, or until `pause()` is true after an update; true when finished. */
  advance(pause?: () => boolean): boolean {
    const t0 = performance.now();
    const { opts, optimizer, first, w, net, data, others } = this;
    const [b1, ...rest] = others as [Parameter, ...Parameter[]];
    const tail = net.net.layers.slice(1);
    const restWeights = net.dense.slice(1).map((d) => d.W);
    const l2 = opts.l2 ?? 0;
    const m = first.m;
    const size = opts.batchSize ?? m;
    try {
      while (!this.done) {
        const { epoch, batch, iteration } = this;
        if (opts.decay !== undefined) optimizer.learningRate = decayedLearningRate(opts.learningRate, epoch, opts.decay);
        const perm = this.epochPerm();
        const start = batch * size;
        const end = Math.min(start + size, m);
        const cols = perm?.subarray(start, end);
        const Y = perm === undefined ? data.Y : takeColumns(data.Y, perm, start, end);
        const mb = end - start;
        // Z1 - b1 as a leaf: backward leaves dZ1 in its grad.
        const Q = requiresGrad(first.scores(w, cols));
        let A = add(Q, b1.value);
        for (const layer of tail) A = layer.forward(A, this.ctx);
        let J = net.lossOfScores(A, Y, opts.loss);
        if (l2 !== 0) {
          // The course's (1/m)(λ/2)Σ‖W‖², ‖W1‖² from its span form.
          let squares: Tensor = scalar(first.squaredNorm(w));
          for (const p of restWeights) squares = add(squares, sum(mul(p.value, p.value)));
          J = add(J, mul((1 / mb) * (l2 / 2), squares));
        }
        const cost = J.item();
        if (!Number.isFinite(cost)) {
          // The steps overshot: go back to the parameters of the last finite cost, as `fit` does.
          const back = iteration > 0 ? this.previous : undefined;
          if (back !== undefined) {
            w.scale = back.scale;
            w.C = back.C;
            others.forEach((p, i) => (p.value = back.values[i] as Tensor));
          }
          this.divergence = { iteration, epoch, batch, cost, kept: back !== undefined ? iteration - 1 : iteration };
          return true;
        }
        this.previous = { scale: w.scale, C: w.C, values: others.map((p) => p.value) };
        backward(J);
        const decay = l2 / mb;
        const values = [scalar(w.scale).reshape([1, 1]), w.C, ...[b1, ...rest].map((p) => p.value)];
        const grads = [
          scalar(decay * w.scale).reshape([1, 1]),
          spanGradient(Q.grad ?? zeros(Q.shape), w.C, cols, decay),
          ...[b1, ...rest].map((p) => p.value.grad ?? zeros(p.value.shape, p.value.dtype)),
        ];
        const [scale, C, ...updated] = optimizer.step(values, grads);
        w.scale = (scale as Tensor).item();
        w.C = C as Tensor;
        [b1, ...rest].forEach((p, i) => (p.value = updated[i] as Tensor));
        this.costs.push(cost);
        this.epochTotal += cost * mb;
        if (opts.formW1?.(iteration, epoch, end === m) === true) this.W1.value = first.weights(w);
        opts.onIteration?.({ iteration, epoch, batch, cost, learningRate: optimizer.learningRate });
        this.iteration++;
        this.batch++;
        if (end === m) {
          const epochCost = this.epochTotal / m;
          this.epochCosts.push(epochCost);
          opts.onEpoch?.({ epoch, cost: epochCost, learningRate: optimizer.learningRate, iterations: this.iteration });
          this.epoch++;
          this.batch = 0;
          this.epochTotal = 0;
        }
        if (pause?.() === true) break;
      }
      return this.done;
    } finally {
      // Forming W1 reads X once: at the end, not after every slice (`result` forms it too).
      if (this.done) this.formW1();
      this.seconds += (performance.now() - t0) / 1000;
    }
  }

  /** Sets the network's W1 to the weights the span form stands for, W1 = s·W1_0 + C Xᵀ. */
  private formW1(): void {
    if (this.formedAt === this.iteration && this.divergence === undefined) return;
    this.W1.value = this.first.weights(this.w);
    this.formedAt = this.divergence === undefined ? this.iteration : -1;
  }

  /** The exact state now, to resume from (with b1, W2, … the network's values). */
  state(): GramFitState {
    const p = this.previous;
    return {
      epoch: this.epoch,
      batch: this.batch,
      iteration: this.iteration,
      epochTotal: this.epochTotal,
      costs: [...this.costs],
      epochCosts: [...this.epochCosts],
      optimizer: this.optimizer.getState(),
      dropoutRng: (this.ctx.rng as RandomState).getState(),
      scale: this.w.scale,
      C: this.w.C,
      ...(p !== undefined ? { previous: [...p.values], previousSpan: { scale: p.scale, C: p.C } } : {}),
    };
  }

  /** What the run did; the network's W1 is formed first, so every parameter is current. */
  result(): FitResult {
    this.formW1();
    return {
      costs: [...this.costs],
      epochCosts: [...this.epochCosts],
      iterations: this.iteration,
      epochs: this.opts.epochs,
      seconds: this.seconds,
      optimizer: this.optimizer,
      ...(this.divergence !== undefined ? { diverged: this.divergence } : {}),
    };
  }
}

/**
 * `fit` for an `Mlp` with the first layer in span form: trains `net` in place (W1 is formed
 * at the end, so the trained network is an ordinary Mlp) and returns what `fit` returns.
 * An ArgumentError when `gramEngineRefusal` refuses.
 * @example fitGram(net, { X, Y }, { learningRate: 0.0007, epochs: 100, optimizer: 'momentum', batchSize: 64 })
 */
export function fitGram(net: Mlp, data: FitData, opts: GramFitOptions): FitResult {
  const run = new FitGramRun(net, data, opts);
  run.advance();
  return run.result();
}

/** How a deep network trains: `fast` (first layer in span form, `fitGram`) or `plain` (`fit`, autodiff through every layer). */
export type MlpEngine = 'fast' | 'plain';
/** The engines by name, for option parsing. @example MLP_ENGINES.includes('fast') // true */
export const MLP_ENGINES: readonly MlpEngine[] = ['fast', 'plain'];

/** The engine a run uses, and why it is not the one asked for. */
export interface EngineChoice {
  engine: MlpEngine;
  /** Set when `fast` was asked for but the settings need `plain`. */
  note?: string;
}

// Past this many samples the m x m Gram matrix takes over 512 MiB.
const MAX_GRAM_SAMPLES = 8192;

/** Why the span form would not pay off for `m` samples, or null when it does. */
function sizeRefusal(net: Mlp, m: number): string | null {
  const nx = net.spec.layers[0] as number;
  if (m >= nx) return `with ${m} samples of ${nx} features the span of the samples is no smaller than the weights: the fast engine pays when samples are fewer than features`;
  if (m > MAX_GRAM_SAMPLES) return `the ${m} x ${m} Gram matrix of the fast engine would take ${Math.round((m * m * 8) / 2 ** 20)} MiB`;
  return null;
}

/**
 * `fast` where the settings allow it, else `plain` with a note saying why (not an error:
 * the plain engine trains the same network, only slower). With the number of training
 * samples `m`, `fast` also needs fewer samples than input features (each iteration's first
 * layer then costs n1·m instead of n1·n_x per sample) and at most 8192 of them.
 * @example chooseMlpEngine(net, { optimizer: 'adam' }, 'fast') // { engine: 'plain', note: 'adam is not linear ...' }
 */
export function chooseMlpEngine(net: Mlp, opts: Pick<FitOptions, 'optimizer'>, requested: MlpEngine = 'fast', m?: number): EngineChoice {
  if (requested === 'plain') return { engine: 'plain' };
  const refusal = gramEngineRefusal(net, opts) ?? (m === undefined ? null : sizeRefusal(net, m));
  return refusal === null ? { engine: 'fast' } : { engine: 'plain', note: refusal };
}
