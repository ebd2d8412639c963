import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lossSet } from '../../src/analysis/landscape.js';
import { trajectoryCsv } from '../../src/analysis/landscape-csv.js';
import { computeTrajectory, symmetricEigen } from '../../src/analysis/trajectory.js';
import { lossOn } from '../../src/train/evaluate.js';
import { trainingReplay } from '../../src/app/replay.js';
import { NEURON } from '../../src/app/settings.js';
import { ArgumentError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { buildModel } from '../../src/nn/registry.js';
import { shortTraining } from '../viz/helpers.js';

async function setup() {
  const { data, settings, result } = await shortTraining();
  const replay = trainingReplay({ settings, engine: result.engine.engine }, { train: data.train });
  return { data, result, trained: { model: result.model, settings }, replay, train: lossSet(data.train, PIXELS, 'float64') };
}

describe('symmetricEigen', () => {
  it('finds the eigenpairs of a small symmetric matrix, largest first', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(vectors[0]?.[0] ?? 0)).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('satisfies A v = λ v with orthonormal v (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 10_000 }), (n, seed) => {
        const r = new RandomState(seed).randnArray(n * n);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (r[i * n + j] as number) + (r[j * n + i] as number);
        const { values, vectors } = symmetricEigen(a, n);
        for (let k = 0; k < n; k++) {
          const v = vectors[k] as number[];
          for (let i = 0; i < n; i++) {
            let av = 0;
            for (let j = 0; j < n; j++) av += (a[i * n + j] as number) * (v[j] as number);
            expect(av).toBeCloseTo((values[k] as number) * (v[i] as number), 9);
          }
          expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
          if (k > 0) expect(values[k]).toBeLessThanOrEqual((values[k - 1] as number) + 1e-12);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('the training trajectory on PCA directions', () => {
  it('replays training from zeros to the trained point and projects it', async () => {
    const { result, trained, replay, train } = await setup();
    const seen: number[] = [];
    const t = await computeTrajectory(trained, train, replay, { checkpoints: 5, gridSize: 5, onProgress: (d) => void seen.push(d) });
    expect(t.steps).toEqual([0, 40, 80, 120, 160, 200]);
    // The same run on the same step strategy retraces training bit for bit.
    expect(t.replayError).toBe(0);
    expect(t.x.at(-1)).toBe(0);
    expect(t.y.at(-1)).toBe(0);
    // Step 0 is the zeros: loss ln 2 exactly as the model computes it; the path goes downhill.
    const zeros = buildModel([64, 64, 3], NEURON.layers, { init: { kind: 'zeros' }, seed: 1 });
    expect(t.loss[0]).toBe(lossOn(zeros, train.x, train.labels));
    for (let i = 1; i < t.loss.length; i++) expect(t.loss[i]).toBeLessThan(t.loss[i - 1] as number);
    const trainedLoss = lossOn(result.model, train.x, train.labels);
    expect(t.loss.at(-1)).toBe(trainedLoss);
    // Gradient descent on a convex loss moves almost along one line.
    expect(t.explainedVariance[0]).toBeGreaterThan(0.9);
    expect(t.explainedVariance[0] + t.explainedVariance[1]).toBeLessThanOrEqual(1 + 1e-12);
    // The grid covers the path and holds the trained point exactly.
    expect(t.surface.x[2]).toBe(0);
    expect(t.surface.y[2]).toBe(0);
    expect(t.surface.train[2]?.[2]).toBe(trainedLoss);
    expect(Math.max(...t.x.map(Math.abs))).toBeLessThanOrEqual(t.surface.x.at(-1) as number);
    expect(seen.at(-1)).toBe(200 + 6 + 25); // replayed steps, checkpoint losses, grid points
    const csv = trajectoryCsv(t).trim().split('\n');
    expect(csv[0]).toBe('step,x,y,train_loss');
    expect(csv[1]).toBe(`0,${t.x[0]},${t.y[0]},${t.loss[0]}`);
    expect(csv).toHaveLength(7);
  });

  it('refuses models without recorded settings, and bad options', async () => {
    const { data, trained, replay, train } = await setup();
    expect(() => trainingReplay({}, { train: data.train })).toThrow(ArgumentError);
    expect(() => trainingReplay({}, { train: data.train })).toThrow(expect.objectContaining({ op: 'trajectory', argument: 'model' }));
    await expect(computeTrajectory(trained, train, replay, { checkpoints: 2 })).rejects.toBeInstanceOf(ArgumentError);
    await expect(computeTrajectory(trained, train, replay, { margin: 0.5 })).rejects.toMatchObject({ argument: 'margin' });
    await expect(replay.run(0, () => undefined)).rejects.toMatchObject({ argument: 'every' });
  });
});
