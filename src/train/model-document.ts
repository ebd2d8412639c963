/**
 * Model files as documents, without files: the JSON object of each model type built from its
 * parameters, and read back with every field checked. Browser-safe (no Buffer, no fs), so the
 * CLI (./model-file.ts adds the reading and atomic writing) and the web page write and read
 * exactly the same documents. Parameters are base64 of their little-endian IEEE-754 bytes,
 * so they round-trip bit for bit.
 */
import type { FloatDType } from '../core/dtype.js';
import { firstNonFinite } from '../core/dtype.js';
import { ModelFileError } from '../core/errors.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { HIDDEN_ACTIVATIONS, type HiddenActivation } from '../nn/activations.js';
import { Mlp, type OutputKind } from '../nn/mlp.js';
import { Tensor } from '../tensor/index.js';
import { MODEL_FORMAT, MODEL_VERSION } from './model-header.js';

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
  /** A stopped run's exact state, to resume from (docs/model-format.md, "Checkpoints"). */
  checkpoint?: Record<string, unknown>;
  parameters: { w: StoredTensor; b: number };
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
  /** A stopped run's exact state, to resume from (docs/model-format.md, "Checkpoints"). */
  checkpoint?: Record<string, unknown>;
  /** W1, b1, W2, b2, …: each layer's weights (n_l, n_{l-1}) and biases (n_l, 1). */
  parameters: Record<string, StoredTensor>;
}

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(file: string, field: string, s: string): Uint8Array {
  let text: string;
  try {
    text = atob(s);
  } catch {
    throw new ModelFileError(file, field, 'not valid base64');
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/**
 * Tensor → base64 of its little-endian bytes (exact).
 * @example storeTensor(fromArray([[1, 2]])) // { shape: [1, 2], dtype: 'float64', base64: 'AAAAAAAA8D8AAAAAAAAAQA==' }
 */
export function storeTensor(t: Tensor): StoredTensor {
  if (t.dtype !== 'float64' && t.dtype !== 'float32') throw new ModelFileError('(memory)', 'parameters', `cannot store dtype ${t.dtype}`);
  if (!littleEndian()) throw new ModelFileError('(memory)', 'parameters', 'saving needs a little-endian machine');
  const v = t.values();
  return { shape: [...t.shape], dtype: t.dtype, base64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
}

/**
 * Stored tensor → Tensor, checking that the byte count fits the shape and dtype.
 * @example restoreTensor('m.json', 'parameters.W1', doc.parameters.W1).shape // [7, 12288]
 */
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
  const bytes = fromBase64(file, `${field}.base64`, o['base64']);
  const width = dtype === 'float64' ? 8 : 4;
  const n = sizeOf(shape as number[]);
  if (bytes.length !== n * width) {
    throw new ModelFileError(file, field, `shape ${formatShape(shape as number[])} ${dtype} needs ${n * width} bytes, found ${bytes.length}`);
  }
  if (!littleEndian()) throw new ModelFileError(file, 'parameters', 'loading needs a little-endian machine');
  const data = dtype === 'float64' ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
  const bad = firstNonFinite(data);
  if (bad >= 0) throw new ModelFileError(file, field, `element ${bad} is ${data[bad]}: a model's numbers must be finite`);
  return new Tensor(data, shape as number[], dtype);
}

/**
 * The single neuron's document (format, version, the given header, the parameters).
 * @example JSON.stringify(logisticDocument({ model, dtype, classes, preprocessing, training, w, b }))
 */
export function logisticDocument(m: Omit<LogisticModelFile, 'format' | 'version' | 'parameters'> & { w: Tensor; b: number }): LogisticModelFile {
  const { w, b, ...rest } = m;
  return { format: MODEL_FORMAT, version: MODEL_VERSION, ...rest, parameters: { w: storeTensor(w), b } };
}

/**
 * A deep network's document: its architecture from `net.spec`, W1, b1, … as stored tensors.
 * @example JSON.stringify(mlpDocument({ inputShape: [64, 64, 3], net, dtype: 'float64', classes, preprocessing, training }))
 */
export function mlpDocument(m: Omit<MlpModelFile, 'format' | 'version' | 'parameters' | 'model'> & { inputShape: number[]; net: Mlp }): MlpModelFile {
  const { net, inputShape, ...rest } = m;
  const { layers, hidden, output } = net.spec;
  const parameters: Record<string, StoredTensor> = {};
  for (const p of net.parameters()) parameters[p.name] = storeTensor(p.value);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    model: { type: 'mlp', inputShape, features: layers[0] as number, layers: [...layers], hidden, output },
    ...rest,
    parameters,
  };
}

/**
 * A parsed single-neuron document's parameters, checked against `model.features`.
 * @example const { w, b } = logisticFromDocument('cat.json', parseModelDocument('cat.json', text));
 */
export function logisticFromDocument(file: string, doc: object): { doc: LogisticModelFile; w: Tensor; b: number } {
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

/**
 * A parsed deep-network document as the network it describes, every shape checked.
 * @example const { net } = mlpFromDocument('deep.json', parseModelDocument('deep.json', text));
 */
export function mlpFromDocument(file: string, doc: object): { doc: MlpModelFile; net: Mlp } {
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

/** Any model document, by its `model.type`. */
export type ModelFromDocument =
  | ({ type: 'logistic' } & ReturnType<typeof logisticFromDocument>)
  | ({ type: 'mlp' } & ReturnType<typeof mlpFromDocument>);

/**
 * A parsed document of any model type: the single neuron (`logistic`) or a deep network (`mlp`).
 * @example const m = modelFromDocument(file, parseModelDocument(file, text)); if (m.type === 'mlp') m.net.predict(X);
 */
export function modelFromDocument(file: string, doc: object): ModelFromDocument {
  const type = ((doc as Record<string, unknown>)['model'] as Record<string, unknown> | undefined)?.['type'];
  if (type === 'logistic') return { type, ...logisticFromDocument(file, doc) };
  if (type === 'mlp') return { type, ...mlpFromDocument(file, doc) };
  throw new ModelFileError(file, 'model.type', `unknown model type ${JSON.stringify(type)}, expected "logistic" or "mlp"`);
}
