/**
 * Divergence, interruption and resuming, as users meet them: the built CLI in a child
 * process, SIGINT/SIGTERM sent after the first printed cost, then `--resume`; the costs and
 * the saved parameters must equal an unbroken run's, bit for bit. Version-1 checkpoints
 * (test/fixtures/model-v1, written by tsgrad 0.1) resume to the old unbroken runs' numbers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mlpLayers } from '../../src/app/settings.js';
import { loadModelFile } from '../../src/io/files.js';
import { parseInitializer } from '../../src/nn/init.js';
import { buildModel } from '../../src/nn/registry.js';
import { DATASETS, removeTempDirs, ROOT, tempDir } from '../data/fixtures.js';

const MAIN = join(ROOT, 'dist/cli/main.js');
const V1 = fileURLToPath(new URL('../fixtures/model-v1/', import.meta.url));
// The longer resumes run with TSGRAD_SLOW=1.
const SLOW = process.env['TSGRAD_SLOW'] === '1';

function tsgrad(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env });
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
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Stored { shape: number[]; dtype: string; base64: string }
interface Doc {
  version: number;
  parameters: Record<string, Stored>;
  training: { costs: { iteration?: number; epoch?: number; cost: number }[]; diverged?: Record<string, unknown>; iterationsDone?: number };
  checkpoint?: Record<string, unknown> & { step: Record<string, Stored>; optimizer: { name: string; steps: number; slots: Record<string, unknown[]> } };
}
const readDoc = async (file: string): Promise<Doc> => JSON.parse(await readFile(file, 'utf8')) as Doc;
const shapes = (o: Record<string, Stored>): Record<string, number[]> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.shape]));

afterAll(removeTempDirs);

describe('stop with SIGINT/SIGTERM, then --resume', () => {
  it.each([
    ['fast', 'span', 'SIGINT', 130, ['--iterations', '60000', '--print-every', '5000'], { c: [209], b: [] }],
    ['plain', 'course', 'SIGTERM', 143, ['--iterations', '40', '--print-every', '4'], { w: [12288, 1], b: [] }],
    ['autodiff', 'autodiff', 'SIGINT', 130, ['--iterations', '30', '--print-every', '3'], { W1: [1, 12288], b1: [1] }],
    ['span', 'span', 'SIGTERM', 143, ['--dtype', 'float32', '--iterations', '60000', '--print-every', '5000'], { c: [209], b: [] }],
  ] as const)('single neuron, --engine %s (%s step), %s: same costs and bit-identical parameters as an unbroken run', async (flag, engine, signal, exit, extra, state) => {
    const dir = await tempDir();
    const stopped = join(dir, 'stopped.json');
    const whole = join(dir, 'whole.json');
    const args = ['train', '--data', DATASETS, '--engine', flag, ...extra];
    const total = Number(extra[extra.indexOf('--iterations') + 1]);
    const a = await interrupted([...args, '--save', stopped], signal);
    expect(a.code).toBe(exit);
    const said = new RegExp(`stopped by ${signal} after iteration (\\d+) of ${total}; saved a checkpoint to ${escape(stopped)}: continue with tsgrad train --resume ${escape(stopped)}\\n$`).exec(a.stderr);
    expect(said, a.stderr).not.toBeNull();
    const ck = (await readDoc(stopped)).checkpoint;
    expect(ck?.['engine']).toBe(engine);
    const at = ck?.['iteration'] as number;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(total);
    expect(Number(said?.[1]) + 1).toBe(at);
    // The step's own variables: the span step's Gram-space coefficients (one per training sample), or the weights.
    expect(shapes(ck?.step ?? {})).toEqual(state);

    const b = tsgrad(['train', '--data', DATASETS, '--resume', stopped]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`engine: ${engine} (`);
    expect(b.stdout).toContain(`resuming from update ${at} (epoch ${at}, batch 0) of ${stopped}\n`);
    const c = tsgrad([...args, '--save', whole]);
    expect(c.code).toBe(0);
    expect([...costLines(a.stdout), ...costLines(b.stdout)]).toEqual(costLines(c.stdout));
    const [resumed, unbroken] = [await readDoc(stopped), await readDoc(whole)];
    expect(resumed.checkpoint).toBeUndefined();
    expect(resumed.training.iterationsDone).toBeUndefined();
    expect(resumed.parameters).toEqual(unbroken.parameters);
    expect(resumed.training.costs).toEqual(unbroken.training.costs);
  }, 120_000);

  it('deep network, autodiff (--engine plain), Adam, mini-batches and dropout: stopped, resumed bit for bit', async () => {
    const dir = await tempDir();
    const stopped = join(dir, 'stopped.json');
    const whole = join(dir, 'whole.json');
    const args = ['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,7,1', '--engine', 'plain', '--optimizer', 'adam', '--batch-size', '64', '--epochs', '100', '--dropout', '0.2', '--print-every', '1'];
    // 100 epochs: long enough that the signal lands before the end on a fast machine (5 epochs once did not).
    const a = await interrupted([...args, '--save', stopped], 'SIGINT');
    expect(a.code).toBe(130);
    const said = new RegExp(`stopped by SIGINT after update (\\d+) \\(epoch (\\d+), batch (\\d+)\\) of 100 epochs; saved a checkpoint to ${escape(stopped)}`).exec(a.stderr);
    expect(said, a.stderr).not.toBeNull();
    const ck = (await readDoc(stopped)).checkpoint;
    expect(ck?.['engine']).toBe('autodiff');
    const [at, epoch, batch] = [ck?.['iteration'], ck?.['epoch'], ck?.['batch']] as number[];
    // 209 samples in batches of 64: 4 batches an epoch. The message names the last update done, the checkpoint the next.
    const [done, doneEpoch, doneBatch] = [Number(said?.[1]), Number(said?.[2]), Number(said?.[3])];
    expect(done + 1).toBe(at);
    expect(doneEpoch * 4 + doneBatch).toBe(done);
    expect(epoch! * 4 + batch!).toBe(at);
    expect(at).toBeLessThan(400);
    const opt = ck?.optimizer;
    expect(opt?.name).toBe('adam');
    expect(opt?.steps).toBe(at);
    expect(opt?.slots['v']).toHaveLength(4);
    expect(opt?.slots['s']).toHaveLength(4);
    expect((ck?.['dropoutRng'] as { key: number[] }).key).toHaveLength(624);
    expect(shapes(ck?.step ?? {})).toEqual({ W1: [7, 12288], b1: [7], W2: [1, 7], b2: [1] });
    const other = tsgrad(['train', '--data', DATASETS, '--resume', stopped, '--optimizer', 'gd']);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toBe(`tsgrad: error: --optimizer: a resumed run keeps the settings of ${stopped}`);

    const b = tsgrad(['train', '--data', DATASETS, '--resume', stopped]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`resuming from update ${at} (epoch ${epoch}, batch ${batch}) of ${stopped}\n`);
    const c = tsgrad([...args, '--save', whole]);
    expect(c.code).toBe(0);
    expect([...costLines(a.stdout), ...costLines(b.stdout)]).toEqual(costLines(c.stdout));
    const [resumed, unbroken] = [await readDoc(stopped), await readDoc(whole)];
    expect(resumed.parameters).toEqual(unbroken.parameters);
    expect(resumed.training.costs).toEqual(unbroken.training.costs);
  }, 120_000);

  it('deep network, span step (the default), momentum, L2, mini-batches and dropout: resumed bit for bit', async () => {
    const dir = await tempDir();
    const stopped = join(dir, 'stopped.json');
    const whole = join(dir, 'whole.json');
    const args = ['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,20,7,5,1', '--optimizer', 'momentum', '--batch-size', '64', '--epochs', '100', '--dropout', '0.1', '--l2', '0.1', '--print-every', '10'];
    const a = await interrupted([...args, '--save', stopped], 'SIGINT');
    expect(a.code).toBe(130);
    expect(a.stdout).toContain('engine: span (');
    expect(a.stderr).toMatch(/stopped by SIGINT after update \d+ \(epoch \d+, batch [0-3]\) of 100 epochs; saved a checkpoint/);
    const ck = (await readDoc(stopped)).checkpoint;
    expect(ck?.['engine']).toBe('span');
    // The span form of W1 is the state: a scale and one coefficient per sample and unit (D = Cᵀ); the other layers as they are.
    expect(shapes(ck?.step ?? {})).toEqual({ spanScale: [], spanD: [209, 20], b1: [20], W2: [7, 20], b2: [7], W3: [5, 7], b3: [5], W4: [1, 5], b4: [1] });
    expect(ck?.optimizer.slots['v']).toHaveLength(9);
    const b = tsgrad(['train', '--data', DATASETS, '--resume', stopped]);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const c = tsgrad([...args, '--save', whole]);
    expect(c.code).toBe(0);
    expect([...costLines(a.stdout), ...costLines(b.stdout)]).toEqual(costLines(c.stdout));
    const [resumed, unbroken] = [await readDoc(stopped), await readDoc(whole)];
    expect(resumed.checkpoint).toBeUndefined();
    expect(resumed.parameters).toEqual(unbroken.parameters);
    expect(resumed.training.costs).toEqual(unbroken.training.costs);
  }, 120_000);

  it('refuses to resume from a finished model, or with other settings', async () => {
    const dir = await tempDir();
    const done = join(dir, 'done.json');
    expect(tsgrad(['train', '--data', DATASETS, '--iterations', '3', '--save', done]).code).toBe(0);
    const r = tsgrad(['train', '--data', DATASETS, '--resume', done]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`tsgrad: error: ${done}: checkpoint: no checkpoint in this model file: it was not saved by a stopped run (it finished, or diverged)`);
    const stopped = join(dir, 'stopped.json');
    const a = await interrupted(['train', '--data', DATASETS, '--iterations', '60000', '--print-every', '5000', '--save', stopped], 'SIGINT');
    expect(a.code).toBe(130);
    for (const option of [['--learning-rate', '0.01'], ['--arch', 'dense:1,sigmoid']]) {
      const other = tsgrad(['train', '--data', DATASETS, '--resume', stopped, ...option]);
      expect(other.code).toBe(2);
      expect(other.stderr.trim()).toBe(`tsgrad: error: ${option[0]}: a resumed run keeps the settings of ${stopped}`);
    }
  }, 120_000);

  it('without --save, a stop saves nothing and says so', async () => {
    const a = await interrupted(['train', '--data', DATASETS, '--iterations', '60000', '--print-every', '5000'], 'SIGINT');
    expect(a.code).toBe(130);
    expect(a.stderr).toMatch(/stopped by SIGINT after iteration \d+ of 60000; nothing saved \(no --save given\)\n$/);
  }, 60_000);
});

interface V1Expected {
  checkpoint: { iteration: number; epoch?: number; batch?: number };
  unbroken: { printedCosts: { iteration?: number; epoch?: number; cost: number }[]; trainAccuracy: number; testAccuracy: number; parameters: { sha256: string } };
}
const V1_EXPECTED = (JSON.parse(readFileSync(join(V1, 'expected.json'), 'utf8')) as { fixtures: Record<string, V1Expected> }).fixtures;

describe("--resume of tsgrad 0.1's version-1 checkpoints", () => {
  it.each([
    ['neuron-plain-checkpoint.json', 'course'],
    ['mlp-adam-checkpoint.json', 'autodiff'],
    ['mlp-momentum-l2-dropout-checkpoint.json', 'span'],
    ...(SLOW ? [['neuron-fast-checkpoint.json', 'span'], ['neuron-autodiff-checkpoint.json', 'autodiff'], ['mlp-fast-checkpoint.json', 'span']] : []),
  ])("%s continues on the %s step and ends with the unbroken run's costs, accuracies and parameters", async (name, engine) => {
    const e = V1_EXPECTED[name] as V1Expected;
    const dir = await tempDir();
    const file = join(dir, name);
    await copyFile(join(V1, name), file);
    // The file records its data as paths relative to the project root: --data says where it is from anywhere.
    // The fingerprint is of the bits tsgrad 0.1's WebAssembly kernels computed; the BLAS
    // backend's products agree with them to rounding only (test/kernels/backend.test.ts).
    const r = tsgrad(['train', '--data', DATASETS, '--resume', file], { ...process.env, TSGRAD_BACKEND: 'wasm' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { iteration, epoch = iteration, batch = 0 } = e.checkpoint;
    expect(r.stdout).toContain(`engine: ${engine} (`);
    expect(r.stdout).toContain(`resuming from update ${iteration} (epoch ${epoch}, batch ${batch}) of ${file}\n`);
    expect(r.stdout).toMatch(new RegExp(`\\ntrain accuracy: ${escape(String(e.unbroken.trainAccuracy))}(\\.0)? %\\ntest accuracy: ${e.unbroken.testAccuracy}(\\.0)? %\\nsaved model to ${escape(file)}\\n$`));
    const doc = await readDoc(file);
    expect(doc.version).toBe(2);
    expect(doc.checkpoint).toBeUndefined();
    const costs = doc.training.costs;
    expect(costs.map((c) => c.iteration ?? c.epoch)).toEqual(e.unbroken.printedCosts.map((c) => c.iteration ?? c.epoch));
    // tsgrad 0.1 summed the deep networks' cost as two dot products and the autodiff neuron's in
    // another order; the one cross-entropy now sums as the notes' propagate: the costs agree to
    // rounding, the parameters are the same bits.
    costs.forEach((c, i) => expect(Math.abs(c.cost / e.unbroken.printedCosts[i]!.cost - 1)).toBeLessThan(1e-12));
    // The parameters' float64 bytes in file order (W1, b1, W2, ...), hashed as expected.json's fingerprint.
    const hash = createHash('sha256');
    for (const p of Object.values(doc.parameters)) {
      expect(p.dtype).toBe('float64');
      hash.update(Buffer.from(p.base64, 'base64'));
    }
    expect(hash.digest('hex')).toBe(e.unbroken.parameters.sha256);
  }, 60_000);
});

describe('divergence', () => {
  it.each(['span', 'course', 'autodiff'])('single neuron, %s step, learning rate 50: exit 3, one line, the last good parameters saved', async (engine) => {
    const dir = await tempDir();
    const file = join(dir, 'div.json');
    const r = tsgrad(['train', '--data', DATASETS, '--engine', engine, '--learning-rate', '50', '--iterations', '20', '--save', file]);
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('tsgrad: training diverged: the cost at iteration 1 is NaN; stopped there and kept the parameters of iteration 0; try a smaller --learning-rate than 50, e.g. 5');
    expect(costLines(r.stdout)).toEqual(['Cost after iteration 0: 0.693147']);
    expect(r.stdout).toContain(`saved model to ${file} (the parameters of iteration 0)\n`);
    const doc = await readDoc(file);
    expect(doc.training.diverged).toEqual({ iteration: 1, epoch: 1, batch: 0, cost: 'NaN', kept: 0 });
    expect(doc.checkpoint).toBeUndefined();
    // The parameters of iteration 0: the zeros the neuron starts from.
    expect(shapes(doc.parameters)).toEqual({ W1: [1, 12288], b1: [1] });
    const w = Buffer.from(doc.parameters['W1']!.base64, 'base64');
    expect(w.length).toBe(12288 * 8);
    expect(w.every((x) => x === 0)).toBe(true);
    expect(Buffer.from(doc.parameters['b1']!.base64, 'base64')).toEqual(Buffer.alloc(8));
  }, 60_000);

  it.each(['span', 'autodiff'])('deep network, %s step, learning rate 10: exit 3 at iteration 1, the initial parameters kept', async (engine) => {
    const dir = await tempDir();
    const file = join(dir, 'div.json');
    const args = ['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,7,1', '--engine', engine, '--print-every', '1'];
    const r = tsgrad([...args, '--learning-rate', '10', '--iterations', '20', '--save', file]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('tsgrad: training diverged: the cost at iteration 1 is NaN; stopped there and kept the parameters of iteration 0; try a smaller --learning-rate than 10, e.g. 1\n');
    expect(costLines(r.stdout)).toHaveLength(1);
    // The parameters of iteration 0: the network as initialised (course init, seed 1).
    const { model } = await loadModelFile(file);
    const init = buildModel([64, 64, 3], mlpLayers([7, 1]), { init: parseInitializer('course'), seed: 1 });
    const values = (m: typeof model): [string, number[]][] => m.parameters().map((p) => [p.name, Array.from(p.value.values())]);
    expect(values(model)).toEqual(values(init));
  }, 60_000);

  it('deep network with mini-batches: the update, epoch and batch whose cost is not finite, and the update kept', async () => {
    const dir = await tempDir();
    const file = join(dir, 'div.json');
    const r = tsgrad(['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,7,1', '--batch-size', '64', '--epochs', '5', '--learning-rate', '10', '--save', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('tsgrad: training diverged: the cost at update 2 (epoch 0, batch 2) is NaN; stopped there and kept the parameters of update 1; try a smaller --learning-rate than 10, e.g. 1\n');
    const doc = await readDoc(file);
    expect(doc.training.diverged).toEqual({ iteration: 2, epoch: 0, batch: 2, cost: 'NaN', kept: 1 });
    expect(doc.training.iterationsDone).toBe(2);
  }, 60_000);
});
