/**
 * The course step: an update computed by the notes' and the course's own hand-derived
 * functions, in their (features, m) layout, for the models they cover. The single neuron
 * with `propagate` (dw = 1/m X(A-Y)ᵀ, db = 1/m Σ(A-Y)) and the update of `optimize`; the
 * L-layer network ([dense, relu] × (L-1), dense, sigmoid) with `lModelForward`,
 * `lModelBackward` and `updateParameters`. Full-batch gradient descent only, as the course.
 */
import type { FloatDType } from '../core/dtype.js';
import { Dense } from '../nn/layers/dense.js';
import { Activation } from '../nn/layers/basic.js';
import type { Sequential } from '../nn/sequential.js';
import type { Optimizer } from '../optim/index.js';
import { astype, scalar, sub, mul, type Tensor } from '../tensor/index.js';
import type { Snapshot, StepOutcome, StepStrategy } from '../train/trainer.js';
import { computeCost, lModelBackward, lModelForward, updateParameters, type Gradients, type Parameters } from './deep.js';
import { propagate, type LogisticGrads } from './neuron.js';

/** The model's dense layers when the course's functions cover it, else why not. @example courseLayers(buildModel([12288], parseArch('dense:7,relu,dense:1,sigmoid'), init)).length // 2 */
export function courseLayers(model: Sequential): Dense[] | string {
  const body = model.layers.filter((l) => !(l.config().kind === 'flatten'));
  const dense = body.filter((l): l is Dense => l instanceof Dense);
  const acts = body.filter((l): l is Activation => l instanceof Activation);
  const shape = body.every((l, i) => (i % 2 === 0 ? l instanceof Dense : l instanceof Activation && l.kind === (i === body.length - 1 ? 'sigmoid' : 'relu')));
  if (!shape || dense.length !== acts.length || model.head !== 'sigmoid') return "the course's functions cover [dense, relu] × (L-1), then dense, sigmoid";
  return dense;
}

/** X (N, ...) as the course's (features, m) columns. */
function columns(x: Tensor): Tensor {
  const m = x.shape[0] as number;
  return x.reshape([m, -1]).T.contiguous();
}

/**
 * The notes' single neuron: `propagate`, then w := w - α dw, b := b - α db.
 * @example new Trainer(new NeuronCourseStep(dense, X, labels), new GradientDescent({ learningRate: 0.005 }), m, opts)
 */
export class NeuronCourseStep implements StepStrategy {
  readonly engine = 'course';
  private readonly X: Tensor;
  private readonly Y: Tensor;
  private readonly dtype: FloatDType;
  private w: Tensor;
  private b: number;
  private grads: LogisticGrads | null = null;

  constructor(private readonly dense: Dense, x: Tensor, labels: Tensor) {
    this.dtype = dense.W.value.dtype === 'float32' ? 'float32' : 'float64';
    this.X = columns(x);
    const m = labels.shape[0] as number;
    this.Y = astype(labels, this.dtype).reshape([1, m]);
    this.w = dense.W.value.T.contiguous();
    this.b = dense.b.value.values()[0] as number;
  }

  forward(): StepOutcome {
    const { grads, cost } = propagate(this.w, this.b, this.X, this.Y);
    this.grads = grads;
    return { finite: Number.isFinite(cost), cost: () => cost };
  }

  update(optimizer: Optimizer): void {
    if (this.grads === null) return;
    const lr = optimizer.learningRate;
    // A float32 model keeps its bias in float32 too, as numpy's float32 scalars would.
    const round = this.dtype === 'float32' ? Math.fround : (x: number) => x;
    this.w = sub(this.w, mul(lr, this.grads.dw));
    this.b = round(this.b - lr * this.grads.db);
    this.grads = null;
  }

  snapshot(): Snapshot {
    return { w: this.w, b: scalar(this.b) };
  }

  restore(s: Snapshot): void {
    if (s['w'] !== undefined) this.w = s['w'];
    if (s['b'] !== undefined) this.b = s['b'].item();
  }

  sync(): void {
    const n = this.w.shape[0] as number;
    this.dense.W.value = this.w.reshape([1, n]);
    this.dense.b.value = astype(scalar(this.b), this.dtype).reshape([1]);
  }
}

/**
 * The course's L-layer network: `lModelForward`, `computeCost`, `lModelBackward`,
 * `updateParameters`, on the model's dense layers.
 * @example new Trainer(new DeepCourseStep(courseLayers(net) as Dense[], x, labels), new GradientDescent({ learningRate: 0.0075 }), 209, { epochs: 2500 })
 */
export class DeepCourseStep implements StepStrategy {
  readonly engine = 'course';
  private readonly X: Tensor;
  private readonly Y: Tensor;
  private params: Parameters;
  private grads: Gradients | null = null;

  constructor(private readonly dense: readonly Dense[], x: Tensor, labels: Tensor) {
    this.X = columns(x);
    this.Y = astype(labels, 'float64').reshape([1, labels.shape[0] as number]);
    this.params = this.fromModel();
  }

  private fromModel(): Parameters {
    const p: Parameters = new Map();
    this.dense.forEach((d, i) => p.set(`W${i + 1}`, d.W.value).set(`b${i + 1}`, d.b.value.reshape([d.units, 1])));
    return p;
  }

  forward(): StepOutcome {
    const { AL, caches } = lModelForward(this.X, this.params);
    const cost = computeCost(AL, this.Y);
    this.grads = Number.isFinite(cost) ? lModelBackward(AL, this.Y, caches) : null;
    return { finite: Number.isFinite(cost), cost: () => cost };
  }

  update(optimizer: Optimizer): void {
    if (this.grads === null) return;
    this.params = updateParameters(this.params, this.grads, optimizer.learningRate);
    this.grads = null;
  }

  snapshot(): Snapshot {
    return Object.fromEntries(this.params);
  }

  restore(s: Snapshot): void {
    const p: Parameters = new Map();
    for (const [k, v] of this.params) p.set(k, s[k] ?? v);
    this.params = p;
  }

  sync(): void {
    this.dense.forEach((d, i) => {
      d.W.value = this.params.get(`W${i + 1}`) as Tensor;
      d.b.value = (this.params.get(`b${i + 1}`) as Tensor).reshape([d.units]);
    });
  }
}
