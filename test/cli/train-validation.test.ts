/**
 * The per-epoch held-out report (issue 15 item 3): with --validation or --test-last and
 * mini-batch epochs, each printed epoch says its cost and the held-out set's cost and
 * accuracy, in text and in --json; the last epoch's figures are the final model's.
 */
import { describe, expect, it } from 'vitest';
import { trainCommand } from '../../src/cli/train.js';
import { loadLabelledImages, asDataset } from '../../src/data/dataset.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { stratifiedSplit } from '../../src/data/split.js';
import { heldOutScore } from '../../src/train/held-out.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { TRAIN } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

interface Epoch { epoch: number; cost: number; validationCost?: number; validationAccuracy?: number; testCost?: number; testAccuracy?: number }
const RUN = ['--train', TRAIN, '--arch', 'dense:1,sigmoid', '--optimizer', 'adam', '--learning-rate', '0.001', '--batch-size', '64', '--epochs', '4', '--print-every', '1'];

describe('the per-epoch validation report', () => {
  it('prints Epoch k: cost, validation cost, validation accuracy, and --json carries them', async () => {
    const t = await runInProcess(trainCommand(), [...RUN, '--validation', '0.2']);
    expect(t.code, t.stderr).toBe(0);
    const epochs = t.stdout.split('\n').filter((l) => l.startsWith('Epoch '));
    expect(epochs).toHaveLength(4);
    for (const [k, l] of epochs.entries()) expect(l).toMatch(new RegExp(`^Epoch ${k}: cost \\d\\.\\d+, validation cost \\d\\.\\d+, validation accuracy [\\d.]+ %$`));
    const j = await runInProcess(trainCommand(), [...RUN, '--validation', '0.2', '--json']);
    const out = JSON.parse(j.stdout) as { costs: Epoch[]; testAccuracy: number; heldOut: string };
    expect(out.heldOut).toBe('validation');
    expect(out.costs.map((c) => c.epoch)).toEqual([0, 1, 2, 3]);
    const last = out.costs[3];
    // The held-out set is the test set here (the file has no other): the final line's figure.
    expect(last?.validationAccuracy).toBe(out.testAccuracy);
    expect(epochs[3]).toContain(`validation cost ${String(last?.validationCost).slice(0, 12)}`);
    for (const c of out.costs) expect(c.validationCost).toBeGreaterThan(0);
  }, 60_000);

  it('computes the held-out cost as the mean cross-entropy on the set: ln 2 for a zero single neuron', async () => {
    const d = asDataset(await loadLabelledImages(TRAIN));
    const { heldOut } = stratifiedSplit(d, 0.2, 1);
    const net = buildModel([64, 64, 3], parseArch('flatten,dense:1,sigmoid'), { init: { kind: 'zeros' }, seed: 1 });
    expect(heldOut.x.shape[0]).toBe(41);
    expect(heldOutScore(net, heldOut, PIXELS, 'float64').cost).toBeCloseTo(Math.LN2, 12);
  });

  it('names the held-out part of --test-last "test", and prints nothing new for full batches', async () => {
    const t = await runInProcess(trainCommand(), [...RUN, '--test-last', '50', '--json']);
    expect(t.code, t.stderr).toBe(0);
    const out = JSON.parse(t.stdout) as { costs: Epoch[]; testAccuracy: number };
    expect(out.costs[3]?.testAccuracy).toBe(out.testAccuracy);
    expect(out.costs[0]?.validationCost).toBeUndefined();
    const full = await runInProcess(trainCommand(), ['--train', TRAIN, '--validation', '0.2', '--iterations', '200']);
    expect(full.stdout).toContain('Cost after iteration 100: ');
    expect(full.stdout).not.toContain('Epoch ');
  }, 60_000);
});
