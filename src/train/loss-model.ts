/**
 * The small model interface that plots, the loss landscape and `predict` work through: the
 * parameters as named tensors, a loss of any parameter values on a data set, and class
 * probabilities. A model type plugs in by giving one `LossModel`; nothing downstream knows
 * whether it is a single neuron or a deep network.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { add, log, matmul, mul, sigmoid, sub, sum, scalar, Tensor } from '../tensor/index.js';
import { initializeWithZeros, type CostRecord } from '../nn/logistic.js';
import { optimizeFast } from '../nn/logistic-fast.js';
import { mlpLossModelFromFile } from './loss-model-mlp.js';
import { checkHeader, trainingRecord } from './model-header.js';
import type { ModelFromDocument } from './model-document.js';

/** One named parameter tensor and how the loss landscape treats it. */
export interface ModelParameter {
  /** As in the model file: `w`, `b`, `W1`, `b1`, ... */
  name: string;
  /** The trained values. */
  value: Tensor;
  /**
   * `weight`: a dense layer's weights, normalised filter by filter in the landscape;
   * `bias`: left out of random directions unless asked (Li et al. 2018, section 4).
   */
  role: 'weight' | 'bias';
  /**
   * For weights: the axis that indexes output units, so that each slice along it is one
   * filter. The notes' W[l] is (units, inputs): axis 0. The single neuron's w is (n_x, 1):
   * axis 1, its one column is its one filter.
   */
  unitAxis?: number;
}

/** Training facts a model file records, for titles and the cost curve. */
export interface TrainingRecord {
  /** Costs as recorded; `iteration` holds the epoch number when `costUnit` is `epoch`. */
  costs: CostRecord[];
  /** What the cost's x axis counts: gradient descent iterations or epochs (mini-batch training). Default iteration. */
  costUnit?: 'iteration' | 'epoch';
  /** e.g. { learningRate: 0.005, iterations: 2000, dtype: 'float64' } */
  settings: Record<string, string | number>;
  trainFile?: string;
  testFile?: string;
}

/**
 * A trained classifier seen from outside: parameters, loss and probabilities. `values` are
 * always given in the order of `parameters`, with the same shapes.
 */
export interface LossModel {
  /** The model file's `model.type`: `logistic`, later `mlp`. */
  readonly type: string;
  /** A short human description, e.g. 'single neuron (logistic regression), 12288 inputs'. */
  readonly description: string;
  /** Input image shape (h, w, c) and how pixels become features. */
  readonly inputShape: readonly number[];
  readonly dtype: FloatDType;
  readonly classes: readonly string[];
  readonly parameters: readonly ModelParameter[];
  /**
   * The parameters at the start of training (the 1-D interpolation's α = 0). The single
   * neuron starts from zeros; a deep model needs its initial values stored or re-creatable.
   */
  readonly initial: readonly Tensor[] | null;
  readonly training: TrainingRecord | null;
  /** Mean cross-entropy of the model with parameter `values` on X (features, m), Y (1, m). */
  loss(values: readonly Tensor[], X: Tensor, Y: Tensor): number;
  /** P(class 1) for each column of X, shape (1, m). */
  probabilities(values: readonly Tensor[], X: Tensor): Tensor;
  /** Pictures of what the first layer learned, each (h, w, c) like an input image (optional). */
  weightImages?(): { name: string; image: Tensor }[];
  /**
   * Re-runs the recorded training on X, Y from the initial parameters and returns the
   * parameters after every `every` steps: the first checkpoint is the start, the last the end
   * of training (optional: only models whose training is deterministic and recorded).
   */
  replayTraining?(X: Tensor, Y: Tensor, every: number, onStep?: (done: number, total: number) => void): Checkpoint[];
}

/** Parameter values (in `parameters` order) after `step` steps of training. */
export interface Checkpoint {
  step: number;
  values: Tensor[];
}

/** The trained parameter values, in order. @example model.loss(trainedValues(model), X, Y) */
export function trainedValues(model: LossModel): Tensor[] {
  return model.parameters.map((p) => p.value);
}

/**
 * The single neuron as a LossModel: parameters w (n_x, 1) and b (a scalar tensor). The loss
 * is computed with exactly the ops of `propagate`'s forward pass, in its order, so the loss
 * at the trained values equals `propagate(w, b, X, Y).cost` to the last bit.
 * @example const m = logisticLossModel(w, b, { inputShape: [64, 64, 3], classes: ['non-cat', 'cat'] });
 */
export function logisticLossModel(
  w: Tensor,
  b: number,
  info: { inputShape: readonly number[]; classes: readonly string[]; training?: TrainingRecord | null },
): LossModel {
  if (w.ndim !== 2 || w.shape[1] !== 1) throw new ShapeError('logisticLossModel', `w must be (n_x, 1), got w${formatShape(w.shape)}`, [w.shape]);
  const dtype: FloatDType = w.dtype === 'float32' ? 'float32' : 'float64';
  const n = w.shape[0] as number;
  const unpack = (values: readonly Tensor[]): [Tensor, number] => {
    const [wv, bv] = values;
    if (wv === undefined || bv === undefined || wv.shape.join() !== w.shape.join() || bv.size !== 1) {
      throw new ShapeError('logistic loss', `expected values [w${formatShape(w.shape)}, b()], got [${values.map((v) => formatShape(v.shape)).join(', ')}]`);
    }
    return [wv, bv.item()];
  };
  return {
    type: 'logistic',
    description: `single neuron (logistic regression), ${n} inputs`,
    inputShape: [...info.inputShape],
    dtype,
    classes: [...info.classes],
    parameters: [
      { name: 'w', value: w, role: 'weight', unitAxis: 1 },
      { name: 'b', value: scalar(b, dtype), role: 'bias' },
    ],
    initial: [new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), [n, 1], dtype), scalar(0, dtype)],
    training: info.training ?? null,
    loss(values, X, Y) {
      const [wv, bv] = unpack(values);
      const m = X.shape[1] as number;
      // propagate's forward pass, op for op.
      const A = sigmoid(add(matmul(wv.T, X), bv));
      return (-1 / m) * sum(add(mul(Y, log(A)), mul(sub(1, Y), log(sub(1, A))))).item();
    },
    probabilities(values, X) {
      const [wv, bv] = unpack(values);
      return sigmoid(add(matmul(wv.T, X), bv));
    },
    weightImages() {
      return [{ name: 'w', image: w.reshape([...info.inputShape]) }];
    },
    ...replayFor(info.training ?? null, n, dtype),
  };
}

/**
 * The single neuron's training replayed in chunks of `every` iterations by the fast kernels:
 * full-batch gradient descent from zeros is deterministic, so the recorded learning rate and
 * iteration count give back the path (to rounding: the Gram-matrix path sums in another order).
 */
function replayFor(training: TrainingRecord | null, n: number, dtype: FloatDType): Pick<LossModel, 'replayTraining'> {
  const s = training?.settings ?? {};
  const iterations = s['iterations'];
  const learningRate = s['learningRate'];
  if (typeof iterations !== 'number' || typeof learningRate !== 'number' || (s['init'] ?? 'zeros') !== 'zeros') return {};
  return {
    replayTraining(X, Y, every, onStep) {
      if (!Number.isSafeInteger(every) || every <= 0) throw new ArgumentError('replayTraining', 'every', `must be a positive integer, got ${every}`);
      let { w, b } = initializeWithZeros(n, dtype);
      const out: Checkpoint[] = [{ step: 0, values: [w, scalar(b, dtype)] }];
      for (let done = 0; done < iterations; ) {
        const k = Math.min(every, iterations - done);
        ({ w, b } = optimizeFast(w, b, X, Y, { numIterations: k, learningRate, recordEvery: k }).params);
        done += k;
        out.push({ step: done, values: [w, scalar(b, dtype)] });
        onStep?.(done, iterations);
      }
      return out;
    },
  };
}

/**
 * A model file's parsed model (see `modelFromDocument`) as a LossModel, by its `model.type`:
 * `logistic` (the single neuron) or `mlp` (a deep network). Browser-safe; `loadLossModel`
 * (./load-loss-model.ts) reads the file first.
 * @example const model = lossModelFromDocument('cat.json', modelFromDocument('cat.json', parseModelDocument('cat.json', text)));
 */
export function lossModelFromDocument(file: string, loaded: ModelFromDocument): LossModel {
  if (loaded.type === 'mlp') return mlpLossModelFromFile(file, loaded.doc, loaded.net);
  const { doc, w, b } = loaded;
  checkHeader(file, doc, w.shape[0] as number, 2);
  return logisticLossModel(w, b, { inputShape: doc.model.inputShape, classes: doc.classes, training: trainingRecord(file, doc) });
}
