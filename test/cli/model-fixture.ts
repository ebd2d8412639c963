/**
 * A short-trained single neuron saved as a model file, for the plot, landscape and predict
 * command tests. Trained once per test file (200 iterations), saved into a temp folder.
 */
import { join } from 'node:path';
import { saveSingleNeuron } from '../../src/train/single-neuron.js';
import { tempDir } from '../data/fixtures.js';
import { shortTraining } from '../viz/helpers.js';

export async function savedModel(): Promise<{ file: string; dir: string } & Awaited<ReturnType<typeof shortTraining>>> {
  const t = await shortTraining();
  const dir = await tempDir();
  const file = join(dir, 'cat.json');
  await saveSingleNeuron(file, t.data, t.result);
  return { file, dir, ...t };
}
