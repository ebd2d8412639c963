/**
 * Model files: one JSON document holding the architecture, the preprocessing, the training
 * settings and the parameters. Parameters are stored exactly, as base64 of their
 * little-endian IEEE-754 bytes. Saving is atomic: write a temporary file beside the target,
 * then rename it, so a crash never leaves a broken file where a good model was.
 * Every file has the same envelope (`format`, `version`); `model.type` says what it holds:
 * `logistic` (the single neuron) or `mlp` (a deep network).
 */
import { promises as fs } from 'node:fs';
import { DataError, ModelFileError } from '../core/errors.js';
import { writeFileAtomic as writeAtomic } from '../data/atomic-write.js';
import type { Mlp } from '../nn/mlp.js';
import type { Tensor } from '../tensor/index.js';
import {
  logisticDocument,
  logisticFromDocument,
  mlpDocument,
  mlpFromDocument,
  modelFromDocument,
  type LogisticModelFile,
  type MlpModelFile,
} from './model-document.js';
import { parseModelDocument } from './model-header.js';

export { MODEL_FORMAT, MODEL_VERSION } from './model-header.js';
export { restoreTensor, storeTensor, type LogisticModelFile, type MlpModelFile, type StoredTensor } from './model-document.js';

/**
 * Writes `text` to `file` atomically: a temporary sibling is written and flushed, then
 * renamed over the target. On any failure the temporary file is removed and the old file,
 * if any, is untouched.
 * @example await writeFileAtomic('model.json', JSON.stringify(m));
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  try {
    await writeAtomic(file, text);
  } catch (e) {
    const reason = e instanceof DataError ? e.message.slice(file.length + 2).replace(/^cannot write/, '') : String(e);
    throw new ModelFileError(file, undefined, `cannot write the model file${reason}`);
  }
}

/** Saves a single-neuron model file (atomically). */
export async function saveLogisticModel(file: string, m: Omit<LogisticModelFile, 'format' | 'version' | 'parameters'> & { w: Tensor; b: number }): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(logisticDocument(m), null, 1)}\n`);
}

/** Reads a model file's JSON and checks its envelope (format and version); never evaluates anything from it. */
export async function readModelDocument(file: string): Promise<object> {
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

/** Saves a deep network with its architecture, settings and results (atomically). */
export async function saveMlpModel(file: string, m: Omit<MlpModelFile, 'format' | 'version' | 'parameters' | 'model'> & { inputShape: number[]; net: Mlp }): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(mlpDocument(m), null, 1)}\n`);
}

/**
 * Reads and validates a deep network's file and rebuilds the network.
 * @example const { net } = await loadMlpModel('deep.json'); net.predict(X)
 */
export async function loadMlpModel(file: string): Promise<{ doc: MlpModelFile; net: Mlp }> {
  return mlpFromDocument(file, await readModelDocument(file));
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
  return modelFromDocument(file, await readModelDocument(file));
}
