/**
 * A training run's settings, checked once against the data, and the presets a learner knows
 * by name: the notes' single neuron and the course's 2-layer and L-layer networks. Used by
 * the CLI and the page alike.
 */
import { firstNonFinite, type FloatDType } from '../core/dtype.js';
import { ArgumentError, shown } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Dataset } from '../data/dataset.js';
import { parseInitializer } from '../nn/init.js';
import type { BinaryLoss } from '../nn/loss.js';
import { buildModel, parseArch, type LayerConfig } from '../nn/registry.js';
import type { Sequential } from '../nn/sequential.js';
import { checkDecay, checkLearningRate, createOptimizer, parseOptimizerName, type DecaySettings, type Optimizer, type OptimizerName } from '../optim/index.js';
import { checkTrainerOptions, type EngineName } from '../train/trainer.js';

/** `auto`: the exact span step where it applies, else autodiff. */
export type EngineRequest = 'auto' | EngineName;
export const ENGINES: readonly EngineRequest[] = ['auto', 'span', 'autodiff', 'course'];

/** Everything that defines a run. */
export interface RunSettings {
  /** The layers, from the inputs (a flatten first for image data) to the output. */
  layers: LayerConfig[];
  /** An initialiser name: zeros, scaled:K, xavier, glorot, he, course. */
  init: string;
  /** Seed of the initial weights (`np.random.seed(seed)`). */
  seed: number;
  dtype: FloatDType;
  optimizer: OptimizerName;
  learningRate: number;
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Full batch: iterations. Mini-batches: passes over the data. */
  epochs: number;
  batchSize?: number;
  /** Base seed of the per-epoch shuffles (the course's 10). */
  shuffleSeed: number;
  dropoutSeed: number;
  /** L2 strength λ. */
  l2: number;
  decay?: DecaySettings;
  loss: BinaryLoss;
  /** Record (and print) the cost every this many iterations, or epochs with mini-batches. */
  printEvery: number;
  /** Also record the last one (the course's models do, the notes' neuron does not). */
  printLast: boolean;
  engine: EngineRequest;
}

const BASE: Omit<RunSettings, 'layers' | 'init' | 'learningRate' | 'epochs' | 'printLast'> = {
  seed: 1, dtype: 'float64', optimizer: 'gd', shuffleSeed: 10, dropoutSeed: 1, l2: 0, loss: 'course', printEvery: 100, engine: 'auto',
};

/**
 * [dense, activation, (dropout)] per hidden size, then the output: sigmoid for 1 unit,
 * softmax for more. `sizes` are the course's layer_dims without the input size.
 * @example mlpLayers([20, 7, 5, 1]) // flatten, dense:20, relu, dense:7, relu, dense:5, relu, dense:1, sigmoid
 */
export function mlpLayers(sizes: readonly number[], hidden: 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid' = 'relu', dropout = 0): LayerConfig[] {
  const out: LayerConfig[] = [{ kind: 'flatten' }];
  sizes.forEach((units, i) => {
    out.push({ kind: 'dense', units });
    if (i < sizes.length - 1) {
      out.push({ kind: hidden });
      if (dropout > 0) out.push({ kind: 'dropout', rate: dropout });
    }
  });
  out.push({ kind: sizes[sizes.length - 1] === 1 ? 'sigmoid' : 'softmax' });
  return out;
}

/** The notes' single neuron: zeros, α = 0.005, 2000 iterations, the cost every 100. */
export const NEURON: RunSettings = { ...BASE, layers: mlpLayers([1]), init: 'zeros', learningRate: 0.005, epochs: 2000, printLast: false };
/** The course's 2-layer model [n_x, 7, 1]: randn·0.01, α = 0.0075, 2500 iterations. */
export const TWO_LAYER: RunSettings = { ...BASE, layers: mlpLayers([7, 1]), init: 'scaled:0.01', learningRate: 0.0075, epochs: 2500, printLast: true };
/** The course's L-layer model [n_x, 20, 7, 5, 1]: randn/√n, α = 0.0075, 2500 iterations. */
export const L_LAYER: RunSettings = { ...BASE, layers: mlpLayers([20, 7, 5, 1]), init: 'course', learningRate: 0.0075, epochs: 2500, printLast: true };
/**
 * The course's SIGNS network (6 hand signs, 64x64x3): CONV 4x4x8 SAME, ReLU, max-pool 8x8
 * stride 8, CONV 2x2x16 SAME, ReLU, max-pool 4x4 stride 4, flatten, dense, softmax; Adam at
 * 0.009, 100 epochs of mini-batches of 64, Glorot weights (the course's Xavier).
 */
export const SIGNS_CNN: RunSettings = {
  ...BASE,
  layers: parseArch('conv:8:4:same,relu,maxpool:8:8:same,conv:16:2:same,relu,maxpool:4:4:same,flatten,dense:6,softmax'),
  init: 'glorot', optimizer: 'adam', learningRate: 0.009, epochs: 100, batchSize: 64, printEvery: 5, printLast: true,
};
/**
 * A LeNet-5-style network for 28x28 digits: CONV 5x5x6 SAME, ReLU, max-pool 2, CONV 5x5x16,
 * ReLU, max-pool 2, dense 120, 84, then the classes; Adam at 0.001, 8 epochs of mini-batches
 * of 64, He weights.
 */
export const LENET5: RunSettings = {
  ...BASE,
  layers: parseArch('conv:6:5:same,relu,maxpool:2:2,conv:16:5:valid,relu,maxpool:2:2,flatten,dense:120,relu,dense:84,relu,dense:10,softmax'),
  init: 'he', optimizer: 'adam', learningRate: 0.001, epochs: 8, batchSize: 64, printEvery: 1, printLast: true,
};
export const PRESETS = { neuron: NEURON, 'two-layer': TWO_LAYER, 'l-layer': L_LAYER, 'signs-cnn': SIGNS_CNN, lenet5: LENET5 } as const;

/**
 * A preset's layers with the output sized for k classes: the last dense layer gets k units
 * (softmax; 1 unit and a sigmoid for a one-unit preset stays as it is).
 * @example withClasses(LENET5, 6).layers.at(-2) // { kind: 'dense', units: 6 }
 */
export function withClasses(s: RunSettings, k: number): RunSettings {
  const last = s.layers.map((l) => l.kind).lastIndexOf('dense');
  if (last < 0 || s.layers[s.layers.length - 1]?.kind !== 'softmax') return s;
  return { ...s, layers: s.layers.map((l, i) => (i === last ? { kind: 'dense', units: Math.max(2, k) } : l)) };
}

/** A run's settings checked against its data: the initial model and the optimiser. */
export interface ResolvedRun {
  settings: RunSettings;
  model: Sequential;
  optimizer: Optimizer;
  /** The data's class names, as many as the model tells apart. */
  classes: string[];
}

// Copies of the parameters a run holds: the values and their gradients, plus the optimiser's state.
const COPIES: Record<OptimizerName, number> = { gd: 2, momentum: 3, rmsprop: 3, adam: 4 };

/**
 * The bytes the dense layers' parameters take, times the run's copies (a lower bound: other layers are not counted).
 * @example modelBytes([64, 64, 3], { ...L_LAYER, layers: parseArch('flatten,dense:100000,relu,dense:1,sigmoid') }) // 39326400000 * 2
 */
export function modelBytes(item: readonly number[], s: Pick<RunSettings, 'layers' | 'dtype' | 'optimizer'>): number {
  let features = item.reduce((a, b) => a * b, 1);
  let count = 0;
  for (const l of s.layers) {
    if (l.kind === 'dense') { count += features * l.units + l.units; features = l.units; }
    else if (l.kind !== 'flatten' && l.kind !== 'relu' && l.kind !== 'sigmoid' && l.kind !== 'tanh' && l.kind !== 'softmax' && l.kind !== 'dropout') break;
  }
  return count * (s.dtype === 'float32' ? 4 : 8) * (COPIES[s.optimizer] ?? 4);
}

// The machine's memory, set by the Node entry points (os.totalmem()); this module stays browser-safe, so the page sets none and skips the check.
let memoryLimit: number | undefined;

/** Sets the bytes a model's parameters may take (the CLI passes os.totalmem()); undefined turns the check off. */
export function setMemoryLimit(bytes: number | undefined): void {
  memoryLimit = bytes;
}

/** Refuses a model whose parameters would not fit the machine's memory, before anything is allocated. */
function checkModelSize(op: string, item: readonly number[], s: RunSettings, memory: number): void {
  const bytes = modelBytes(item, s);
  if (bytes > memory) throw new ArgumentError(op, 'layers', `the model's parameters would take about ${(bytes / 1e9).toFixed(1)} GB with ${s.optimizer} (values, gradients and its state), over this machine's ${(memory / 1e9).toFixed(1)} GB of memory: use fewer units (--layers / --arch)`);
}

function largest(t: Dataset['labels']): number {
  let m = -Infinity;
  for (const v of t.values()) if (v > m) m = v;
  return m;
}

/**
 * Checks every setting against the data and builds the initial model: each problem is one
 * ArgumentError naming the setting, before anything trains.
 * @example const { model } = resolveRun(NEURON, { train, test });
 */
export function resolveRun(s: RunSettings, data: { train: Dataset; test?: Dataset }): ResolvedRun {
  const op = 'train';
  const init = parseInitializer(s.init, op);
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 2 ** 32 - 1) throw new ArgumentError(op, 'seed', `must be an integer in 0..2**32-1, got ${s.seed}`);
  if (s.dtype !== 'float64' && s.dtype !== 'float32') throw new ArgumentError(op, 'dtype', `expected float64 or float32, got ${shown(s.dtype)}`);
  parseOptimizerName(op, s.optimizer);
  checkLearningRate(op, s.learningRate);
  if (!Number.isFinite(s.l2) || s.l2 < 0) throw new ArgumentError(op, 'l2', `must be a number >= 0, got ${s.l2}`);
  if (s.decay !== undefined) checkDecay(op, s.decay);
  if (!(ENGINES as readonly string[]).includes(s.engine)) throw new ArgumentError(op, 'engine', `expected one of ${ENGINES.join(', ')}, got ${String(s.engine)}`);
  checkTrainerOptions(op, { epochs: s.epochs, ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}), shuffleSeed: s.shuffleSeed, dropoutSeed: s.dropoutSeed, record: { every: s.printEvery, last: s.printLast } });
  for (const [set, d] of [['train', data.train], ['test', data.test]] as const) {
    if (d !== undefined && (d.labels.ndim !== 1 || d.labels.shape[0] !== d.x.shape[0])) {
      throw new ArgumentError(op, `${set}.labels`, `expected one label per sample, (${d.x.shape[0] ?? 0},), got (${d.labels.shape.join(', ')})`);
    }
    // uint8 pixels are finite by type; float samples are checked once, here.
    if (d === undefined || d.x.dtype === 'uint8') continue;
    const v = d.x.contiguous().values();
    const bad = firstNonFinite(v);
    const perSample = d.x.size / (d.x.shape[0] ?? 1);
    if (bad >= 0) throw new ArgumentError(op, `${set}.x`, `sample ${Math.floor(bad / perSample)} holds ${v[bad]}: training data must be finite numbers`);
  }
  const item = data.train.x.shape.slice(1);
  if (data.test !== undefined && formatShape(data.test.x.shape.slice(1)) !== formatShape(item)) {
    throw new ArgumentError(op, 'data', `the test samples are ${formatShape(data.test.x.shape.slice(1))}, the training samples ${formatShape(item)}`);
  }
  if (memoryLimit !== undefined) checkModelSize(op, item, s, memoryLimit);
  let model: Sequential;
  try {
    model = buildModel(item, s.layers, { init, seed: s.seed, dtype: s.dtype });
  } catch (e) {
    throw e instanceof ArgumentError || !(e instanceof Error) ? e : new ArgumentError(op, 'layers', e.message);
  }
  if (model.head === 'none') throw new ArgumentError(op, 'layers', 'the last layer must be sigmoid (1 unit, two classes) or softmax (k units, k classes)');
  const k = Math.max(data.train.classes.length, 2);
  const out = model.classes;
  if (k !== out && !(k === 2 && out === 2)) {
    throw new ArgumentError(op, 'layers', `the model tells ${out} classes apart, the data has ${k} (${data.train.classes.join(', ')}): end with dense:${k === 2 ? '1,sigmoid' : `${k},softmax`}`);
  }
  const maxLabel = Math.max(largest(data.train.labels), data.test !== undefined ? largest(data.test.labels) : 0);
  if (maxLabel >= out) throw new ArgumentError(op, 'layers', `labels go up to ${maxLabel} but the model has ${out} classes`);
  const settings = { learningRate: s.learningRate, ...(s.beta !== undefined ? { beta: s.beta } : {}), ...(s.beta1 !== undefined ? { beta1: s.beta1 } : {}), ...(s.beta2 !== undefined ? { beta2: s.beta2 } : {}), ...(s.epsilon !== undefined ? { epsilon: s.epsilon } : {}) };
  const classes = Array.from({ length: out }, (_, i) => data.train.classes[i] ?? String(i));
  return { settings: s, model, optimizer: createOptimizer(s.optimizer, settings), classes };
}

const numbered = (c: readonly string[]): boolean => c.every((n, i) => n === String(i));

/**
 * Whether two class lists can describe the same labels: equal, or one of them only the label
 * numbers (a file without `list_classes`) and no longer than the other. `['cat', 'non-cat']`
 * against `['non-cat', 'cat']` is not: the names would be swapped.
 * @example classesAgree(['non-cat', 'cat'], ['0', '1']) // true
 */
export function classesAgree(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length && a.every((c, i) => c === b[i])) return true;
  return (numbered(a) && a.length <= b.length) || (numbered(b) && b.length <= a.length);
}

/** A class list for a message: `[non-cat, cat]`, the first 10. */
export function classList(c: readonly string[]): string {
  return `[${c.slice(0, 10).join(', ')}${c.length > 10 ? `, ... (${c.length})` : ''}]`;
}
