import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  costSurface,
  DEFAULT_DESCENT_DATA,
  DEFAULT_DESCENT_START,
  DESCENT_LOSSES,
  DESCENT_OPTIMIZERS,
  descentPath,
  MAX_DESCENT_STEPS,
  type DescentData,
  descentView,
  networkSurface,
  type DescentLoss,
  type DescentOptimizer,
  type DescentPath,
} from '../analysis/descent.js';
import { dotOperands, MAX_DOT_REPEAT, MAX_DOT_SIZE, timeDot, vectorisedGradient, type DotTiming, type Matrix } from '../analysis/vectorise.js';
import { InternalError } from '../core/errors.js';
import { backendInfo } from '../kernels/backend.js';
import { checkOutputs } from '../data/output-path.js';
import { writeFigure } from '../viz/chart.js';
import { descentSvg, OPTIMIZER_STYLE } from '../viz/descent.js';
import { oneOf, optionError, positiveInt, positiveNumber, runCommand } from './run.js';

/** Commander's usage errors of a subcommand read like tsgrad's own (main.ts does this for top-level commands). */
function asSubcommand(cmd: Command): Command {
  return cmd.exitOverride().configureOutput({ outputError: (text, write) => write(`tsgrad: ${text}`) });
}

function debugOf(opts: { debug?: boolean }, cmd: Command): boolean {
  return opts.debug === true || cmd.optsWithGlobals()['debug'] === true;
}

/**
 * `tsgrad demo`: the notes' figures and demos to run: `descent` (section 1.1) and `vectorise`
 * (3.1-3.2). `tsgrad graph` draws the computation graphs of 2.3-2.6.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description("the notes' demos: gradient descent on J(w, b) (descent) and vectorisation (vectorise)")
    .addCommand(asSubcommand(descentCommand()))
    .addCommand(asSubcommand(vectoriseCommand()));
}

interface DescentCliOptions {
  lr: number;
  steps: number;
  optimizer: DescentOptimizer[];
  loss: DescentLoss;
  start: { w: number; b: number };
  data?: DescentData;
  every?: number;
  out?: string;
  json?: boolean;
  debug?: boolean;
}

function optimizerList(v: string): DescentOptimizer[] {
  const names = v.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(DESCENT_OPTIMIZERS as readonly string[]).includes(n)) throw new InvalidArgumentError(`--optimizer takes a comma-separated list of ${DESCENT_OPTIMIZERS.join(', ')}, got '${n}'`);
  }
  const unique = [...new Set(names)] as DescentOptimizer[];
  return unique;
}

function startPoint(v: string): { w: number; b: number } {
  const parts = v.split(',');
  const [w, b] = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
  if (parts.length !== 2 || !Number.isFinite(w) || !Number.isFinite(b)) throw new InvalidArgumentError(`--start takes two finite numbers w,b (e.g. -3,3), got '${v}'`);
  return { w: w as number, b: b as number };
}

function dataPoints(v: string): DescentData {
  const data: DescentData = { x: [], y: [] };
  for (const item of v.split(',')) {
    const parts = item.split(':');
    const [x, y] = parts.map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if (parts.length !== 2 || !Number.isFinite(x) || !Number.isFinite(y)) throw new InvalidArgumentError(`--data takes points x:y separated by commas (e.g. -1:0,0:1,1:1), got '${item}'`);
    data.x.push(x as number);
    data.y.push(y as number);
  }
  return data;
}

function descentCommand(): Command {
  return new Command('descent')
    .description("gradient descent on the notes' J(w, b) for one feature x: the paths of gd, momentum and Adam, printed and drawn over the cost's contours")
    .option('--lr <alpha>', 'learning rate α', positiveNumber('--lr'), 0.1)
    .option('--steps <n>', `number of updates (at most ${MAX_DESCENT_STEPS})`, atMost('--steps', MAX_DESCENT_STEPS), 50)
    .addOption(new Option('--optimizer <list>', `comma-separated optimisers: ${DESCENT_OPTIMIZERS.join(', ')}`).argParser(optimizerList).default([...DESCENT_OPTIMIZERS], DESCENT_OPTIMIZERS.join(',')))
    .option('--loss <loss>', 'logistic (σ(wx + b) with cross-entropy) or squared (wx + b with squared error)', oneOf('--loss', DESCENT_LOSSES), 'logistic')
    .addOption(new Option('--start <w,b>', 'where the paths start').argParser(startPoint).default({ ...DEFAULT_DESCENT_START }, `${DEFAULT_DESCENT_START.w},${DEFAULT_DESCENT_START.b}`))
    .option('--data <x:y,...>', "your own points instead of the notes' ten, e.g. -2:0,-1:0,0:1,1:0,2:1 (labels 0 to 1 for the logistic loss)", dataPoints)
    .option('--every <n>', 'print every n-th step (and the last; default: about 10 lines per path)', positiveInt('--every'))
    .option('--out <dir>', 'write descent.svg/.png (J(w, b) with the paths) and network.svg/.png (a small network: not a bowl) into this folder')
    .option('--json', 'print {"paths": [...]} on stdout, each path as descentPath returns it')
    .option('--debug', 'show stack traces on errors')
    .action(async (opts: DescentCliOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => descent(opts), debugOf(opts, cmd));
    });
}

// Enough digits to follow a path; costs keep six significant digits.
const fix = (x: number): string => (Math.abs(x) >= 1e6 ? x.toExponential(3) : x.toFixed(4));
const sig = (x: number): string => (Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-4) ? x.toExponential(4) : String(Number(x.toPrecision(6))));

const LOSS_TEXT: Record<DescentLoss, string> = {
  logistic: 'logistic: a = σ(wx + b), J = -(1/m) Σ (y log a + (1-y) log(1-a))',
  squared: 'squared error: ŷ = wx + b, J = (1/2m) Σ (ŷ - y)²',
};

async function descent(opts: DescentCliOptions): Promise<void> {
  const data = opts.data ?? DEFAULT_DESCENT_DATA;
  if (opts.loss === 'logistic') {
    const bad = data.y.findIndex((y) => y < 0 || y > 1);
    if (bad >= 0) throw optionError('--data', `point ${bad + 1} (${data.x[bad]}:${data.y[bad]}): the logistic loss takes labels from 0 to 1; use --loss squared for other targets`);
  }
  if (opts.out !== undefined) await checkOutputs('demo descent', [{ option: '--out', path: opts.out, kind: 'folder' }]);
  const paths = opts.optimizer.map((optimizer) => descentPath({ data, loss: opts.loss, optimizer, learningRate: opts.lr, steps: opts.steps, start: opts.start }));
  const files = opts.out === undefined ? [] : await drawDescent(opts.out, paths, data, opts);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ paths })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const d = data;
  say(`gradient descent on J(w, b), ${LOSS_TEXT[opts.loss]}`);
  say(`data${opts.data === undefined ? " (the notes' default)" : ''}: ${d.x.length} points (x, y): ${d.x.map((x, i) => `(${x}, ${d.y[i]})`).join(' ')}`);
  say(`from (w, b) = (${opts.start.w}, ${opts.start.b}), α = ${opts.lr}, ${opts.steps} steps`);
  const every = opts.every ?? Math.max(1, Math.ceil(opts.steps / 10));
  for (const p of paths) {
    say('');
    say(`${OPTIMIZER_STYLE[p.optimizer].name}${p.optimizer === 'adam' ? ' (β1 0.9, β2 0.999, ε 1e-8)' : ''}`);
    const rows = p.points.filter((q, i) => q.step % every === 0 || i === p.points.length - 1);
    const cells = rows.map((q) => [String(q.step), fix(q.w), fix(q.b), sig(q.cost), sig(q.dw), sig(q.db)]);
    const head = ['step', 'w', 'b', 'cost', 'dJ/dw', 'dJ/db'];
    const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => (c[k] as string).length)));
    for (const line of [head, ...cells]) say(line.map((c, k) => c.padStart(widths[k] as number)).join('  '));
    const [first, last] = [p.points[0], p.points.at(-1)];
    if (p.diverged) say(`${p.optimizer}: diverged: the cost is not a finite number at step ${p.stoppedAt}, α = ${opts.lr} is too large; the path stops at step ${last?.step ?? 0}`);
    else if (first !== undefined && last !== undefined && last.step > 0 && last.cost > first.cost) {
      say(`${p.optimizer}: diverging: the cost grew from ${sig(first.cost)} at step 0 to ${sig(last.cost)} at step ${last.step}, α = ${opts.lr} is too large`);
    }
  }
  if (files.length > 0) {
    say('');
    say(`wrote ${files.join(', ')}`);
  }
}

async function drawDescent(dir: string, paths: readonly DescentPath[], data: DescentData, opts: DescentCliOptions): Promise<string[]> {
  const view = descentView(paths);
  const n = 61;
  const s = costSurface({ data, loss: opts.loss, w: view.w, b: view.b, n });
  const bowl = await descentSvg({
    x: s.w,
    y: s.b,
    cost: s.cost,
    title: `Gradient descent on J(w, b), ${opts.loss === 'logistic' ? 'logistic loss' : 'squared error'}`,
    subtitle: [LOSS_TEXT[opts.loss], `${data.x.length} points of one feature; from (${opts.start.w}, ${opts.start.b}), α = ${opts.lr}, ${opts.steps} steps${paths.some((p) => p.diverged) ? '; a path that diverged stops where the cost stopped being finite' : ''}`],
    xTitle: 'w',
    yTitle: 'b',
    legendTitle: 'J(w, b)',
    paths,
  });
  const net = networkSurface({ data, loss: opts.loss, n });
  const fixed = net.network;
  const r = (x: number): string => x.toFixed(3);
  const notBowl = await descentSvg({
    x: net.u,
    y: net.v,
    cost: net.cost,
    title: 'A small network: not a bowl',
    subtitle: [
      `1-2-1 network h = tanh(w1·x + c1), s = v·h + c2, the ${opts.loss === 'logistic' ? 'logistic loss on σ(s)' : 'squared error of s'}, same data`,
      `over w1[0] and v[0]; fixed (seed 1): w1[1] ${r(fixed.w1[1])}, c1 [${r(fixed.c1[0])}, ${r(fixed.c1[1])}], v[1] ${r(fixed.v[1])}, c2 ${r(fixed.c2)}`,
    ],
    xTitle: 'w1[0], the first hidden unit’s input weight',
    yTitle: 'v[0], its output weight',
    legendTitle: 'cost',
  });
  return [...(await writeFigure(dir, 'descent', bowl)), ...(await writeFigure(dir, 'network', notBowl))];
}

function atMost(option: string, max: number): (v: string) => number {
  const parse = positiveInt(option);
  return (v: string) => {
    const n = parse(v);
    if (n > max) throw new InvalidArgumentError(`${option} must be at most ${max}, got '${v}'`);
    return n;
  };
}

interface VectoriseCliOptions {
  size: number;
  repeat: number;
  json?: boolean;
  debug?: boolean;
}

function vectoriseCommand(): Command {
  return new Command('vectorise')
    .alias('vectorize')
    .description("the notes' 3.1-3.2: a dot product as a for loop, as tsgrad's dot and as numpy's np.dot (when python3 has numpy), timed; then the vectorised gradient of 10 samples with 2 features")
    .option('--size <n>', `length of the two vectors (at most ${MAX_DOT_SIZE})`, atMost('--size', MAX_DOT_SIZE), 100000)
    .option('--repeat <n>', `timed runs of each, the median printed (at most ${MAX_DOT_REPEAT})`, atMost('--repeat', MAX_DOT_REPEAT), 5)
    .option('--json', 'print one JSON object: timing, numpy, gradient')
    .option('--debug', 'show stack traces on errors')
    .action(async (opts: VectoriseCliOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => vectorise(opts), debugOf(opts, cmd));
    });
}

/** np.dot on the same vectors: numpy's RandomState(1).rand draws what src/core/rng.ts draws. */
interface NumpyTiming {
  version: string;
  ms: number;
  value: number;
  /** a[0] and b[-1] as numpy drew them, to show the vectors are the same. */
  first: number;
  last: number;
}

const NUMPY_SCRIPT = `
import sys, json, time
import numpy as np
n, repeat = int(sys.argv[1]), int(sys.argv[2])
rs = np.random.RandomState(1)
a = rs.rand(n)
b = rs.rand(n)
c = np.dot(a, b)
times = []
for _ in range(repeat):
    tic = time.perf_counter()
    c = np.dot(a, b)
    toc = time.perf_counter()
    times.append(1000 * (toc - tic))
print(json.dumps({"version": np.__version__, "ms": float(np.median(times)), "value": float(c), "first": float(a[0]), "last": float(b[-1])}))
`;

/**
 * np.dot's BLAS on one thread, as tsgrad's dot runs (src/kernels/blas-node.ts keeps products
 * under 2^27 multiply-adds on one thread): on a loaded machine OpenBLAS's threads wait for
 * each other, and a 100,000-element np.dot measured 16-24 ms on two shared cores against
 * 0.015 ms on one thread. A thread count the user set is kept.
 */
function numpyEnv(): NodeJS.ProcessEnv {
  return { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', ...process.env };
}

/** The BLAS thread count numpy runs with, for the printed line. */
function numpyThreads(): string {
  const env = numpyEnv();
  return env['OPENBLAS_NUM_THREADS'] ?? env['OMP_NUM_THREADS'] ?? '1';
}

/** Runs np.dot in python3, or null when python3 or numpy is not there. */
function numpyDot(size: number, repeat: number): Promise<NumpyTiming | null> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn('python3', ['-c', NUMPY_SCRIPT, String(size), String(repeat)], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000, env: numpyEnv() });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) return resolve(null);
      try {
        const t = JSON.parse(out) as NumpyTiming;
        resolve(typeof t.ms === 'number' && typeof t.value === 'number' ? t : null);
      } catch {
        resolve(null);
      }
    });
  });
}

const ms = (x: number): string => `${Number(x.toPrecision(4))}ms`;
const num = (x: number): string => String(Number(x.toPrecision(6)));
const mat = (m: Matrix): string => `[${m.rows.map((r) => `[${r.map(num).join(', ')}]`).join(', ')}]`;
const shape = (m: Matrix): string => `(${m.shape.join(', ')})`;

async function vectorise(opts: VectoriseCliOptions): Promise<void> {
  const timing: DotTiming = timeDot(opts.size, opts.repeat);
  const numpy = await numpyDot(opts.size, opts.repeat);
  const g = vectorisedGradient();
  // numpy's RandomState(1) must have drawn the same two vectors.
  if (numpy !== null) {
    const [a, b] = dotOperands(opts.size);
    if (numpy.first !== a[0] || numpy.last !== b[opts.size - 1]) throw new InternalError(`numpy drew other vectors than tsgrad's RandomState(1): a[0] ${numpy.first} against ${a[0]}`);
  }
  const values = [timing.loopValue, timing.dotValue, ...(numpy === null ? [] : [numpy.value])];
  const spread = Math.max(...values) - Math.min(...values);
  const relative = spread / Math.abs(timing.loopValue);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ timing, backend: backendInfo().name, numpy, relativeDifference: relative, gradient: g })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`a · b for two vectors of ${opts.size} numbers, uniform in [0, 1) (RandomState(1), as np.random.rand); median of ${opts.repeat} runs`);
  const backend = backendInfo();
  say(`Vectorized version:${ms(timing.dotMs)}  (tsgrad dot, ${backend.name} backend${backend.library === undefined ? '' : `: ${backend.library}`})`);
  say(`For loop:${ms(timing.loopMs)}  (a JavaScript for loop)`);
  say(numpy === null ? 'numpy: not found (python3 -c "import numpy" failed)' : `np.dot:${ms(numpy.ms)}  (numpy ${numpy.version} in python3, OPENBLAS_NUM_THREADS=${numpyThreads()})`);
  say(`ratio: the for loop takes ${Number((timing.loopMs / timing.dotMs).toPrecision(3))}x tsgrad dot's time${numpy === null ? '' : `, ${Number((timing.loopMs / numpy.ms).toPrecision(3))}x np.dot's`}`);
  say(`results: for loop ${timing.loopValue}, tsgrad dot ${timing.dotValue}${numpy === null ? '' : `, np.dot ${numpy.value}`}`);
  say(relative < 1e-12 ? `equal: they differ by ${spread.toPrecision(2)} (${relative.toPrecision(2)} of the sum: the additions run in different orders)` : `NOT equal: they differ by ${spread} (${relative} of the sum)`);
  say('');
  say(`The vectorised gradient (notes 3.2): m = ${g.m} samples, n_x = ${g.nx} features, seed ${g.seed}`);
  say(`X ${shape(g.X)} = ${mat(g.X)}`);
  say(`Y ${shape(g.Y)} = ${mat(g.Y)}`);
  say(`w ${shape(g.w)} = ${mat(g.w)}, b = ${num(g.b)}  (6 significant digits shown)`);
  say(`Z = wᵀX + b ${shape(g.Z)} = ${mat(g.Z)}`);
  say(`A = σ(Z) ${shape(g.A)} = ${mat(g.A)}`);
  say(`dZ = A - Y ${shape(g.dZ)} = ${mat(g.dZ)}`);
  say(`dW = X dZᵀ / m ${shape(g.dW)} = ${mat(g.dW)}`);
  say(`db = Σ dZ / m = ${num(g.db)}`);
  say(`J = ${num(g.cost)}`);
  say(`autodiff (backward through J): dW = ${mat(g.autodiff.dW)}, db = ${num(g.autodiff.db)}: ${g.maxDifference < 1e-12 ? 'equal' : 'NOT equal'} (largest difference ${g.maxDifference.toPrecision(2)})`);
}
