/**
 * A short-trained single neuron saved as a model file, for the plot, landscape and predict
 * command tests. Trained once per test file (200 iterations), saved into a temp folder as
 * \`tsgrad train --save\` saves it.
 */
import { join } from 'node:path';
import type { LoadedData } from '../../src/app/data.js';
import type { RunResult } from '../../src/app/run.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { saveModelFile } from '../../src/io/files.js';
import { tempDir } from '../data/fixtures.js';
import { shortTraining, type ShortTraining } from '../viz/helpers.js';

/** Saves a run's model with its training record. */
export async function saveRun(file: string, r: RunResult, data: LoadedData): Promise<void> {
  const training = { settings: r.settings, engine: r.engine.engine, costs: r.records, trainAccuracy: r.trainAccuracy, ...(r.testAccuracy !== undefined ? { testAccuracy: r.testAccuracy } : {}), trainFile: data.train.file, testFile: data.test.file };
  await saveModelFile(file, { model: r.model, classes: r.classes, preprocessing: PIXELS, training });
}

export async function savedModel(): Promise<{ file: string; dir: string } & ShortTraining> {
  const t = await shortTraining();
  const dir = await tempDir();
  const file = join(dir, 'cat.json');
  await saveRun(file, t.result, t.data);
  return { file, dir, ...t };
}
