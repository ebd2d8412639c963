import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInitializer } from '../../src/nn/init.js';
import { Mlp, oneHot } from '../../src/nn/mlp.js';
import type { HiddenActivation } from '../../src/nn/activations.js';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import { fit } from '../../src/train/fit.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));

interface Variant {
  name: string;
  layers: number[];
  hidden?: HiddenActivation;
  output?: 'sigmoid' | 'softmax';
  init: string;
  seed?: number;
  learning_rate: number;
  epochs: number;
  batch_size?: number;
  optimizer?: string;
  beta?: number;
  beta1?: number;
  beta2?: number;
  l2?: number;
  keep_prob?: number;
  dropout_seed?: number;
  decay?: number;
  decay_interval?: number;
  costs: number[];
  epochCosts: number[];
}

const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { variants: Variant[] };
let data: CatData;
beforeAll(async () => {
  data = await loadCatData({ data: SHARED });
});

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] as number))), 0);
}

// test/nn/fixtures/course_dnn.py, part 2: the course's optimisers and regularisation in numpy.
describe('fit against the numpy reference (short runs, every cost)', () => {
  for (const v of fixture.variants) {
    it(v.name, () => {
      const net = Mlp.initialize(
        { layers: v.layers, hidden: v.hidden ?? 'relu', output: v.output ?? 'sigmoid', keepProb: v.keep_prob ?? 1 },
        parseInitializer(v.init),
        v.seed ?? 1,
      );
      const Y = v.output === 'softmax' ? oneHot(data.trainY, 2) : data.trainY;
      const r = fit(net, { X: data.trainX, Y }, {
        learningRate: v.learning_rate,
        epochs: v.epochs,
        optimizer: v.optimizer ?? 'gd',
        ...(v.batch_size !== undefined ? { batchSize: v.batch_size } : {}),
        ...(v.beta !== undefined ? { beta: v.beta } : {}),
        ...(v.beta2 !== undefined ? { beta2: v.beta2 } : {}),
        ...(v.l2 !== undefined ? { l2: v.l2 } : {}),
        ...(v.dropout_seed !== undefined ? { dropoutSeed: v.dropout_seed } : {}),
        ...(v.decay !== undefined ? { decay: { rate: v.decay, interval: v.decay_interval ?? 1 } } : {}),
      });
      const d = maxAbsDiff(r.costs, v.costs);
      console.log(v.name, d, r.seconds);
      expect(d).toBeLessThan(1e-8);
      expect(maxAbsDiff(r.epochCosts, v.epochCosts)).toBeLessThan(1e-8);
    });
  }
});
