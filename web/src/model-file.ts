/**
 * The CLI's model files (docs/model-format.md) in the browser: the single neuron's document
 * written and read without Node's Buffer or fs. Parameters are base64 of the little-endian
 * IEEE-754 bytes, so a model round-trips bit for bit between the page and `tsgrad predict`.
 */
import { ModelFileError } from '../../src/core/errors.js';
import { MODEL_FORMAT, MODEL_VERSION, parseModelDocument } from '../../src/train/model-header.js';

export { MODEL_FORMAT, MODEL_VERSION } from '../../src/train/model-header.js';

/** What the page saves about a model besides its parameters. */
export interface PageModel {
  w: Float64Array;
  b: number;
  inputShape: number[];
  classes: string[];
  training: {
    iterations: number;
    learningRate: number;
    costs: { iteration: number; cost: number }[];
    trainAccuracy: number | null;
    testAccuracy: number | null;
    trainFile: string | null;
    testFile: string | null;
  };
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
 * The model file's JSON text for the single neuron, as `tsgrad train --save` writes it.
 * @example download(modelFileText({ w, b, inputShape: [64, 64, 3], classes, training }));
 */
export function modelFileText(m: PageModel): string {
  if (!littleEndian()) throw new ModelFileError('(memory)', 'parameters', 'saving needs a little-endian machine');
  const features = m.inputShape.reduce((a, d) => a * d, 1);
  const t = m.training;
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    model: { type: 'logistic', inputShape: m.inputShape, features },
    dtype: 'float64',
    classes: m.classes,
    preprocessing: { layout: 'flatten-hwc-columns', scale: 255 },
    training: {
      engine: 'fast (browser)',
      iterations: t.iterations,
      learningRate: t.learningRate,
      init: 'zeros',
      optimizer: 'gradient-descent (full batch)',
      costs: t.costs,
      ...(t.trainAccuracy !== null ? { trainAccuracy: t.trainAccuracy } : {}),
      ...(t.testAccuracy !== null ? { testAccuracy: t.testAccuracy } : {}),
      ...(t.trainFile !== null ? { trainFile: t.trainFile } : {}),
      ...(t.testFile !== null ? { testFile: t.testFile } : {}),
    },
    parameters: {
      w: { shape: [features, 1], dtype: 'float64', base64: toBase64(new Uint8Array(m.w.buffer, m.w.byteOffset, m.w.byteLength)) },
      b: m.b,
    },
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}

/** A single-neuron model read from a file: what the page needs to predict with it. */
export interface LoadedNeuron {
  w: Float64Array;
  b: number;
  inputShape: number[];
  classes: string[];
}

/**
 * Reads a single-neuron model file's text, checking each field as the CLI's loader does;
 * a ModelFileError names the file and the field. Nothing in the file is evaluated.
 * @example const { w, b } = parseModelFile('cat.json', await file.text());
 */
export function parseModelFile(file: string, text: string): LoadedNeuron {
  const o = parseModelDocument(file, text);
  const model = o['model'];
  if (typeof model !== 'object' || model === null) throw new ModelFileError(file, 'model', 'expected an object');
  const mo = model as Record<string, unknown>;
  if (mo['type'] !== 'logistic') {
    throw new ModelFileError(file, 'model.type', `this page trains and loads the single neuron ("logistic"), got ${JSON.stringify(mo['type'])}`);
  }
  const inputShape = mo['inputShape'];
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || inputShape[2] !== 3 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ModelFileError(file, 'model.inputShape', 'expected [height, width, 3]');
  }
  const shape = inputShape as number[];
  const features = shape.reduce((a, d) => a * d, 1);
  if (mo['features'] !== features) throw new ModelFileError(file, 'model.features', `expected ${features} for inputShape [${shape.join(', ')}]`);
  const pre = o['preprocessing'] as Record<string, unknown> | undefined;
  if (pre?.['layout'] !== 'flatten-hwc-columns' || pre['scale'] !== 255) {
    throw new ModelFileError(file, 'preprocessing', 'expected { layout: "flatten-hwc-columns", scale: 255 }');
  }
  const classes = o['classes'];
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) throw new ModelFileError(file, 'classes', 'expected a list of strings');
  const params = o['parameters'] as Record<string, unknown> | undefined;
  const ws = params?.['w'] as Record<string, unknown> | undefined;
  if (ws === undefined || typeof ws !== 'object' || ws === null) throw new ModelFileError(file, 'parameters.w', 'expected an object with shape, dtype and base64');
  const wShape = ws['shape'];
  if (!Array.isArray(wShape) || wShape.length !== 2 || wShape[0] !== features || wShape[1] !== 1) {
    throw new ModelFileError(file, 'parameters.w', `shape ${JSON.stringify(wShape)} does not fit model.features ${features}`);
  }
  const dtype = ws['dtype'];
  if (dtype !== 'float64' && dtype !== 'float32') throw new ModelFileError(file, 'parameters.w.dtype', `expected float64 or float32, got ${JSON.stringify(dtype)}`);
  if (typeof ws['base64'] !== 'string') throw new ModelFileError(file, 'parameters.w.base64', 'expected a base64 string');
  const bytes = fromBase64(file, 'parameters.w.base64', ws['base64']);
  const width = dtype === 'float64' ? 8 : 4;
  if (bytes.length !== features * width) {
    throw new ModelFileError(file, 'parameters.w', `shape (${features}, 1) ${dtype} needs ${features * width} bytes, found ${bytes.length}`);
  }
  if (!littleEndian()) throw new ModelFileError(file, 'parameters', 'loading needs a little-endian machine');
  const values = dtype === 'float64' ? new Float64Array(bytes.buffer) : new Float32Array(bytes.buffer);
  const b = params?.['b'];
  if (typeof b !== 'number' || !Number.isFinite(b)) throw new ModelFileError(file, 'parameters.b', 'expected a finite number');
  return { w: Float64Array.from(values), b, inputShape: shape, classes: classes as string[] };
}
