import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatData } from '../../src/train/dataset.js';
import { REFERENCE_SETTINGS, trainSingleNeuron } from '../../src/train/single-neuron.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

// ../shared/datasets/README.md: float64, zeros, lr 0.005, 2000 iterations, pixels / 255.
const REFERENCE_COSTS = [
  '0.693147', '0.584508', '0.466949', '0.376007', '0.331463', '0.303273', '0.279880', '0.260042', '0.242941', '0.228004',
  '0.214820', '0.203078', '0.192544', '0.183033', '0.174399', '0.166521', '0.159305', '0.152667', '0.146542', '0.140872',
];

describe('the single neuron on catvnoncat (full reference run)', () => {
  it.each(['plain', 'fast'] as const)('gives the reference costs and accuracies (%s engine, float64)', async (engine) => {
    const data = await loadCatData({ data: SHARED });
    expect(data.trainX.shape).toEqual([12288, 209]);
    expect(data.testX.shape).toEqual([12288, 50]);
    const r = trainSingleNeuron(data, { ...REFERENCE_SETTINGS, engine, dtype: 'float64' });
    expect(r.costs.map((c) => c.iteration)).toEqual(REFERENCE_COSTS.map((_, i) => i * 100));
    expect(r.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
    expect(r.trainAccuracy).toBe(99.04306220095694);
    expect(r.testAccuracy).toBe(70.0);
  });

  it('gives the reference figures in float32 too (fast engine)', async () => {
    const data = await loadCatData({ data: SHARED }, 'float32');
    const r = trainSingleNeuron(data, { ...REFERENCE_SETTINGS, engine: 'fast', dtype: 'float32' });
    expect(r.w.dtype).toBe('float32');
    expect(r.costs.map((c) => c.cost.toFixed(6))).toEqual(REFERENCE_COSTS);
    expect(r.trainAccuracy).toBe(99.04306220095694);
    expect(r.testAccuracy).toBe(70.0);
  });
});
