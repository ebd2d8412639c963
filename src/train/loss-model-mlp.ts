/**
 * A deep network (`mlp` model file) as a `LossModel`, so plots, the loss landscape and
 * `predict` work on it as on the single neuron. The loss is the network's own data loss
 * (`Mlp.cost` with the loss it was trained on, without the L2 penalty), evaluated with the
 * parameters swapped in by `withParameters`, so at the trained values it is exactly the
 * saved network's cost.
 */
import { noGrad } from '../autograd/index.js';
import { ArgumentError, ModelFileError } from '../core/errors.js';
import { parseInitializer } from '../nn/init.js';
import { Mlp, oneHot, type BinaryLoss } from '../nn/mlp.js';
import type { Tensor } from '../tensor/index.js';
import { fit, type EpochInfo, type FitOptions, type IterationInfo } from './fit.js';
import { fitGram, gramEngineRefusal, type MlpEngine } from './fit-gram.js';
import type { Checkpoint, LossModel, TrainingRecord } from './loss-model.js';
import { checkHeader, trainingRecord } from './model-header.js';
import type { MlpModelFile } from './model-document.js';

/** What a deep network's LossModel needs besides the network. */
export interface MlpModelInfo {
  inputShape: readonly number[];
  classes: readonly string[];
  /** The loss it was trained on (`course` or `logits`; softmax outputs always use softmax cross-entropy). */
  loss?: BinaryLoss;
  /** Initialiser name and seed, to re-create the initial parameters for the 1-D interpolation. */
  init?: { name: string; seed: number };
  /** The settings training ran `fit` with (without callbacks), to replay it for the trajectory. */
  fit?: FitOptions;
  /** The dropout probability training used (the saved network has none). */
  dropout?: number;
  /** The engine that trained (files without one were trained by `fit`, the plain engine). */
  engine?: MlpEngine;
  training?: TrainingRecord | null;
}

/**
 * The LossModel of a loaded deep network. The initial parameters (for the 1-D
 * interpolation) are re-created from the file's `training.init` and `training.seed`.
 * @example const { doc, net } = await loadMlpModel(file); const model = mlpLossModelFromFile(file, doc, net);
 */
export function mlpLossModelFromFile(file: string, doc: MlpModelFile, net: Mlp): LossModel {
  checkHeader(file, doc, net.spec.layers[0] as number, net.classes);
  if (net.classes !== 2) throw new ModelFileError(file, 'model.layers', `plots, landscape and predict handle two classes; this network has ${net.classes}`);
  const initName = doc.training['init'];
  const seed = doc.training['seed'];
  const init = typeof initName === 'string' && typeof seed === 'number' ? { name: initName, seed } : undefined;
  const fitOptions = fitOptionsFromFile(doc.training);
  const dropout = doc.training['dropout'];
  const engine = doc.training['engine'];
  try {
    return mlpLossModel(net, {
      inputShape: doc.model.inputShape,
      classes: doc.classes,
      loss: doc.training['loss'] === 'logits' ? 'logits' : 'course',
      training: trainingRecord(file, doc),
      ...(init ? { init } : {}),
      ...(fitOptions ? { fit: fitOptions } : {}),
      ...(typeof dropout === 'number' ? { dropout } : {}),
      ...(engine === 'fast' || engine === 'plain' ? { engine } : {}),
    });
  } catch (e) {
    if (e instanceof ArgumentError) throw new ModelFileError(file, 'training.init', e.message);
    throw e;
  }
}

/**
 * The `fit` settings a model file records (as `saveMlp` writes them), or null when the file
 * lacks the learning rate or the number of iterations or epochs. Values are checked by `fit`
 * itself when the training is replayed.
 */
function fitOptionsFromFile(t: Record<string, unknown>): FitOptions | null {
  const num = (k: string): number | undefined => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
  const learningRate = num('learningRate');
  const batchSize = num('batchSize');
  const epochs = batchSize === undefined ? num('iterations') : num('epochs');
  if (learningRate === undefined || epochs === undefined) return null;
  const out: FitOptions = { learningRate, epochs };
  if (typeof t['optimizer'] === 'string') out.optimizer = t['optimizer'];
  if (batchSize !== undefined) out.batchSize = batchSize;
  for (const k of ['shuffleSeed', 'dropoutSeed', 'l2', 'beta', 'beta1', 'beta2', 'epsilon'] as const) {
    const v = num(k);
    if (v !== undefined) out[k] = v;
  }
  if (t['loss'] === 'course' || t['loss'] === 'logits') out.loss = t['loss'];
  const decay = t['decay'] as { rate?: unknown; interval?: unknown } | undefined;
  if (decay !== undefined && typeof decay === 'object' && decay !== null && typeof decay.rate === 'number') {
    out.decay = { rate: decay.rate, ...(typeof decay.interval === 'number' ? { interval: decay.interval } : {}) };
  }
  return out;
}

/**
 * Replays `fit` (or `fitGram`, for a network the fast engine trained: the same arithmetic
 * bit for bit) from the initial network with the recorded settings, keeping the parameters
 * every `every` iterations (full batch) or epochs (mini-batches), and at the end.
 */
function replayMlp(net: Mlp, info: MlpModelInfo, init: { name: string; seed: number }, opts: FitOptions): NonNullable<LossModel['replayTraining']> {
  return (X, Y, every, onStep) => {
    const { layers, hidden, output } = net.spec;
    const fresh = Mlp.initialize({ layers, hidden, output, keepProb: 1 - (info.dropout ?? 0) }, parseInitializer(init.name), init.seed);
    const snapshot = (): Tensor[] => fresh.parameters().map((p) => p.value);
    const out: Checkpoint[] = [{ step: 0, values: snapshot() }];
    const total = opts.epochs;
    const keep = (done: number): void => {
      if (done % every === 0 || done === total) out.push({ step: done, values: snapshot() });
      onStep?.(done, total);
    };
    const targets = output === 'softmax' ? oneHot(Y, layers[layers.length - 1] as number) : Y;
    const full = opts.batchSize === undefined;
    const callbacks = full ? { onIteration: (i: IterationInfo) => keep(i.iteration + 1) } : { onEpoch: (e: EpochInfo) => keep(e.epoch + 1) };
    if (info.engine === 'fast' && gramEngineRefusal(fresh, opts) === null) {
      const kept = (done: number): boolean => done % every === 0 || done === total;
      const formW1 = (iteration: number, epoch: number, lastBatch: boolean): boolean => (full ? kept(iteration + 1) : lastBatch && kept(epoch + 1));
      fitGram(fresh, { X, Y: targets }, { ...opts, ...callbacks, formW1 });
    } else {
      fit(fresh, { X, Y: targets }, { ...opts, ...callbacks });
    }
    return out;
  };
}

/**
 * A deep network as a LossModel, e.g. right after training.
 * @example const model = mlpLossModel(r.net, { inputShape: [64, 64, 3], classes: r.classes, init: { name: 'course', seed: 1 } });
 */
export function mlpLossModel(net: Mlp, info: MlpModelInfo): LossModel {
  const { layers, hidden, output } = net.spec;
  const k = layers[layers.length - 1] as number;
  if (net.classes !== 2) throw new ArgumentError('mlpLossModel', 'net', `plots, landscape and predict handle two classes; this network has ${net.classes}`);
  const binaryLoss: BinaryLoss = info.loss ?? 'course';
  const params = net.parameters();
  const inputShape = [...info.inputShape];
  // Labels (1, m) as the network's targets: as they are for a sigmoid output, one-hot for softmax.
  const targets = (Y: Tensor): Tensor => (output === 'softmax' ? oneHot(Y, k) : Y);
  const initial = info.init === undefined ? null : Mlp.initialize({ layers, hidden, output }, parseInitializer(info.init.name), info.init.seed).parameters().map((p) => p.value);
  const pOne = (values: readonly Tensor[], X: Tensor): Tensor =>
    net.withParameters(values, () => {
      const p = net.probabilities(X);
      return output === 'softmax' ? p.rows(1, 2) : p;
    });
  return {
    type: 'mlp',
    description: `deep network [${layers.join(', ')}], ${hidden} hidden layers, ${output} output`,
    inputShape,
    dtype: params[0]?.value.dtype === 'float32' ? 'float32' : 'float64',
    classes: [...info.classes],
    parameters: params.map((p) => ({ name: p.name, value: p.value, role: p.name.startsWith('W') ? 'weight' : 'bias', unitAxis: 0 })),
    initial,
    training: info.training ?? null,
    loss(values, X, Y) {
      return noGrad(() => net.withParameters(values, () => net.cost(X, targets(Y), { loss: binaryLoss }).item()));
    },
    probabilities(values, X) {
      return pOne(values, X);
    },
    ...(info.init !== undefined && info.fit !== undefined ? { replayTraining: replayMlp(net, info, info.init, info.fit) } : {}),
    weightImages() {
      const W1 = params[0]?.value;
      if (W1 === undefined || inputShape.length !== 3) return [];
      const n = layers[1] as number;
      return Array.from({ length: n }, (_, u) => ({ name: `unit ${u + 1}`, image: W1.rows(u, u + 1).reshape(inputShape) }));
    },
  };
}
