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
    // The Sequential's own parameters: W1 (units, inputs), b1 (units).
    expect(r.stdout).toMatch(/^W1\s+\(1, 12288\)\s+10 of 12288\s+\d\.\d\de-\d+$/m);
    expect(r.stdout).toMatch(/^b1\s+\(1,\)\s+1 of 1\s+/m);
    expect(r.stdout).toMatch(/largest relative error: \d\.\d\de-\d+ < 1e-7: passed/);
  });
  it("checks the course's L-layer network [12288, 20, 7, 5, 1] on the cat images below 1e-7", async () => {
    const r = await runInProcess(gradcheckCommand(), ['--model', 'mlp', '--data', SHARED, '--examples', '20', '--samples', '5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { passed: boolean; overallRelativeError: number; inputs: { name: string; shape: number[] }[] };
    expect(doc.inputs.map((c) => [c.name, c.shape])).toEqual([['W1', [20, 12288]], ['b1', [20]], ['W2', [7, 20]], ['b2', [7]], ['W3', [5, 7]], ['b3', [5]], ['W4', [1, 5]], ['b4', [1]]]);
    expect(doc.overallRelativeError).toBeLessThan(1e-7);
    expect(doc.passed).toBe(true);
    const text = await runInProcess(gradcheckCommand(), ['--model', 'mlp', '--data', SHARED, '--examples', '20', '--samples', '5']);
    expect(text.stdout).toMatch(/^all parameters as one vector \(the course's gradient_check_n\): \d\.\d\de-\d+ < 1e-7: passed/m);
  });
  it('refuses mlp layers that do not fit the data, exit 2', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--model', 'mlp', '--data', SHARED, '--layers', '100,3,1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the first size must be the 12288 input features');
  });
  it('gives JSON for the worked neuron', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--model', 'neuron', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { passed: boolean; maxRelativeError: number; inputs: { name: string; checked: number }[] };
    expect(doc.passed).toBe(true);
    expect(doc.maxRelativeError).toBeLessThan(1e-7);
    expect(doc.inputs.map((c) => [c.name, c.checked])).toEqual([['w', 3], ['x', 2]]);
  });
  it('exits 4 (check failed, not 1, an internal error) when the error reaches the threshold', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--model', 'j', '--threshold', '1e-12']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/>= 1e-12: FAILED/);
    const json = await runInProcess(gradcheckCommand(), ['--model', 'j', '--threshold', '1e-12', '--json']);
    expect(json.code).toBe(4);
    expect((JSON.parse(json.stdout) as { passed: boolean }).passed).toBe(false);
  });
  it('refuses bad option values with exit 2', async () => {
    expect((await runInProcess(gradcheckCommand(), ['--epsilon', '0'])).code).toBe(2);
    expect((await runInProcess(gradcheckCommand(), ['--model', 'cnn'])).stderr).toContain('--model must be one of logistic, mlp, neuron, j');
    expect((await runInProcess(gradcheckCommand(), ['--seed', '-1'])).stderr).toContain('--seed must be an integer');
    const init = await runInProcess(gradcheckCommand(), ['--model', 'mlp', '--init', 'bogus']);
    expect(init.code).toBe(2);
    expect(init.stderr).toContain("--init: unknown initializer 'bogus', expected one of zeros, scaled:K, xavier, glorot, he, course");
    expect(init.stderr).not.toContain('gradcheck: init:');
  });
  it('says where it looked when the data is missing, exit 2', async () => {
    const r = await runInProcess(gradcheckCommand(), ['--data', '/nonexistent-folder']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent-folder');
  });
});
