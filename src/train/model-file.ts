/**
 * Model files: one JSON document holding the architecture, the preprocessing, the training
 * settings and the parameters. Parameters are stored exactly, as base64 of their
 * little-endian IEEE-754 bytes. Saving is atomic: write a temporary file beside the target,
 * then rename it, so a crash never leaves a broken file where a good model was.
 * Every file has the same envelope (`format`, `version`); `model.type` says what it holds:
 * `logistic` (the single neuron) or `mlp` (a deep network).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FloatDType } from '../core/dtype.js';
import { ModelFileError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { HIDDEN_ACTIVATIONS, type HiddenActivation } from '../nn/activations.js';
import { Mlp, type OutputKind } from '../nn/mlp.js';
import { Tensor } from '../tensor/index.js';
import { MODEL_FORMAT, MODEL_VERSION, parseModelDocument } from './model-header.js';

export { MODEL_FORMAT, MODEL_VERSION } from './model-header.js';

/** A stored tensor: shape, dtype and the bytes in base64. */
export interface StoredTensor {
  shape: number[];
  dtype: FloatDType;
  base64: string;
}

/** The single neuron's file: version 1 of the format. */
export interface LogisticModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  model: { type: 'logistic'; inputShape: number[]; features: number };
  dtype: FloatDType;
  classes: string[];
  preprocessing: { layout: 'flatten-hwc-columns'; scale: number };
  training: Record<string, unknown>;
  parameters: { w: StoredTensor; b: number };
}

/** Tensor → base64 of its little-endian bytes (exact). */
export function storeTensor(t: Tensor): StoredTensor {
  if (t.dtype !== 'float64' && t.dtype !== 'float32') throw new ModelFileError('(memory)', 'parameters', `cannot store dtype ${t.dtype}`);
  const v = t.values();
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return { shape: [...t.shape], dtype: t.dtype, base64: bytes.toString('base64') };
}

/** Stored tensor → Tensor, checking that the byte count fits the shape and dtype. */
export function restoreTensor(file: string, field: string, s: unknown): Tensor {
  if (typeof s !== 'object' || s === null) throw new ModelFileError(file, field, 'expected an object with shape, dtype and base64');
  const o = s as Record<string, unknown>;
  const shape = o['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFileError(file, `${field}.shape`, 'expected a list of non-negative integers');
  }
  const dtype = o['dtype'];
  if (dtype !== 'float64' && dtype !== 'float32') throw new ModelFileError(file, `${field}.dtype`, `expected float64 or float32, got ${JSON.stringify(dtype)}`);
  if (typeof o['base64'] !== 'string') throw new ModelFileError(file, `${field}.base64`, 'expected a base64 string');
  const bytes = Buffer.from(o['base64'], 'base64');
  const width = dtype === 'float64' ? 8 : 4;
  const n = sizeOf(shape as number[]);
  if (bytes.length !== n * width) {
    throw new ModelFileError(file, field, `shape ${formatShape(shape as number[])} ${dtype} needs ${n * width} bytes, found ${bytes.length}`);
  }
  // Copy into an aligned buffer: Buffer slices may start at any byte.
  const buf = new ArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  const data = dtype === 'float64' ? new Float64Array(buf) : new Float32Array(buf);
  return new Tensor(data, shape as number[], dtype);
}

/**
 * Writes `text` to `file` atomically: a temporary sibling is written and flushed, then
 * renamed over the target. On any failure the temporary file is removed and the old file,
 * if any, is untouched.
 * @example await writeFileAtomic('model.json', JSON.stringify(m));
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, file);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, undefined, `cannot write the model file${code ? ` (${code})` : ''}: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
}

/** Saves a single-neuron model file (atomically). */
export async function saveLogisticModel(file: string, m: Omit<LogisticModelFile, 'format' | 'version' | 'parameters'> & { w: Tensor; b: number }): Promise<void> {
  const { w, b, ...rest } = m;
  const doc: LogisticModelFile = { format: MODEL_FORMAT, version: MODEL_VERSION, ...rest, parameters: { w: storeTensor(w), b } };
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 1)}\n`);
}

/** Reads a model file's JSON and checks its envelope (format and version); never evaluates anything from it. */
async function readModelDocument(file: string): Promise<object> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, undefined, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`);
  }
  return parseModelDocument(file, text);
}

/**
 * Reads and validates a single-neuron model file. Never evaluates anything from the file.
 * @example const { w, b } = await loadLogisticModel('cat.json');
 */
export async function loadLogisticModel(file: string): Promise<{ doc: LogisticModelFile; w: Tensor; b: number }> {
  return logisticFromDocument(file, await readModelDocument(file));
}

function logisticFromDocument(file: string, doc: object): { doc: LogisticModelFile; w: Tensor; b: number } {
  const o = doc as Record<string, unknown>;
  const model = o['model'] as Record<string, unknown> | undefined;
  if (model?.['type'] !== 'logistic') throw new ModelFileError(file, 'model.type', `expected "logistic", got ${JSON.stringify(model?.['type'])}`);
  const params = o['parameters'] as Record<string, unknown> | undefined;
  const w = restoreTensor(file, 'parameters.w', params?.['w']);
  const b = params?.['b'];
  if (typeof b !== 'number' || !Number.isFinite(b)) throw new ModelFileError(file, 'parameters.b', 'expected a finite number');
  if (w.ndim !== 2 || w.shape[1] !== 1 || w.shape[0] !== model['features']) {
    throw new ModelFileError(file, 'parameters.w', `shape ${formatShape(w.shape)} does not fit model.features ${String(model['features'])}`);
  }
  return { doc: doc as LogisticModelFile, w, b };
}

/** A deep network's file: the same envelope (format, version 1), model type `mlp`. */
export interface MlpModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  model: { type: 'mlp'; inputShape: number[]; features: number; layers: number[]; hidden: HiddenActivation; output: OutputKind };
  dtype: FloatDType;
  classes: string[];
  preprocessing: { layout: 'flatten-hwc-columns'; scale: number };
  training: Record<string, unknown>;
  /** W1, b1, W2, b2, …: each layer's weights (n_l, n_{l-1}) and biases (n_l, 1). */
  parameters: Record<string, StoredTensor>;
}

/** Saves a deep network with its architecture, settings and results (atomically). */
export async function saveMlpModel(file: string, m: Omit<MlpModelFile, 'format' | 'version' | 'parameters' | 'model'> & { inputShape: number[]; net: Mlp }): Promise<void> {
  const { net, inputShape, ...rest } = m;
  const { layers, hidden, output } = net.spec;
  const parameters: Record<string, StoredTensor> = {};
  for (const p of net.parameters()) parameters[p.name] = storeTensor(p.value);
  const doc: MlpModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    model: { type: 'mlp', inputShape, features: layers[0] as number, layers: [...layers], hidden, output },
    ...rest,
    parameters,
  };
  await writeFileAtomic(file, `${JSON.stringify(doc, null, 1)}\n`);
}

/**
 * Reads and validates a deep network's file and rebuilds the network.
 * @example const { net } = await loadMlpModel('deep.json'); net.predict(X)
 */
export async function loadMlpModel(file: string): Promise<{ doc: MlpModelFile; net: Mlp }> {
  return mlpFromDocument(file, await readModelDocument(file));
}

function mlpFromDocument(file: string, doc: object): { doc: MlpModelFile; net: Mlp } {
  const o = doc as Record<string, unknown>;
  const model = o['model'] as Record<string, unknown> | undefined;
  if (model?.['type'] !== 'mlp') throw new ModelFileError(file, 'model.type', `expected "mlp", got ${JSON.stringify(model?.['type'])}`);
  const layers = model['layers'];
  if (!Array.isArray(layers) || layers.length < 2 || !layers.every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new ModelFileError(file, 'model.layers', 'expected a list of at least 2 positive integers');
  }
  const sizes = layers as number[];
  const hidden = model['hidden'];
  if (typeof hidden !== 'string' || !(HIDDEN_ACTIVATIONS as readonly string[]).includes(hidden)) {
    throw new ModelFileError(file, 'model.hidden', `expected one of ${HIDDEN_ACTIVATIONS.join(', ')}, got ${JSON.stringify(hidden)}`);
  }
  const output = model['output'];
  if (output !== 'sigmoid' && output !== 'softmax') throw new ModelFileError(file, 'model.output', `expected "sigmoid" or "softmax", got ${JSON.stringify(output)}`);
  const params = o['parameters'];
  if (typeof params !== 'object' || params === null) throw new ModelFileError(file, 'parameters', 'expected an object of stored tensors');
  const stored = params as Record<string, unknown>;
  const pairs = [];
  for (let l = 1; l < sizes.length; l++) {
    const W = restoreTensor(file, `parameters.W${l}`, stored[`W${l}`]);
    const b = restoreTensor(file, `parameters.b${l}`, stored[`b${l}`]);
    const [nOut, nIn] = [sizes[l] as number, sizes[l - 1] as number];
    if (W.ndim !== 2 || W.shape[0] !== nOut || W.shape[1] !== nIn) {
      throw new ModelFileError(file, `parameters.W${l}`, `shape ${formatShape(W.shape)} does not fit model.layers [${sizes.join(', ')}]: expected (${nOut}, ${nIn})`);
    }
    if (b.ndim !== 2 || b.shape[0] !== nOut || b.shape[1] !== 1) {
      throw new ModelFileError(file, `parameters.b${l}`, `shape ${formatShape(b.shape)} does not fit model.layers [${sizes.join(', ')}]: expected (${nOut}, 1)`);
    }
    pairs.push({ W, b });
  }
  let net: Mlp;
  try {
    net = new Mlp({ layers: sizes, hidden: hidden as HiddenActivation, output }, pairs);
  } catch (e) {
    throw new ModelFileError(file, 'model', e instanceof Error ? e.message : String(e));
  }
  return { doc: doc as MlpModelFile, net };
}

/** Any model file, by its `model.type`. */
export type LoadedModel =
  | ({ type: 'logistic' } & Awaited<ReturnType<typeof loadLogisticModel>>)
  | ({ type: 'mlp' } & Awaited<ReturnType<typeof loadMlpModel>>);

/**
 * Reads a model file of any type: the single neuron (`logistic`) or a deep network (`mlp`).
 * @example const m = await loadModel('model.json'); if (m.type === 'mlp') m.net.predict(X);
 */
export async function loadModel(file: string): Promise<LoadedModel> {
  const doc = await readModelDocument(file);
  const type = ((doc as Record<string, unknown>)['model'] as Record<string, unknown> | undefined)?.['type'];
  if (type === 'logistic') return { type, ...logisticFromDocument(file, doc) };
  if (type === 'mlp') return { type, ...mlpFromDocument(file, doc) };
  throw new ModelFileError(file, 'model.type', `unknown model type ${JSON.stringify(type)}, expected "logistic" or "mlp"`);
}
