// Every version-1 file today's tsgrad wrote (test/fixtures/model-v1, made by commit 02279f3)
// loads, predicts what the old code predicted, and resumes to the old unbroken run's costs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainingRun } from '../../src/app/run.js';
import { asDataset, loadLabelledImages, type Dataset } from '../../src/data/dataset.js';
import { prepareInputs } from '../../src/data/preprocess.js';
import { checkData, restoreCheckpoint } from '../../src/io/checkpoint.js';
import { readModelText } from '../../src/io/model-file.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const DIR = fileURLToPath(new URL('../fixtures/model-v1/', import.meta.url));

interface Printed { iteration?: number; epoch?: number; cost: number }
interface Expected {
  dtype: string;
  testProbabilities: number[];
  testAccuracy: number;
  checkpoint?: { iteration: number };
  unbroken?: { printedCosts: Printed[]; trainAccuracy: number; testAccuracy: number };
}
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as { fixtures: Record<string, Expected> };

let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  train = asDataset(await loadLabelledImages(`${SHARED}train_catvnoncat.h5`));
  test = asDataset(await loadLabelledImages(`${SHARED}test_catvnoncat.h5`));
});

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('version-1 model files', () => {
  for (const [name, e] of Object.entries(expected.fixtures)) {
    it(`${name} loads and predicts the old probabilities`, () => {
      const m = readModelText(name, readFileSync(DIR + name, 'utf8'));
      expect(m.version).toBe(1);
      const p = m.model.probabilities(prepareInputs(test.x, m.preprocessing, m.dtype));
      const k = p.shape[1] as number;
      const ones = Array.from({ length: 50 }, (_, j) => p.values()[j * k + (k - 1)] as number);
      const tol = e.dtype === 'float32' ? 1e-5 : 1e-12;
      ones.forEach((v, j) => expect(rel(v, e.testProbabilities[j] as number)).toBeLessThan(tol));
      const acc = (100 * ones.filter((v, j) => (v > 0.5 ? 1 : 0) === test.labels.values()[j]).length) / 50;
      expect(acc).toBe(e.testAccuracy);
    });
    if (e.unbroken !== undefined) {
      const u = e.unbroken;
      it(`${name} resumes to the unbroken run's costs and accuracies`, () => {
        const m = readModelText(name, readFileSync(DIR + name, 'utf8'));
        const ck = restoreCheckpoint(name, m.checkpoint ?? {}, m.training.costs);
        checkData(name, ck.data, { train, test });
        expect(ck.trainer.iteration).toBe(e.checkpoint?.iteration);
        const run = new TrainingRun({ train, test }, ck.settings, { resume: ck });
        run.advance();
        const r = run.result();
        expect(r.records.map((c) => c.index)).toEqual(u.printedCosts.map((c) => c.iteration ?? c.epoch));
        r.records.forEach((c, i) => expect(rel(c.cost, u.printedCosts[i]?.cost as number)).toBeLessThan(1e-11));
        expect(r.trainAccuracy).toBe(u.trainAccuracy);
        expect(r.testAccuracy).toBe(u.testAccuracy);
      });
    }
  }
});
