import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gradcheckCommand } from '../../src/cli/gradcheck.js';
import { runInProcess } from './command-helper.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

describe('tsgrad gradcheck', () => {
  it('checks the single neuron on the cat images and prints the largest relative error', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--data', SHARED, '--samples', '10']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('209 training images (12288 features)');
    expect(r.stdout).toMatch(/^w\s+\(12288, 1\)\s+10 of 12288\s+\d\.\d\de-\d+$/m);
    expect(r.stdout).toMatch(/^b\s+\(\)\s+1 of 1\s+/m);
    expect(r.stdout).toMatch(/largest relative error: \d\.\d\de-\d+ < 1e-7: passed/);
  });
  it('gives JSON for the worked neuron', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--model', 'neuron', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { passed: boolean; maxRelativeError: number; inputs: { name: string; checked: number }[] };
    expect(doc.passed).toBe(true);
    expect(doc.maxRelativeError).toBeLessThan(1e-7);
    expect(doc.inputs.map((c) => [c.name, c.checked])).toEqual([['w', 3], ['x', 2]]);
  });
  it('exits 1 when the error reaches the threshold', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--model', 'j', '--threshold', '1e-12']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/>= 1e-12: FAILED/);
  });
  it('refuses bad option values with exit 2', async () => {
    expect((await runInProcess(gradcheckCommand(), ['--epsilon', '0'])).code).toBe(2);
    expect((await runInProcess(gradcheckCommand(), ['--model', 'mlp'])).stderr).toContain('--model must be one of logistic, neuron, j');
    expect((await runInProcess(gradcheckCommand(), ['--seed', '-1'])).stderr).toContain('--seed must be an integer');
  });
  it('says where it looked when the data is missing, exit 2', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--data', '/nonexistent-folder']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent-folder');
  });
});
