/** Reading a model file from disk as a LossModel (Node); the document itself is read by browser-safe code. */
import { lossModelFromDocument, type LossModel } from './loss-model.js';
import { loadModel } from './model-file.js';

/**
 * Loads any model file as a LossModel, by its `model.type`: `logistic` (the single neuron)
 * or `mlp` (a deep network). Never evaluates anything from the file.
 * @example const model = await loadLossModel('cat.json');
 */
export async function loadLossModel(file: string): Promise<LossModel> {
  return lossModelFromDocument(file, await loadModel(file));
}
