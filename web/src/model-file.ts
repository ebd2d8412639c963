/**
 * Model files on the page, through the CLI's own browser-safe code (src/io/model-file.ts):
 * saved as version 2 with the record `tsgrad train --save` writes, read in any version with
 * `readModelText`, so a model goes between the page and the CLI bit for bit, and a float32
 * file predicts in float32 here as it does there.
 */
import type { RunResult } from '../../src/app/run.js';
import { NEURON } from '../../src/app/settings.js';
import { ModelFileError } from '../../src/core/errors.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { modelDocument, readModelText, type LoadedModel, type ModelRecord } from '../../src/io/model-file.js';
import { archText } from '../../src/nn/registry.js';
import type { LoadedModelInfo, ModelSettings } from './protocol.js';

const text = (r: ModelRecord): string => `${JSON.stringify(modelDocument(r), null, 1)}\n`;

/** The page's neuron settings (it trains the neuron as the notes do, whatever trained the file). @example new PageRun(data, NEURON_MODEL, 0.005, 5) */
export const NEURON_MODEL: ModelSettings = { layers: NEURON.layers, init: NEURON.init, seed: NEURON.seed, optimizer: NEURON.optimizer, engine: NEURON.engine };

/** Whether `m` is the single neuron. @example isNeuron(NEURON_MODEL) // true */
export function isNeuron(m: Pick<ModelSettings, 'layers'>): boolean {
  return archText(m.layers) === archText(NEURON.layers);
}

/**
 * A run's model file text, as `tsgrad train --save` writes it: the settings say the
 * iterations (or, with mini-batches, the epochs) done, `done` (the page decides where a run stops).
 * @example download(runFileText(run.result(), { train: 'train_catvnoncat.h5', test: 'test_catvnoncat.h5' }, pageRun.iterations));
 */
export function runFileText(r: RunResult, files: { train: string; test: string }, done = r.iterations): string {
  const dv = r.diverged;
  return text({
    model: r.model,
    classes: r.classes,
    preprocessing: PIXELS,
    training: {
      settings: { ...r.settings, epochs: Math.max(1, done) },
      engine: r.engine.engine,
      costs: r.records,
      trainAccuracy: r.trainAccuracy,
      ...(r.testAccuracy !== undefined ? { testAccuracy: r.testAccuracy } : {}),
      trainFile: files.train,
      testFile: files.test,
      seconds: r.seconds,
      ...(dv !== undefined ? { diverged: { ...dv, cost: String(dv.cost) } } : {}),
    },
  });
}

/** A loaded file saved again as it is (version 2, without a checkpoint). @example loadedFileText(readModelText(name, text)) */
export function loadedFileText(m: LoadedModel): string {
  return text({ model: m.model, classes: m.classes, preprocessing: m.preprocessing, training: m.training });
}

/**
 * Reads a model file of any version as the CLI does: a ModelFileError names the file and the
 * field. Nothing in the file is evaluated. The page shows photos as RGB images.
 * @example const { loaded, info } = readPageModel('cat.json', await file.text());
 */
export function readPageModel(file: string, content: string): { loaded: LoadedModel; info: LoadedModelInfo } {
  const loaded = readModelText(file, content);
  const shape = loaded.inputShape;
  if (shape.length !== 3 || shape[2] !== 3) throw new ModelFileError(file, 'model.inputShape', `the page shows RGB images (h, w, 3), this model takes (${shape.join(', ')})`);
  const s = loaded.training.settings;
  const neuron = isNeuron(loaded);
  const model: ModelSettings = neuron ? NEURON_MODEL : { layers: loaded.layers, init: s?.init ?? 'course', seed: s?.seed ?? 1, optimizer: s?.optimizer ?? 'gd', engine: s?.engine ?? 'auto', ...(s?.batchSize !== undefined ? { batchSize: s.batchSize } : {}) };
  const inputs = shape.join('×');
  return {
    loaded,
    info: {
      description: neuron ? `single neuron (logistic regression) on ${inputs} inputs` : `network ${archText(loaded.layers)} on ${inputs} inputs`,
      dtype: loaded.dtype,
      inputShape: [...shape],
      classes: [...loaded.classes],
      model,
      learningRate: s?.learningRate ?? null,
    },
  };
}
