import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { L_LAYER, modelBytes } from '../../src/app/settings.js';
import { parseArch } from '../../src/nn/registry.js';
import { trainCommand } from '../../src/cli/train.js';
import { DATASETS } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

const train = (...args: string[]) => runInProcess(trainCommand(), ['--data', DATASETS, ...args]);

describe('model size before allocation', () => {
  it('counts the dense parameters times the copies a run holds', () => {
    const layers = parseArch('dense:100000,relu,dense:1,sigmoid');
    const params = 12288 * 100000 + 100000 + 100000 + 1;
    expect(modelBytes([64, 64, 3], { layers, dtype: 'float64', optimizer: 'gd' })).toBe(params * 8 * 2);
    expect(modelBytes([64, 64, 3], { layers, dtype: 'float32', optimizer: 'adam' })).toBe(params * 4 * 4);
    // --layers 12288,20,7,5,1 with gd: (12288*20+20) + (20*7+7) + (7*5+5) + (5+1) parameters, twice.
    expect(modelBytes([64, 64, 3], L_LAYER)).toBe(245973 * 8 * 2);
  });
  it('--layers too large for the machine: exit 2 before training, one line naming --layers and the estimate', async () => {
    const units = Math.ceil(totalmem() / (12288 * 8 * 2)) + 1;
    const r = await train('--model', 'mlp', '--layers', `12288,${units},1`, '--iterations', '1');
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('--layers');
    expect(lines[0]).toContain("the model's parameters would take about");
    expect(lines[0]).toContain("GB of memory");
    expect(r.stdout).not.toContain('Cost after');
  });
});
