/** Saving a trained deep network to a model file (Node: writes the file atomically). */
import { dataRecord } from './checkpoint.js';
import type { CatData } from './dataset.js';
import { storeMlpCheckpoint, type MlpCheckpoint } from './mlp-run.js';
import { mlpTrainingRecord, type MlpResult } from './mlp.js';
import { saveMlpModel } from './model-file.js';

/**
 * Saves a trained network with its settings and results.
 * @example await saveMlp('deep.json', data, trainMlp(data, settings));
 */
export async function saveMlp(file: string, data: CatData, r: MlpResult, checkpoint?: MlpCheckpoint): Promise<void> {
  const diverged = r.fit.diverged;
  await saveMlpModel(file, {
    inputShape: [...data.train.x.shape.slice(1)],
    net: r.net,
    dtype: 'float64',
    classes: r.classes,
    preprocessing: { layout: 'flatten-hwc-columns', scale: 255 },
    training: {
      ...mlpTrainingRecord(r.settings, { ...r, output: r.net.spec.output, trainFile: data.train.file, testFile: data.test.file }),
      ...(diverged !== undefined ? { diverged: { ...diverged, cost: String(diverged.cost) } } : {}),
    },
    ...(checkpoint !== undefined ? { checkpoint: storeMlpCheckpoint(checkpoint, dataRecord(data)) } : {}),
  });
}
