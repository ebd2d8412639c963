import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeLandscape, filterNormalized, initialParameters, linspace, lossSet, randomDirections } from '../../src/analysis/landscape.js';
import { interpolationCsv, landscapeJson, surfaceCsv } from '../../src/analysis/landscape-csv.js';
import { lossOn } from '../../src/train/evaluate.js';
import { NEURON } from '../../src/app/settings.js';
import { ArgumentError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { buildModel } from '../../src/nn/registry.js';
import { fromArray, randn, Tensor } from '../../src/tensor/index.js';
import { shortTraining } from '../viz/helpers.js';

async function trainedModel() {
  const { data, settings, result } = await shortTraining();
  const trained = { model: result.model, settings };
  return { result, trained, train: lossSet(data.train, PIXELS, 'float64'), test: lossSet(data.test, PIXELS, 'float64') };
}

function norms(t: Tensor, unitAxis: number): number[] {
  const [rows, cols] = t.shape as [number, number];
  const units = unitAxis === 0 ? rows : cols;
  return Array.from({ length: units }, (_, u) => {
    let s = 0;
    for (let i = 0; i < (unitAxis === 0 ? cols : rows); i++) s += (unitAxis === 0 ? t.get(u, i) : t.get(i, u)) ** 2;
    return Math.sqrt(s);
  });
}

describe('the loss landscape of the single neuron', () => {
  it("gives exactly the trained model's loss at the trained point, in 1-D and in 2-D", async () => {
    const { result, trained, train, test } = await trainedModel();
    const l = await computeLandscape(trained, train, test, { alphaPoints: 5, gridSize: 5, range: 0.5, seed: 3 });
    const trainLoss = lossOn(result.model, train.x, train.labels);
    const testLoss = lossOn(result.model, test.x, test.labels);
    expect(l.trained).toEqual({ train: trainLoss, test: testLoss });
    expect(l.model).toBe('flatten,dense:1,sigmoid');
    // α = 1 is on the default grid -0.5, 0, 0.5, 1, 1.5; the centre of the 5 x 5 surface is (0, 0).
    expect(l.interpolation.alpha).toEqual([-0.5, 0, 0.5, 1, 1.5]);
    expect(l.interpolation.train[3]).toBe(trainLoss);
    expect(l.interpolation.test?.[3]).toBe(testLoss);
    expect(l.surface.x[2]).toBe(0);
    expect(l.surface.y[2]).toBe(0);
    expect(l.surface.train[2]?.[2]).toBe(trainLoss);
    // α = 0 is the initial zeros, re-created from the settings: σ(0) = 1/2 everywhere, so the loss is ln 2.
    const zeros = buildModel([64, 64, 3], NEURON.layers, { init: { kind: 'zeros' }, seed: 1 });
    expect(l.interpolation.train[1]).toBe(lossOn(zeros, train.x, train.labels));
    expect(l.interpolation.train[1]).toBeCloseTo(Math.LN2, 14);
    // Training lowered the cost; every grid point is a finite loss (200 iterations are far from a minimum, so neighbours may be lower).
    expect(l.surface.train.flat().every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(trainLoss).toBeLessThan(Math.LN2);
    expect(l.surface.directions.map((d) => d.name)).toEqual(['W1', 'b1']);
    expect(l.surface.directions[1]).toMatchObject({ role: 'bias', deltaNorm: 0, etaNorm: 0 });
    const wNorms = l.surface.directions[0];
    expect(wNorms?.deltaNorm).toBeCloseTo(wNorms?.trainedNorm ?? Number.NaN, 12);
    expect(wNorms?.etaNorm).toBeCloseTo(wNorms?.trainedNorm ?? Number.NaN, 12);
  });

  it('is reproducible from its seed and changes with it; reports progress up to the total', async () => {
    const { trained, train } = await trainedModel();
    const seen: [number, number][] = [];
    const opts = { alphaPoints: 3, gridSize: 3, seed: 7, onProgress: (d: number, t: number) => void seen.push([d, t]) };
    const a = await computeLandscape(trained, train, null, opts);
    const b = await computeLandscape(trained, train, null, { ...opts, onProgress: undefined });
    const c = await computeLandscape(trained, train, null, { ...opts, seed: 8, onProgress: undefined });
    expect(a.surface.train).toEqual(b.surface.train);
    expect(a.surface.train).not.toEqual(c.surface.train);
    expect(a.interpolation.test).toBeNull();
    const total = 3 + 9 + 1;
    expect(seen.at(-1)).toEqual([total, total]);
    expect(seen.map(([d]) => d)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('moves the bias too when asked', async () => {
    const { trained, train } = await trainedModel();
    const l = await computeLandscape(trained, train, null, { alphaPoints: 2, gridSize: 2, includeBiases: true });
    const bias = l.surface.directions[1];
    expect(bias?.deltaNorm).toBeCloseTo(bias?.trainedNorm ?? Number.NaN, 15);
    expect(bias?.trainedNorm).toBeGreaterThan(0);
  });

  it('refuses bad options, and a model without training settings, with ArgumentErrors naming them', async () => {
    const { trained, train } = await trainedModel();
    for (const [opts, argument] of [
      [{ gridSize: 1 }, 'gridSize'],
      [{ alphaPoints: 1.5 }, 'alphaPoints'],
      [{ range: 0 }, 'range'],
      [{ alphaRange: [1, -1] as const }, 'alphaRange'],
      [{ seed: -1 }, 'seed'],
    ] as const) {
      const e = await computeLandscape(trained, train, null, opts).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e).toMatchObject({ op: 'landscape', argument });
    }
    expect(() => initialParameters({ model: trained.model })).toThrow(ArgumentError);
    await expect(computeLandscape({ model: trained.model }, train, null)).rejects.toMatchObject({ op: 'landscape', argument: 'model' });
  });

  it('writes CSV and JSON with every grid point; infinities become inf / null', async () => {
    const { trained, train, test } = await trainedModel();
    const l = await computeLandscape(trained, train, test, { alphaPoints: 3, gridSize: 3 });
    const csv = interpolationCsv(l).trim().split('\n');
    expect(csv[0]).toBe('alpha,train_loss,test_loss');
    expect(csv).toHaveLength(4);
    expect(csv[3]).toBe(`1.5,${l.interpolation.train[2]},${l.interpolation.test?.[2]}`);
    const surface = surfaceCsv(l).trim().split('\n');
    expect(surface[0]).toBe('x,y,train_loss');
    expect(surface).toHaveLength(10);
    expect(surface[5]).toBe(`0,0,${l.trained.train}`);
    const parsed = JSON.parse(landscapeJson(l, { file: 'm.json' })) as { file: string; surface: { train: number[][] } };
    expect(parsed.file).toBe('m.json');
    expect(parsed.surface.train).toEqual(l.surface.train);
    const inf = { ...l, trained: { train: Number.POSITIVE_INFINITY, test: null } };
    expect(JSON.parse(landscapeJson(inf)).trained.train).toBeNull();
    expect(interpolationCsv({ ...l, interpolation: { alpha: [0], train: [Number.POSITIVE_INFINITY], test: null } })).toBe('alpha,train_loss\n0,inf\n');
  });
});

describe('filter-normalised directions', () => {
  it('gives each filter the norm of the same filter of the parameters (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1000 }), (r, c, axis, seed) => {
        const rng = new RandomState(seed);
        const theta = randn([r, c], rng);
        const d = filterNormalized(randn([r, c], rng), theta, axis);
        const got = norms(d, axis);
        norms(theta, axis).forEach((n, i) => expect(got[i]).toBeCloseTo(n, 12));
      }),
      { numRuns: 50 },
    );
  });

  it('treats a Dense W (units, inputs) by rows, one filter per output unit', () => {
    const theta = fromArray([
      [3, 4],
      [0, 1],
    ]);
    const dir = fromArray([
      [1, 0],
      [0, 2],
    ]);
    expect(filterNormalized(dir, theta, 0).toArray()).toEqual([
      [5, 0],
      [0, 1],
    ]);
    expect(filterNormalized(dir, theta, 1).toArray()).toEqual([
      [3, 0],
      [0, Math.sqrt(17)],
    ]);
    // A zero filter stays zero; a whole tensor (bias) is one filter.
    expect(filterNormalized(fromArray([0, 0]), fromArray([1, 1]), null).toArray()).toEqual([0, 0]);
    expect(filterNormalized(fromArray([3, 4]), fromArray([0, 10]), null).toArray()).toEqual([6, 8]);
    expect(() => filterNormalized(fromArray([1, 2]), fromArray([1, 2, 3]), null)).toThrow(ArgumentError);
  });

  it('draws the same weight directions with and without biases', async () => {
    const { trained } = await trainedModel();
    const [d1] = randomDirections(trained.model, 5, false);
    const [d2] = randomDirections(trained.model, 5, true);
    expect(d1[0]?.values()).toEqual(d2[0]?.values());
    expect(d1[1]?.values()[0]).toBe(0);
    expect(Math.abs(d2[1]?.values()[0] ?? 0)).toBeCloseTo(Math.abs(trained.model.parameters()[1]?.value.values()[0] ?? Number.NaN), 15);
  });
});

describe('linspace', () => {
  it('spans both ends and snaps the exact point', () => {
    expect(linspace(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(linspace(-0.7, 0.7, 3, 0)[1]).toBe(0);
    expect(linspace(-0.3, 1.7, 21, 1)).toContain(1);
    expect(linspace(2, 3, 1)).toEqual([2]);
  });
});
