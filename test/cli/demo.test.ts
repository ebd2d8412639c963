import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { descentPath, type DescentPath } from '../../src/analysis/descent.js';
import { vectorisedGradient } from '../../src/analysis/vectorise.js';
import { demoCommand } from '../../src/cli/demo.js';
import { runInProcess } from './command-helper.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsgrad-demo-'));
  dirs.push(d);
  return d;
}
const demo = (args: string[]) => runInProcess(demoCommand(), args);

describe('tsgrad demo descent', () => {
  it('--json prints {paths} exactly as descentPath computes them', async () => {
    const r = await demo(['descent', '--lr', '0.3', '--steps', '20', '--start', '-2,1.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { paths: DescentPath[] };
    expect(Object.keys(doc)).toEqual(['paths']);
    expect(doc.paths.map((p) => p.optimizer)).toEqual(['gd', 'momentum', 'adam']);
    for (const p of doc.paths) expect(p).toEqual(descentPath({ learningRate: 0.3, steps: 20, optimizer: p.optimizer, start: { w: -2, b: 1.5 } }));
  });
  it('--optimizer and --loss choose the paths', async () => {
    const r = await demo(['descent', '--optimizer', 'adam,gd', '--loss', 'squared', '--steps', '5', '--json']);
    const doc = JSON.parse(r.stdout) as { paths: DescentPath[] };
    expect(doc.paths.map((p) => p.optimizer)).toEqual(['adam', 'gd']);
    expect(doc.paths[1]).toEqual(descentPath({ learningRate: 0.1, steps: 5, loss: 'squared' }));
  });
  it('--data takes the learner’s own points', async () => {
    const r = await demo(['descent', '--data', '-2:0,-1:0,0:1,1:0,2:1', '--optimizer', 'momentum', '--steps', '12', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { paths: DescentPath[] };
    expect(doc.paths[0]).toEqual(descentPath({ data: { x: [-2, -1, 0, 1, 2], y: [0, 0, 1, 0, 1] }, optimizer: 'momentum', learningRate: 0.1, steps: 12 }));
    const t = await demo(['descent', '--data', '0:1,1:3', '--loss', 'squared', '--optimizer', 'gd', '--steps', '1']);
    expect(t.stdout).toContain('data: 2 points (x, y): (0, 1) (1, 3)\n');
  });
  it('prints each path every n steps and the last, with w, b, cost and the gradient', async () => {
    const r = await demo(['descent', '--optimizer', 'gd', '--steps', '7', '--every', '3']);
    expect(r.code, r.stderr).toBe(0);
    const p = descentPath({ learningRate: 0.1, steps: 7 });
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((c) => /^\d+$/.test(c[0] ?? ''));
    expect(rows.map((c) => Number(c[0]))).toEqual([0, 3, 6, 7]);
    for (const c of rows) {
      const q = p.points[Number(c[0])];
      expect(Number(c[1])).toBeCloseTo(q?.w ?? Number.NaN, 4);
      expect(Number(c[2])).toBeCloseTo(q?.b ?? Number.NaN, 4);
      expect(Number(c[3])).toBeCloseTo(q?.cost ?? Number.NaN, 4);
    }
    expect(r.stdout).toContain('from (w, b) = (-3, 3), α = 0.1, 7 steps');
    expect(r.stdout).not.toContain('diverg');
  });
  it('reports divergence as a line and exits 0: α 10 on the logistic loss, α 0.3 on the squared error', async () => {
    const r = await demo(['descent', '--lr', '10', '--optimizer', 'gd']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gd: diverged: the cost is not a finite number at step 1, α = 10 is too large; the path stops at step 0');
    const s = await demo(['descent', '--lr', '0.3', '--loss', 'squared', '--optimizer', 'gd']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/gd: diverging: the cost grew from 40\.6 at step 0 to 7\.\d+e\+20 at step 50, α = 0\.3 is too large/);
  });
  it('--out writes descent.svg/.png and network.svg/.png', async () => {
    const dir = join(await temp(), 'pictures');
    const r = await demo(['descent', '--steps', '10', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(dir, 'descent.svg')}, ${join(dir, 'descent.png')}, ${join(dir, 'network.svg')}, ${join(dir, 'network.png')}`);
    const svg = await readFile(join(dir, 'descent.svg'), 'utf8');
    expect(svg).toContain('<svg');
    for (const words of ['Gradient descent on J(w, b), logistic loss', 'gradient descent', 'momentum (β 0.9)', 'Adam']) expect(svg).toContain(words);
    expect(await readFile(join(dir, 'network.svg'), 'utf8')).toContain('A small network: not a bowl');
    for (const f of ['descent.png', 'network.png']) {
      const { width, height, format } = await sharp(join(dir, f)).metadata();
      expect(format).toBe('png');
      expect(width).toBeGreaterThan(500);
      expect(height).toBeGreaterThan(500);
    }
  });
  it('says in the picture where the cost is not finite (α 10 walks where σ rounds to 1)', async () => {
    const dir = await temp();
    const r = await demo(['descent', '--lr', '10', '--optimizer', 'adam', '--steps', '3', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(dir, 'descent.svg'), 'utf8')).toMatch(/the cost is not a finite number at \d+ of the 3721 grid points/);
    expect(await readFile(join(dir, 'descent.svg'), 'utf8')).toContain('a path that diverged stops where the cost stopped being finite');
  });
  it('refuses bad options in one line, exit 2, writing nothing', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'file'), 'x');
    const cases: [string[], string][] = [
      [['--optimizer', 'sgd'], "--optimizer takes a comma-separated list of gd, momentum, adam, got 'sgd'"],
      [['--start', '1'], "--start takes two finite numbers w,b (e.g. -3,3), got '1'"],
      [['--start', '1,x'], "--start takes two finite numbers w,b (e.g. -3,3), got '1,x'"],
      [['--lr', '0'], "--lr must be a positive number, got '0'"],
      [['--steps', '2.5'], "--steps must be a positive integer, got '2.5'"],
      [['--loss', 'abs'], "--loss must be one of logistic, squared, got 'abs'"],
      [['--steps', '100001'], "--steps must be at most 100000, got '100001'"],
      [['--data', '-2:0,1'], "--data takes points x:y separated by commas (e.g. -1:0,0:1,1:1), got '1'"],
      [['--data', '-2:0,1:3'], '--data: point 2 (1:3): the logistic loss takes labels from 0 to 1; use --loss squared for other targets'],
      [['--out', join(dir, 'file')], `--out: ${join(dir, 'file')}: is a file, not a folder`],
    ];
    for (const [args, words] of cases) {
      const r = await demo(['descent', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(words);
    }
  });
});

describe('tsgrad demo vectorise', () => {
  it("prints the notes' two timings, the ratio, the equal results, then the gradient with shapes", async () => {
    const r = await demo(['vectorise', '--size', '2000', '--repeat', '3']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('a · b for two vectors of 2000 numbers, uniform in [0, 1) (RandomState(1), as np.random.rand); median of 3 runs');
    const dotMs = Number(/^Vectorized version:([\d.e+-]+)ms {2}\(tsgrad dot, (blas|wasm|js) backend(: .+)?\)$/.exec(lines[1] ?? '')?.[1]);
    const loopMs = Number(/^For loop:([\d.e+-]+)ms {2}\(a JavaScript for loop\)$/.exec(lines[2] ?? '')?.[1]);
    expect(dotMs).toBeGreaterThanOrEqual(0);
    expect(loopMs).toBeGreaterThanOrEqual(0);
    expect(lines[3]).toMatch(/^(np\.dot:[\d.e+-]+ms {2}\(numpy [\d.]+ in python3, OPENBLAS_NUM_THREADS=\d+\)|numpy: not found \(python3 -c "import numpy" failed\))$/);
    const ratio = Number(/^ratio: the for loop takes ([\d.e+-]+)x tsgrad dot's time/.exec(lines[4] ?? '')?.[1]);
    // The ratio of the printed timings (4 significant digits each), to the ratio's 3.
    expect(ratio / (loopMs / dotMs)).toBeCloseTo(1, 2);
    const values = [...(lines[5] ?? '').matchAll(/(?:for loop|tsgrad dot|np\.dot) ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(values.length).toBeGreaterThanOrEqual(2);
    for (const v of values) expect(v / (values[0] as number)).toBeCloseTo(1, 12);
    expect(lines[6]).toMatch(/^equal: they differ by /);
    expect(r.stdout).toContain('The vectorised gradient (notes 3.2): m = 10 samples, n_x = 2 features, seed 1');
    for (const words of ['X (2, 10) = [[1.62435, -0.611756', 'Y (1, 10) = ', 'Z = wᵀX + b (1, 10)', 'A = σ(Z) (1, 10)', 'dZ = A - Y (1, 10)', 'dW = X dZᵀ / m (2, 1) = [[-0.299061], [-0.209238]]', 'db = Σ dZ / m = 0.180461']) {
      expect(r.stdout).toContain(words);
    }
    expect(r.stdout).toMatch(/autodiff \(backward through J\): dW = \[\[-0\.299061\], \[-0\.209238\]\], db = 0\.180461: equal \(largest difference/);
  });
  it('--json: the timings, numpy (or null) and the gradient as vectorisedGradient computes it', async () => {
    const r = await demo(['vectorise', '--size', '500', '--repeat', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { timing: { size: number; repeat: number; loopValue: number; dotValue: number }; numpy: { value: number } | null; relativeDifference: number; gradient: unknown };
    expect([doc.timing.size, doc.timing.repeat]).toEqual([500, 1]);
    expect(doc.relativeDifference).toBeLessThan(1e-13);
    if (doc.numpy !== null) expect(doc.numpy.value / doc.timing.loopValue).toBeCloseTo(1, 13);
    expect(doc.gradient).toEqual(vectorisedGradient());
  });
  it('says "numpy: not found" when python3 is not on the PATH', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const r = await demo(['vectorise', '--size', '100', '--repeat', '1']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('numpy: not found (python3 -c "import numpy" failed)\n');
      expect(r.stdout).not.toContain('np.dot');
    } finally {
      process.env['PATH'] = path;
    }
  });
  it('refuses sizes out of range, naming the option', async () => {
    const r = await demo(['vectorise', '--size', '10000001']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--size must be at most 10000000, got '10000001'");
  });
});

describe('tsgrad demo, as installed', () => {
  it('is a command of tsgrad: usage errors exit 2 in one line, help lists the demos', async () => {
    const run = promisify(execFile);
    const main = join(import.meta.dirname, '../../dist/cli/main.js');
    const bad = await run('node', [main, 'demo', 'descent', '--optimizer', 'sgd']).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toBe("tsgrad: error: option '--optimizer <list>' argument 'sgd' is invalid. --optimizer takes a comma-separated list of gd, momentum, adam, got 'sgd'\n");
    // The installed command (BLAS backend loaded) prints the paths this process computes, bit for bit.
    const json = await run('node', [main, 'demo', 'descent', '--lr', '0.5', '--steps', '30', '--loss', 'squared', '--json']);
    const doc = JSON.parse(json.stdout) as { paths: DescentPath[] };
    for (const p of doc.paths) expect(p).toEqual(descentPath({ learningRate: 0.5, steps: 30, loss: 'squared', optimizer: p.optimizer }));
    const help = await run('node', [main, 'demo', '--help']);
    expect(help.stdout).toContain('descent [options]');
    expect(help.stdout).toContain('vectorise|vectorize [options]');
  });
});
