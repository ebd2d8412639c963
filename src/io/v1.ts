/**
 * Version-1 model files (written before 0.2: `model.type` `logistic`, the single neuron with
 * w (n, 1) and b; or `mlp`, a deep network with W_l (n_l, n_{l-1}) and b_l (n_l, 1), in the
 * course's (features, m) layout), converted to the version-2 document: the same numbers,
 * reshaped to batch-first layers, and their training settings and checkpoints as the one
 * trainer's. Only the checks that version 2 does not repeat are made here.
 */
import { ModelFileError, shown } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { astype, scalar, transpose, type Tensor } from '../tensor/index.js';
import { L_LAYER, mlpLayers, NEURON, type RunSettings } from '../app/settings.js';
import { restoreTensor, storeTensor } from './tensor-codec.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** The same bytes under another shape (w (n, 1) → W1 (1, n); b (n, 1) → (n)). */
function reshaped(stored: unknown, shape: number[]): unknown {
  const s = obj(stored);
  return s['shape'] === undefined ? stored : { ...s, shape };
}

const HIDDEN = ['relu', 'leaky-relu', 'tanh', 'sigmoid'] as const;

function logisticSettings(t: Json, dtype: unknown, engine: unknown): RunSettings {
  const num = (k: string, d: number): number => (typeof t[k] === 'number' ? (t[k] as number) : d);
  return {
    ...NEURON,
    epochs: num('iterations', NEURON.epochs),
    learningRate: num('learningRate', NEURON.learningRate),
    printEvery: num('printEvery', NEURON.printEvery),
    dtype: dtype === 'float32' ? 'float32' : 'float64',
    engine: engine === 'fast' ? 'span' : engine === 'autodiff' ? 'autodiff' : 'course',
  };
}

function mlpSettings(t: Json, sizes: number[], hidden: (typeof HIDDEN)[number]): RunSettings {
  const num = (k: string): number | undefined => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
  const batchSize = num('batchSize');
  const decay = obj(t['decay']);
  const extra: Partial<RunSettings> = {};
  for (const k of ['beta', 'beta1', 'beta2', 'epsilon'] as const) {
    const v = num(k);
    if (v !== undefined) extra[k] = v;
  }
  return {
    ...L_LAYER,
    layers: mlpLayers(sizes.slice(1), hidden, num('dropout') ?? 0),
    init: typeof t['init'] === 'string' ? t['init'] : L_LAYER.init,
    seed: num('seed') ?? 1,
    optimizer: (typeof t['optimizer'] === 'string' ? t['optimizer'] : 'gd') as RunSettings['optimizer'],
    learningRate: num('learningRate') ?? L_LAYER.learningRate,
    epochs: (batchSize === undefined ? num('iterations') : num('epochs')) ?? L_LAYER.epochs,
    ...(batchSize !== undefined ? { batchSize } : {}),
    shuffleSeed: num('shuffleSeed') ?? 10,
    dropoutSeed: num('dropoutSeed') ?? 1,
    l2: num('l2') ?? 0,
    ...(typeof decay['rate'] === 'number' ? { decay: { rate: decay['rate'], interval: typeof decay['interval'] === 'number' ? decay['interval'] : 1 } } : {}),
    loss: t['loss'] === 'logits' ? 'logits' : 'course',
    printEvery: num('printEvery') ?? 100,
    engine: t['engine'] === 'fast' ? 'span' : 'autodiff',
    ...extra,
  };
}

/** A v1 single-neuron checkpoint as the v2 one. */
function logisticCheckpoint(file: string, c: Json, settings: RunSettings, n: number): Json {
  const engine = c['engine'];
  const it = c['iteration'];
  const snap = (s: Json): Json =>
    engine === 'fast' ? { c: s['c'], b: storeTensor(restoreNumber(file, 'checkpoint.b', s['b'])) }
    : engine === 'autodiff' ? { W1: reshaped(s['w'], [1, n]), b1: storeTensor(restoreNumber(file, 'checkpoint.b', s['b'], settings.dtype).reshape([1])) }
    : { w: s['w'], b: storeTensor(restoreNumber(file, 'checkpoint.b', s['b'])) };
  const prev = c['previous'];
  return {
    settings,
    engine: settings.engine,
    epoch: it, batch: 0, iteration: it, epochTotal: 0,
    optimizer: { name: 'gd', steps: typeof it === 'number' ? it : 0, learningRate: settings.learningRate, slots: {} },
    dropoutRng: new RandomState(settings.dropoutSeed).getState(),
    step: snap(c),
    ...(prev !== undefined ? { previous: snap(obj(prev)) } : {}),
    data: c['data'],
  };
}

/** A JSON number of a v1 file (b, a span scale) as a scalar tensor. */
function restoreNumber(file: string, field: string, v: unknown, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFileError(file, field, `expected a finite number, got ${shown(v)}`);
  return astype(scalar(v), dtype);
}

/** A v1 deep network's checkpoint as the v2 one: the fast engine's C (n1, m) becomes D = Cᵀ, biases lose their column axis. */
function mlpCheckpoint(file: string, c: Json, settings: RunSettings, params: Json, sizes: number[]): Json {
  const L = sizes.length - 1;
  const names = Array.from({ length: L }, (_, i) => [`W${i + 1}`, `b${i + 1}`]).flat();
  const fix = (name: string, t: unknown): unknown => (name.startsWith('b') ? reshaped(t, [sizes[Number(name.slice(1))] as number]) : t);
  const fast = c['engine'] === 'fast';
  const D = (t: unknown, field: string): unknown => storeTensor(transpose(restoreTensor(file, field, t)).contiguous());
  // The optimiser's list: [s, C, b1, W2, ...] (fast) or [W1, b1, ...] (plain).
  const order = fast ? ['spanScale', 'spanD', ...names.slice(1)] : names;
  const o = obj(c['optimizer']);
  const slots: Json = {};
  for (const [k, v] of Object.entries(obj(o['slots']))) {
    if (!Array.isArray(v)) continue;
    slots[k] = v.map((t, i) => (order[i] === 'spanD' ? D(t, `checkpoint.optimizer.slots.${k}[${i}]`) : order[i] === 'spanScale' ? t : fix(order[i] ?? '', t)));
  }
  const list = (values: unknown, from: readonly string[]): Json => (Array.isArray(values) ? Object.fromEntries(values.map((t, i) => [from[i], fix(from[i] ?? '', t)])) : {});
  const scalar11 = (s: unknown): unknown => storeTensor(restoreNumber(file, 'checkpoint.scale', s));
  const step: Json = fast
    ? { spanScale: scalar11(c['scale']), spanD: D(c['C'], 'checkpoint.C'), ...Object.fromEntries(names.slice(1).map((k) => [k, fix(k, params[k])])) }
    : Object.fromEntries(names.map((k) => [k, fix(k, params[k])]));
  const ps = obj(c['previousSpan']);
  const prev = c['previous'];
  const previous = prev === undefined ? undefined : fast
    ? { spanScale: scalar11(ps['scale']), spanD: D(ps['C'], 'checkpoint.previousSpan.C'), ...list(prev, names.slice(1)) }
    : list(prev, names);
  return {
    settings,
    engine: fast ? 'span' : 'autodiff',
    epoch: c['epoch'], batch: c['batch'], iteration: c['iteration'], epochTotal: c['epochTotal'],
    optimizer: { ...o, slots },
    dropoutRng: c['dropoutRng'],
    step,
    ...(previous !== undefined ? { previous } : {}),
    data: c['data'],
  };
}

/**
 * A version-1 document as version 2 (`convertedFrom: 1` says where it came from).
 * @example parseModelText(file, text) // calls this for `"version": 1`
 */
export function convertV1(file: string, doc: Json): Json {
  const model = obj(doc['model']);
  const t = obj(doc['training']);
  const params = obj(doc['parameters']);
  const ck = doc['checkpoint'] === undefined ? undefined : obj(doc['checkpoint']);
  const prep = obj(doc['preprocessing']);
  const base = { format: doc['format'], version: 2, convertedFrom: 1, dtype: doc['dtype'], classes: doc['classes'], preprocessing: { scale: prep['scale'] } };
  const inputShape = model['inputShape'];
  if (model['type'] === 'logistic') {
    const n = typeof model['features'] === 'number' ? model['features'] : 0;
    const b = params['b'];
    if (typeof b !== 'number' || !Number.isFinite(b)) throw new ModelFileError(file, 'parameters.b', 'expected a finite number');
    const dtype = doc['dtype'] === 'float32' ? 'float32' : 'float64';
    const settings = logisticSettings(t, doc['dtype'], t['engine']);
    return {
      ...base,
      model: { inputShape, layers: settings.layers },
      training: { ...t, settings, engine: settings.engine },
      parameters: { W1: reshaped(params['w'], [1, n]), b1: storeTensor(restoreNumber(file, 'parameters.b', b, dtype).reshape([1])) },
      ...(ck !== undefined ? { checkpoint: logisticCheckpoint(file, ck, logisticSettings(t, doc['dtype'], ck['engine']), n) } : {}),
    };
  }
  if (model['type'] === 'mlp') {
    const sizes = model['layers'];
    const hidden = model['hidden'];
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isSafeInteger(s) && s > 0)) throw new ModelFileError(file, 'model.layers', 'expected a list of at least 2 positive integers');
    if (typeof hidden !== 'string' || !(HIDDEN as readonly string[]).includes(hidden)) throw new ModelFileError(file, 'model.hidden', `expected one of ${HIDDEN.join(', ')}, got ${shown(hidden)}`);
    const settings = mlpSettings({ ...t, ...(ck !== undefined ? obj(ck['settings']) : {}), ...(ck !== undefined ? { engine: ck['engine'] } : {}) }, sizes as number[], hidden as (typeof HIDDEN)[number]);
    const parameters: Json = {};
    for (let l = 1; l < sizes.length; l++) {
      parameters[`W${l}`] = params[`W${l}`];
      parameters[`b${l}`] = reshaped(params[`b${l}`], [sizes[l] as number]);
    }
    return {
      ...base,
      model: { inputShape, layers: mlpLayers((sizes as number[]).slice(1), hidden as (typeof HIDDEN)[number]) },
      training: { ...t, settings, engine: settings.engine },
      parameters,
      ...(ck !== undefined ? { checkpoint: mlpCheckpoint(file, ck, settings, params, sizes as number[]) } : {}),
    };
  }
  throw new ModelFileError(file, 'model.type', `unknown model type ${shown(model['type'])}, expected "logistic" or "mlp"`);
}
