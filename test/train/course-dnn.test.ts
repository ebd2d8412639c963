import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatData, type CatData } from '../../src/train/dataset.js';
import type { MlpEngine } from '../../src/train/fit-gram.js';
import { MLP_DEFAULTS, trainMlp, type MlpResult } from '../../src/train/mlp.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
// Written by test/nn/fixtures/course_dnn.py: the course's two_layer_model and L_layer_model in numpy.
const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));

interface CourseRun {
  layers: number[];
  costs: { iteration: number; cost: number }[];
  train: { percent: number };
  test: { percent: number };
  seconds: number;
}
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { two_layer: CourseRun; L_layer: CourseRun };

// The fast engine (first layer in the span of the samples) runs the full 2500 iterations in
// a few seconds, so they are checked by default. The plain engine (autodiff through the
// 12288-wide first layer) takes minutes: by default its first 101 iterations, the full runs
// with TSGRAD_SLOW=1.
const SLOW = process.env['TSGRAD_SLOW'] === '1';
const MINUTES = 60_000;

let data: CatData;
beforeAll(async () => {
  data = await loadCatData({ data: SHARED });
});

const runs = {
  'the 2-layer model (12288, 7, 1), init scaled:0.01': { ref: fixture.two_layer, init: 'scaled:0.01', train: 100, test: 72 },
  'the L-layer model [12288, 20, 7, 5, 1], init course': { ref: fixture.L_layer, init: 'course', train: 98.56459330143541, test: 80 },
};

function train(ref: CourseRun, init: string, iterations: number, engine: MlpEngine): MlpResult {
  const r = trainMlp(data, { ...MLP_DEFAULTS, layers: ref.layers, init, seed: 1, learningRate: 0.0075, epochs: iterations, engine });
  expect(r.engine).toEqual({ engine });
  return r;
}

function expectCourseCosts(r: MlpResult, ref: CourseRun, iterations: number): void {
  // numpy printed every 100th iteration and the 2500th; a shorter run prints its own last.
  const want = ref.costs.filter((c) => c.iteration < iterations);
  const printed = r.costs.filter((c) => c.index % 100 === 0 || c.index === 2499);
  expect(printed.map((c) => c.index)).toEqual(want.map((c) => c.iteration));
  const diff = Math.max(...printed.map((c, i) => Math.abs(c.cost - want[i]!.cost)));
  expect(diff).toBeLessThan(1e-8);
}

describe("the course's deep networks on catvnoncat against numpy (seed 1, lr 0.0075)", () => {
  for (const [name, { ref, init, train: trainAcc, test: testAcc }] of Object.entries(runs)) {
    it(`${name}, plain engine: the first 101 iterations print numpy's costs to 1e-8`, () => {
      const r = train(ref, init, 101, 'plain');
      expectCourseCosts(r, ref, 101);
      expect(r.costs.map((c) => c.index)).toEqual([0, 100]);
    }, 15 * MINUTES);

    for (const engine of ['fast', 'plain'] as const) {
      it.runIf(engine === 'fast' || SLOW)(`${name}, ${engine} engine: 2500 iterations print numpy's costs to 1e-8, accuracies ${trainAcc} % / ${testAcc} %`, () => {
        const r = train(ref, init, 2500, engine);
        expectCourseCosts(r, ref, 2500);
        // The last iteration is printed too, as the course's loop does.
        expect(r.costs.at(-1)?.index).toBe(2499);
        expect(r.trainAccuracy).toBe(trainAcc);
        expect(r.testAccuracy).toBe(testAcc);
        expect(ref.train.percent).toBe(trainAcc);
        expect(ref.test.percent).toBe(testAcc);
      }, 60 * MINUTES);
    }
  }
});
