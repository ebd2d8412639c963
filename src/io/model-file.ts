/**
 * The model file, version 2: one JSON document holding the architecture as layer configs,
 * the parameters by name (exact), the preprocessing, the training record and, for a stopped
 * run, its checkpoint. Browser-safe: the CLI (./files.ts adds reading and atomic writing)
 * and the page write and read exactly these documents. Version-1 files (the single neuron's
 * `logistic` and the deep network's `mlp`) are converted on reading (./v1.ts), so every file
 * tsgrad ever wrote loads, predicts and resumes. docs/model-format.md is the reference.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError, ModelFileError, shown } from '../core/errors.js';
import type { Preprocessing } from '../data/preprocess.js';
import { buildModel, checkLayerConfig, type LayerConfig } from '../nn/registry.js';
import type { Sequential } from '../nn/sequential.js';
import type { CostRecord } from '../train/trainer.js';
import type { RunSettings } from '../app/settings.js';
import { isRunSettings } from './checkpoint.js';
import { restoreTensor, storeTensor, type StoredTensor } from './tensor-codec.js';
import { convertV1 } from './v1.js';

export const MODEL_FORMAT = 'tsgrad-model';
export const MODEL_VERSION = 2;

/** How a model was trained and what it reached (for people, plots and replays; not needed to predict). */
export interface TrainingRecord {
  settings?: RunSettings;
  engine?: string;
  costs: CostRecord[];
  trainAccuracy?: number;
  testAccuracy?: number;
  trainFile?: string;
  testFile?: string;
  /** How the held-out set was cut from data without one (`--test-last`, `--validation`, `--split-seed`). */
  split?: DataSplit;
  seconds?: number;
  /** Updates done, when fewer than the settings asked for (stopped or diverged). */
  iterationsDone?: number;
  diverged?: { iteration: number; epoch: number; batch: number; cost: string; kept: number };
  /** The training batches' augmentation (`--augment`), as typed. */
  augment?: string;
}

/** A held-out set cut from the data: the last N samples, or a seeded stratified fraction. */
export interface DataSplit {
  testLast?: number;
  validation?: number;
  splitSeed?: number;
}

/** What a model file holds, read back. */
export interface LoadedModel {
  file: string;
  /** The version the file was written in (1 files are converted). */
  version: number;
  model: Sequential;
  layers: LayerConfig[];
  inputShape: number[];
  dtype: FloatDType;
  classes: string[];
  preprocessing: Preprocessing;
  training: TrainingRecord;
  /** The `checkpoint` field as stored (see ./checkpoint.ts), when a stopped run wrote the file. */
  checkpoint?: Record<string, unknown>;
}

/** What a model file is written from. */
export interface ModelRecord {
  model: Sequential;
  classes: readonly string[];
  preprocessing: Preprocessing;
  training: TrainingRecord;
  checkpoint?: Record<string, unknown>;
}

/**
 * The version-2 document of a model.
 * @example JSON.stringify(modelDocument({ model, classes, preprocessing: PIXELS, training: { costs: [] } }))
 */
export function modelDocument(r: ModelRecord): Record<string, unknown> {
  const params = r.model.parameters();
  const parameters: Record<string, StoredTensor> = {};
  for (const p of params) parameters[p.name] = storeTensor(p.value);
  const buffers = r.model.buffers();
  const { costs, ...rest } = r.training;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    model: { inputShape: [...r.model.inputShape], layers: r.model.configs() },
    dtype: params[0]?.value.dtype ?? 'float64',
    classes: [...r.classes],
    preprocessing: { ...r.preprocessing },
    training: { ...rest, costs: costs.map((c) => ({ [c.unit]: c.index, cost: c.cost })) },
    parameters,
    ...(buffers.length > 0 ? { buffers: Object.fromEntries(buffers.map((b) => [b.name, storeTensor(b.value)])) } : {}),
    ...(r.checkpoint !== undefined ? { checkpoint: r.checkpoint } : {}),
  };
}

/**
 * A model file's text parsed and its envelope checked (format and version); nothing in it is
 * evaluated. A version-1 document comes back converted to version 2.
 * @example const doc = parseModelText('cat.json', text);
 */
export function parseModelText(file: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ModelFileError(file, undefined, 'not a tsgrad model file (invalid or truncated JSON)');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ModelFileError(file, undefined, 'not a tsgrad model file');
  const o = doc as Record<string, unknown>;
  if (o['format'] !== MODEL_FORMAT) throw new ModelFileError(file, 'format', `expected "${MODEL_FORMAT}"`);
  if (o['version'] === 1) return convertV1(file, o);
  if (o['version'] !== MODEL_VERSION) throw new ModelFileError(file, 'version', `unknown version ${shown(o['version'])}, this tsgrad reads versions 1 and ${MODEL_VERSION}`);
  return o;
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function trainingOf(file: string, t: Record<string, unknown>): TrainingRecord {
  const costs = t['costs'] ?? [];
  if (!Array.isArray(costs)) throw new ModelFileError(file, 'training.costs', 'expected a list of {iteration, cost} or {epoch, cost}');
  const records: CostRecord[] = costs.map((c: unknown, i) => {
    const o = obj(c);
    const unit = o !== undefined && 'epoch' in o ? 'epoch' : 'iteration';
    const index = o?.[unit];
    const cost = o?.['cost'];
    if (!Number.isSafeInteger(index) || typeof cost !== 'number') throw new ModelFileError(file, `training.costs[${i}]`, `expected {${unit}: integer, cost: number}`);
    return { unit, index: index as number, cost };
  });
  const num = (k: string): number | undefined => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
  const str = (k: string): string | undefined => (typeof t[k] === 'string' ? (t[k] as string) : undefined);
  const out: TrainingRecord = { costs: records };
  const settings = t['settings'];
  if (isRunSettings(settings)) out.settings = settings;
  for (const k of ['trainAccuracy', 'testAccuracy', 'seconds', 'iterationsDone'] as const) {
    const v = num(k);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['engine', 'trainFile', 'testFile', 'augment'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  const sp = obj(t['split']);
  if (sp !== undefined) {
    const split: DataSplit = {};
    const ok = { testLast: (n: number) => Number.isSafeInteger(n) && n > 0, validation: (n: number) => n > 0 && n < 1, splitSeed: (n: number) => Number.isInteger(n) && n >= 0 && n <= 2 ** 32 - 1 };
    for (const k of ['testLast', 'validation', 'splitSeed'] as const) {
      const v = sp[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !ok[k](v)) throw new ModelFileError(file, `training.split.${k}`, `expected a valid ${k}, got ${shown(v)}`);
      split[k] = v;
    }
    out.split = split;
  }
  const d = obj(t['diverged']);
  const at = (k: string): number | undefined => (Number.isSafeInteger(d?.[k]) ? (d?.[k] as number) : undefined);
  const [iteration, epoch, batch, kept] = ['iteration', 'epoch', 'batch', 'kept'].map(at);
  if (iteration !== undefined && kept !== undefined) out.diverged = { iteration, epoch: epoch ?? iteration, batch: batch ?? 0, cost: String(d?.['cost']), kept };
  return out;
}

/**
 * A parsed document as the model it describes, every field and shape checked.
 * @example const m = modelFromDocument('cat.json', parseModelText('cat.json', text)); m.model.predict(x)
 */
export function modelFromDocument(file: string, doc: Record<string, unknown>): LoadedModel {
  const model = obj(doc['model']);
  if (model === undefined) throw new ModelFileError(file, 'model', `expected an object {inputShape, layers}, got ${shown(doc['model'])}`);
  const inputShape = model?.['inputShape'];
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new ModelFileError(file, 'model.inputShape', `expected a list of positive integers, got ${shown(inputShape)}`);
  }
  const list = model?.['layers'];
  if (!Array.isArray(list) || list.length === 0) throw new ModelFileError(file, 'model.layers', 'expected a list of layer configs');
  const dtype = doc['dtype'];
  if (dtype !== 'float64' && dtype !== 'float32') throw new ModelFileError(file, 'dtype', `expected float64 or float32, got ${shown(dtype)}`);
  let layers: LayerConfig[];
  let net: Sequential;
  try {
    layers = list.map((c: unknown, i) => checkLayerConfig(c, `model.layers[${i}]`));
    net = buildModel(inputShape as number[], layers, { init: { kind: 'zeros' }, seed: 0, dtype });
  } catch (e) {
    // The registry names the layer (`model.layers[2]`, or its text); the file is named here.
    if (e instanceof ArgumentError) throw new ModelFileError(file, e.argument.startsWith('model.layers') ? e.argument : 'model.layers', e.message.slice(e.op.length + (e.argument.startsWith('model.layers') ? e.argument.length + 4 : 2)));
    // Sizes no real file holds (an inputShape or units in the billions): too large to allocate.
    if (e instanceof RangeError) throw new ModelFileError(file, 'model', `the layers for input ${shown(inputShape)} are too large to build (${e.message})`);
    throw e;
  }
  const stored = obj(doc['parameters']);
  if (stored === undefined) throw new ModelFileError(file, 'parameters', 'expected an object of stored tensors');
  for (const p of net.parameters()) {
    const t = restoreTensor(file, `parameters.${p.name}`, stored[p.name]);
    const want = p.value.shape;
    if (t.shape.join() !== want.join() || t.dtype !== dtype) {
      throw new ModelFileError(file, `parameters.${p.name}`, `shape (${t.shape.join(', ')}) ${t.dtype} does not fit the layers: expected (${want.join(', ')}) ${dtype}`);
    }
    p.value = t;
  }
  const wanted = net.buffers();
  const storedBuffers = obj(doc['buffers']);
  if (wanted.length > 0 && storedBuffers === undefined) throw new ModelFileError(file, 'buffers', 'expected an object of stored tensors (the batch-norm layers\' moving averages)');
  for (const b of wanted) {
    const t = restoreTensor(file, `buffers.${b.name}`, storedBuffers?.[b.name]);
    if (t.shape.join() !== b.value.shape.join() || t.dtype !== dtype) {
      throw new ModelFileError(file, `buffers.${b.name}`, `shape (${t.shape.join(', ')}) ${t.dtype} does not fit the layers: expected (${b.value.shape.join(', ')}) ${dtype}`);
    }
    b.value = t;
  }
  const classes = doc['classes'];
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string') || classes.length !== net.classes) {
    throw new ModelFileError(file, 'classes', `expected ${net.classes} class names, got ${shown(classes)}`);
  }
  const pre = obj(doc['preprocessing']);
  const scale = pre?.['scale'];
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) throw new ModelFileError(file, 'preprocessing.scale', `expected a positive number, got ${shown(scale)}`);
  const standardized = standardizationOf(file, pre?.['mean'], pre?.['std'], inputShape as number[]);
  const training = obj(doc['training']);
  if (training === undefined) throw new ModelFileError(file, 'training', 'expected an object');
  const ck = obj(doc['checkpoint']);
  return {
    file,
    version: typeof doc['convertedFrom'] === 'number' ? doc['convertedFrom'] : MODEL_VERSION,
    model: net,
    layers,
    inputShape: [...(inputShape as number[])],
    dtype,
    classes: [...(classes as string[])],
    preprocessing: { scale, ...standardized },
    training: trainingOf(file, training),
    ...(ck !== undefined ? { checkpoint: ck } : {}),
  };
}

/** A model file's text as the model. @example const m = readModelText('cat.json', text); */
export function readModelText(file: string, text: string): LoadedModel {
  return modelFromDocument(file, parseModelText(file, text));
}

/**
 * A file's per-channel mean and std (--normalize standardize), both or neither: one finite
 * number per channel of the input (its last axis), the stds positive. Files without them
 * (every file before them) prepare inputs as samples / scale.
 */
function standardizationOf(file: string, mean: unknown, std: unknown, inputShape: readonly number[]): { mean?: number[]; std?: number[] } {
  if (mean === undefined && std === undefined) return {};
  const c = inputShape[inputShape.length - 1] ?? 0;
  const check = (name: string, v: unknown, positive: boolean): number[] => {
    if (!Array.isArray(v) || v.length !== c || !v.every((n) => typeof n === 'number' && Number.isFinite(n) && (!positive || n > 0))) {
      throw new ModelFileError(file, `preprocessing.${name}`, `expected ${c} ${positive ? 'positive ' : ''}numbers (one per input channel) beside preprocessing.${name === 'mean' ? 'std' : 'mean'}, got ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    return v.map(Number);
  };
  return { mean: check('mean', mean, false), std: check('std', std, true) };
}
