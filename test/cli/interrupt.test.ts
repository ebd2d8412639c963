/**
 * Divergence, interruption and resuming, as users meet them: the built CLI in a child
 * process, SIGINT/SIGTERM sent after the first printed cost, then `--resume`; the costs and
 * the saved parameters must equal an unbroken run's, bit for bit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInitializer } from '../../src/nn/init.js';
import { Mlp } from '../../src/nn/mlp.js';
import { loadMlpModel } from '../../src/train/model-file.js';
import { DATASETS, removeTempDirs, ROOT, tempDir } from '../data/fixtures.js';

const MAIN = join(ROOT, 'dist/cli/main.js');

function tsgrad(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs tsgrad and sends `signal` as soon as the first cost line is printed. */
function interrupted(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!sent && /Cost after/.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const costLines = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('Cost after'));

interface Doc {
  parameters: Record<string, unknown>;
  training: { costs: unknown[]; diverged?: { iteration: number; kept: number; cost: string } };
  checkpoint?: Record<string, unknown>;
}
const readDoc = async (file: string): Promise<Doc> => JSON.parse(await readFile(file, 'utf8')) as Doc;

afterAll(removeTempDirs);

describe('stop with SIGINT/SIGTERM, then --resume', () => {
  it.each([
    ['fast', 'SIGINT', 130, ['--iterations', '60000', '--print-every', '5000']],
    ['plain', 'SIGTERM', 143, ['--iterations', '40', '--print-every', '4']],
    ['autodiff', 'SIGINT', 130, ['--iterations', '30', '--print-every', '3']],
    ['fast', 'SIGTERM', 143, ['--dtype', 'float32', '--iterations', '60000', '--print-every', '5000']],
  ] as const)('single neuron, %s engine, %s: same costs and bit-identical parameters as an unbroken run', async (engine, signal, exit, extra) => {
    const dir = await tempDir();
    const stopped = join(dir, 'stopped.json');
    const whole = join(dir, 'whole.json');
    const args = ['train', '--data', DATASETS, '--engine', engine, ...extra];
    const total = Number(extra[extra.indexOf('--iterations') + 1]);
    const a = await interrupted([...args, '--save', stopped], signal);
    expect(a.code).toBe(exit);
    expect(a.stderr).toMatch(new RegExp(`stopped by ${signal} after iteration \\d+ of \\d+; saved a checkpoint to .*stopped\\.json: continue with tsgrad train --resume`));
    const ck = await readDoc(stopped);
    expect(ck.checkpoint?.['engine']).toBe(engine);
    const at = ck.checkpoint?.['iteration'] as number;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(total);
    // The fast engine's state is its Gram-space coefficients, one per training sample.
    if (engine === 'fast') expect((ck.checkpoint?.['c'] as { shape: number[] }).shape).toEqual([209]);

    const b = tsgrad(['train', '--data', DATASETS, '--resume', stopped]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`resuming from iteration ${at} of ${total}`);
    const c = tsgrad([...args, '--save', whole]);
    expect(c.code).toBe(0);
    expect([...costLines(a.stdout), ...costLines(b.stdout)]).toEqual(costLines(c.stdout));
    const [resumed, unbroken] = [await readDoc(stopped), await readDoc(whole)];
    expect(resumed.checkpoint).toBeUndefined();
    expect(resumed.parameters).toEqual(unbroken.parameters);
    expect(resumed.training.costs).toEqual(unbroken.training.costs);
  }, 120_000);

  it('deep network, plain engine, Adam, mini-batches and dropout: stopped mid-epoch, resumed bit for bit', async () => {
    const dir = await tempDir();
    const stopped = join(dir, 'stopped.json');
    const whole = join(dir, 'whole.json');
    const args = ['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,7,1', '--engine', 'plain', '--optimizer', 'adam', '--batch-size', '64', '--epochs', '5', '--dropout', '0.2', '--print-every', '1'];
    const a = await interrupted([...args, '--save', stopped], 'SIGINT');
    expect(a.code).toBe(130);
    expect(a.stderr).toMatch(/stopped by SIGINT after update \d+; saved a checkpoint/);
    const ck = await readDoc(stopped);
    const opt = ck.checkpoint?.['optimizer'] as { name: string; steps: number; slots: Record<string, unknown[]> };
    expect(opt.name).toBe('adam');
    expect(opt.steps).toBe(ck.checkpoint?.['iteration']);
    expect(opt.slots['v']).toHaveLength(4);
    expect((ck.checkpoint?.['dropoutRng'] as { key: number[] }).key).toHaveLength(624);
    const other = tsgrad(['train', '--data', DATASETS, '--resume', stopped, '--optimizer', 'gd']);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toBe(`tsgrad: error: train: --optimizer: a resumed run keeps the settings of ${stopped}`);

    const b = tsgrad(['train', '--data', DATASETS, '--resume', stopped]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const c = tsgrad([...args, '--save', whole]);
    expect(c.code).toBe(0);
    expect([...costLines(a.stdout), ...costLines(b.stdout)]).toEqual(costLines(c.stdout));
    expect((await readDoc(stopped)).parameters).toEqual((await readDoc(whole)).parameters);
  }, 120_000);

  it('deep network, fast engine (span form), momentum, L2, mini-batches and dropout: resumed bit for bit', async () => {
    const dir = await tempDir();
    const stopped = join(dir, 'stopped.json');
    const whole = join(dir, 'whole.json');
    const args = ['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,20,7,5,1', '--optimizer', 'momentum', '--batch-size', '64', '--epochs', '300', '--dropout', '0.1', '--l2', '0.1', '--print-every', '10'];
    const a = await interrupted([...args, '--save', stopped], 'SIGINT');
    expect(a.code).toBe(130);
    expect(a.stdout).toContain('engine: fast');
    const ck = await readDoc(stopped);
    expect(ck.checkpoint?.['engine']).toBe('fast');
    // The span form of W1 (s, C) is the state, one coefficient per unit and sample.
    expect((ck.checkpoint?.['C'] as { shape: number[] }).shape).toEqual([20, 209]);
    expect(typeof ck.checkpoint?.['scale']).toBe('number');
    const b = tsgrad(['train', '--data', DATASETS, '--resume', stopped]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const c = tsgrad([...args, '--save', whole]);
    expect(c.code).toBe(0);
    expect([...costLines(a.stdout), ...costLines(b.stdout)]).toEqual(costLines(c.stdout));
    const [resumed, unbroken] = [await readDoc(stopped), await readDoc(whole)];
    expect(resumed.checkpoint).toBeUndefined();
    expect(resumed.parameters).toEqual(unbroken.parameters);
  }, 120_000);

  it('refuses to resume from a finished model, or with other settings', async () => {
    const dir = await tempDir();
    const done = join(dir, 'done.json');
    expect(tsgrad(['train', '--data', DATASETS, '--iterations', '3', '--save', done]).code).toBe(0);
    const r = tsgrad(['train', '--data', DATASETS, '--resume', done]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('checkpoint: no checkpoint in this model file');
    const stopped = join(dir, 'stopped.json');
    const a = await interrupted(['train', '--data', DATASETS, '--iterations', '60000', '--print-every', '5000', '--save', stopped], 'SIGINT');
    expect(a.code).toBe(130);
    const other = tsgrad(['train', '--data', DATASETS, '--resume', stopped, '--learning-rate', '0.01']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--learning-rate: the run in');
    expect(other.stderr).toContain("keeps its checkpoint's settings");
  }, 120_000);

  it('without --save, a stop saves nothing and says so', async () => {
    const a = await interrupted(['train', '--data', DATASETS, '--iterations', '60000', '--print-every', '5000'], 'SIGINT');
    expect(a.code).toBe(130);
    expect(a.stderr).toContain('nothing saved (no --save given)');
  }, 60_000);
});

describe('divergence', () => {
  it.each(['fast', 'plain', 'autodiff'])('single neuron, %s engine, learning rate 50: exit 3, one line, the last good parameters saved', async (engine) => {
    const dir = await tempDir();
    const file = join(dir, 'div.json');
    const r = tsgrad(['train', '--data', DATASETS, '--engine', engine, '--learning-rate', '50', '--iterations', '20', '--save', file]);
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('tsgrad: training diverged: the cost at iteration 1 is NaN; stopped there and kept the parameters of iteration 0; try a smaller --learning-rate than 50, e.g. 5');
    expect(costLines(r.stdout)).toEqual(['Cost after iteration 0: 0.693147']);
    const doc = await readDoc(file);
    expect(doc.training.diverged).toEqual({ iteration: 1, cost: 'NaN', kept: 0 });
    // The parameters of iteration 0: the zeros the neuron starts from.
    const w = Buffer.from((doc.parameters['w'] as { base64: string }).base64, 'base64');
    expect(w.length).toBe(12288 * 8);
    expect(w.every((x) => x === 0)).toBe(true);
    expect(doc.parameters['b']).toBe(0);
  }, 60_000);

  it.each(['fast', 'plain'])('deep network, %s engine, learning rate 10: exit 3 at iteration 1, the initial parameters kept', async (engine) => {
    const dir = await tempDir();
    const file = join(dir, 'div.json');
    const args = ['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,7,1', '--engine', engine, '--print-every', '1'];
    const r = tsgrad([...args, '--learning-rate', '10', '--iterations', '20', '--save', file]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('tsgrad: training diverged: the cost at iteration 1 is NaN; stopped there and kept the parameters of update 0; try a smaller --learning-rate than 10, e.g. 1');
    expect(costLines(r.stdout)).toHaveLength(1);
    // The parameters of update 0: the network as initialised (course init, seed 1).
    const { net } = await loadMlpModel(file);
    const init = Mlp.initialize({ layers: [12288, 7, 1], hidden: 'relu', keepProb: 1 }, parseInitializer('course'), 1);
    const saved = net.parameters().map((p) => Array.from(p.value.values()));
    expect(saved).toEqual(init.parameters().map((p) => Array.from(p.value.values())));
  }, 60_000);
});
