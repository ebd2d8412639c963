/**
 * `npm run bench`: tsgrad against numpy, side by side, in one table.
 *
 * - The single neuron (2000 full-batch iterations on catvnoncat, costs every 100), whole
 *   process against whole process (start, load, train, evaluate): numpy running
 *   bench/numpy_logistic.py, tsgrad's CLI `node dist/cli/main.js train --json`, and
 *   bench/single-neuron-fast.ts (load + `TrainingRun` on the raw pixels), in float64 and float32.
 * - The deep models' matrix products (bench/matmul-shapes.ts): tsgrad's `matmul`
 *   (bench/matmul.ts) against `np.dot` (bench/numpy_matmul.py) on the same seeded matrices,
 *   medians of 9 calls inside one process each (1001 for the small products).
 * - The notes' dot demo: 100,000 float64 elements, a plain JavaScript loop and tsgrad's `dot`
 *   against `np.dot` (medians of 101 calls inside one process each).
 * - The course's deep networks (2500 full-batch iterations, 2-layer [12288, 7, 1] and
 *   L-layer [12288, 20, 7, 5, 1]), whole process against whole process: numpy running
 *   bench/numpy_dnn.py (the course's code of test/nn/fixtures/course_dnn.py) and the CLI's
 *   `train --model mlp --json` with its fast engine and, once, its plain one.
 * - tsgrad's matmul, dot and plain-engine rows run once on each kernel backend this machine
 *   has (`tsgrad info`: the system BLAS, when it loads, beside wasm), forced by TSGRAD_BACKEND.
 * - Small CNNs (the course's SIGNS network, a LeNet-5 on MNIST): forward + backward, a training
 *   step and an epoch, tsgrad (bench/cnn.ts) against PyTorch on the CPU (bench/torch_cnn.py) and
 *   TensorFlow.js's cpu and wasm backends (bench/tfjs_cnn.ts), in their own table ("peer ÷ tsgrad").
 *
 * Every row is the median of `--runs` (default 5) runs, interleaved so that a busy machine
 * slows every implementation alike; "numpy ÷ this" divides numpy's median of the same run
 * by the row's. Peak RSS comes from /usr/bin/time (or the process's own report).
 *
 * - The L-layer network with Adam on mini-batches of 64 (He init, 100 epochs), numpy_dnn.py
 *   --model adam against the CLI; MNIST digits [784, 128, 10] with Adam, float64 and float32,
 *   numpy_mnist.py and PyTorch (torch_mnist.py) against the CLI: whole processes, and their
 *   training seconds in rows of their own.
 *
 *   npm run bench -- --runs 7 --data ../shared/datasets [--cli path/to/cli/main.js] [--only neuron,matmul,dot,deep,adam,mnist,cnn]
 *   [--slow-runs 3] (the most runs of a row whose first run took over 10 s: numpy's deep networks)
 *   [--cnn-epochs 2] (the LeNet-5's epochs before its test accuracy)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MATMUL_SHAPES } from './matmul-shapes.js';

// Compiled to out/bench/bench/run.js; the project root is three folders up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}
const RUNS = Math.max(1, Number(option('--runs') ?? 5));
const DATA = resolve(ROOT, option('--data') ?? join('..', 'shared', 'datasets'));
// The CLI to time: this checkout's build by default.
const CLI = resolve(ROOT, option('--cli') ?? join('dist', 'cli', 'main.js'));
// --only neuron,matmul,dot: a subset of the table's groups.
const ONLY = option('--only')?.split(',');
const wanted = (group: 'neuron' | 'matmul' | 'dot' | 'deep' | 'adam' | 'mnist' | 'cnn'): boolean => ONLY === undefined || ONLY.includes(group);
// The CLI's plain path takes tens of seconds a run: past this, it is run once only.
const SLOW_SECONDS = 10;
// numpy's deep networks take 20 s and more a run: past SLOW_SECONDS, at most this many runs.
const SLOW_RUNS = Math.max(1, Number(option('--slow-runs') ?? 3));
// The LeNet-5's epochs in the cnn group's epoch row.
const CNN_EPOCHS = Math.max(1, Math.floor(Number(option('--cnn-epochs') ?? 2)));

interface CostRecord {
  /** Full-batch runs print costs by iteration, mini-batch runs by epoch. */
  iteration?: number;
  epoch?: number;
  cost: number;
}
interface TrainOutput {
  costs: CostRecord[];
  trainAccuracy: number;
  testAccuracy: number;
  /** Seconds spent training (tsgrad's `--json`, numpy_mnist.py, torch_mnist.py, numpy_dnn.py). */
  trainingSeconds?: number;
  maxRssBytes?: number;
  numpy?: string;
  blas?: string;
  threads?: number;
}
interface Run {
  seconds: number;
  rssBytes: number | undefined;
  stdout: string;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command once, timing it from spawn to exit, with its peak RSS. */
function runOnce(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const [file, argv] = TIME === undefined ? [cmd, args] : [TIME, ['-f', '%M', cmd, ...args]];
  const t0 = performance.now();
  const r = spawnSync(file, argv, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  const kb = TIME === undefined ? Number.NaN : Number((r.stderr ?? '').trim().split('\n').at(-1));
  return { seconds, rssBytes: Number.isFinite(kb) ? kb * 1024 : undefined, stdout: r.stdout };
}

function lastJson<T>(stdout: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The reference costs and accuracies, read from ../shared/datasets/README.md. */
function readReference(): { costs: string[]; train: number; test: number } | undefined {
  const file = join(DATA, 'README.md');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').replace(/\s+/g, ' ');
  const costs = /every 100 iterations: ([0-9. ]+)\)/.exec(text)?.[1]?.trim().split(' ');
  const train = /train accuracy ([0-9.]+) %/.exec(text)?.[1];
  const test = /test accuracy ([0-9.]+) %/.exec(text)?.[1];
  if (costs === undefined || train === undefined || test === undefined) return undefined;
  return { costs, train: Number(train), test: Number(test) };
}
const REFERENCE = readReference();

/** How a run's printed figures compare with the reference (6 decimals) and with numpy's. */
function describeResult(out: TrainOutput, numpy: TrainOutput | undefined): string {
  const printed = out.costs.map((c) => c.cost.toFixed(6));
  const parts: string[] = [];
  if (REFERENCE !== undefined) {
    const same = printed.filter((c, i) => c === REFERENCE.costs[i]).length;
    const acc = out.trainAccuracy === REFERENCE.train && out.testAccuracy === REFERENCE.test;
    parts.push(`${same}/${REFERENCE.costs.length} costs = ref${acc ? ', acc = ref' : `, acc ${out.trainAccuracy}/${out.testAccuracy} ≠ ref`}`);
  }
  if (numpy !== undefined) {
    const np = numpy.costs.map((c) => c.cost.toFixed(6));
    const same = printed.length === np.length && printed.every((c, i) => c === np[i]);
    let maxRel = 0;
    out.costs.forEach((c, i) => {
      const n = numpy.costs[i]?.cost ?? Number.NaN;
      maxRel = Math.max(maxRel, Math.abs(c.cost - n) / Math.abs(n));
    });
    parts.push(same ? 'prints = numpy' : `prints ≠ numpy (max rel ${maxRel.toExponential(1)})`);
  }
  return parts.join('; ');
}

// ---------------------------------------------------------------- numpy
function findPython(): { python: string; version: string } | { missing: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import numpy, h5py; print(numpy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return { missing: 'numpy + h5py not found for /usr/bin/python3 or python3 (apt-get install -y python3-numpy python3-h5py)' };
}
const PY = findPython();
// The machine's OpenBLAS tuning variables are unset for numpy, which then picks its own kernels.
const NUMPY_ENV: NodeJS.ProcessEnv = { ...process.env };
delete NUMPY_ENV['OPENBLAS_CORETYPE'];
delete NUMPY_ENV['OPENBLAS_L2_SIZE'];

// ---------------------------------------------------------------- rows
interface Row {
  group: string;
  name: string;
  /** The numpy row this one is compared with (its own name for numpy rows). */
  peer: string;
  seconds: number[];
  rss: number[];
  result: string;
  note?: string;
}

interface Job {
  group: string;
  name: string;
  peer: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  slowOnce?: boolean;
  /** Runs over SLOW_SECONDS stop after SLOW_RUNS. */
  slowFew?: boolean;
  /** Results: the single neuron's reference and numpy's prints, or the deep networks' (costs to 1e-8; float32 runs to 1e-4 relative). */
  compare?: 'deep' | 'deep32';
  /** The process reports its training seconds: a second row, "(training)", compares them. */
  training?: boolean;
}

const NODE = process.execPath;

/** The fast kernel backends this machine runs (`tsgrad info --json`): blas where it loads, and wasm. */
function kernelBackends(): string[] {
  const r = spawnSync(NODE, [CLI, 'info', '--json'], { cwd: ROOT, encoding: 'utf8' });
  try {
    const info = JSON.parse(r.stdout) as { backends: { name: string; available: boolean }[] };
    const names = info.backends.filter((b) => b.available && b.name !== 'js').map((b) => b.name);
    return names.length === 0 ? ['js'] : names;
  } catch {
    return ['wasm'];
  }
}
const BACKENDS = kernelBackends();
const withBackend = (backend: string): NodeJS.ProcessEnv => ({ ...process.env, TSGRAD_BACKEND: backend });

const jobs: Job[] = [];
for (const dtype of wanted('neuron') ? (['float64', 'float32'] as const) : []) {
  const peer = `numpy ${dtype}`;
  const group = 'single neuron, whole process';
  if ('python' in PY) {
    jobs.push({ group, name: peer, peer, cmd: PY.python, args: ['bench/numpy_logistic.py', '--dtype', dtype, '--data', DATA], env: NUMPY_ENV });
    // OpenBLAS's second thread spins for a core that other work may hold: on a busy machine
    // numpy can be faster on one thread. Shown for reference, compared with numpy's default.
    jobs.push({ group, name: `${peer}, 1 BLAS thread`, peer, cmd: PY.python, args: ['bench/numpy_logistic.py', '--dtype', dtype, '--data', DATA], env: { ...NUMPY_ENV, OPENBLAS_NUM_THREADS: '1' } });
  }
  jobs.push({ group, name: `tsgrad ${dtype}: CLI train --json`, peer, cmd: NODE, args: [CLI, 'train', '--json', '--dtype', dtype, '--data', DATA], slowOnce: true });
  jobs.push({ group, name: `tsgrad ${dtype}: load + TrainingRun`, peer, cmd: NODE, args: ['out/bench/bench/single-neuron-fast.js', '--dtype', dtype, '--data', DATA] });
}
const DEEP = [
  { model: 'L_layer', title: 'L-layer [12288, 20, 7, 5, 1]', cli: ['--layers', '12288,20,7,5,1', '--init', 'course'] },
  { model: 'two_layer', title: '2-layer [12288, 7, 1]', cli: ['--layers', '12288,7,1', '--init', 'scaled:0.01'] },
];
for (const d of wanted('deep') ? DEEP : []) {
  const group = `deep network ${d.title}, 2500 iterations, whole process`;
  const peer = `numpy float64 ${d.model}`;
  if ('python' in PY) jobs.push({ group, name: peer, peer, cmd: PY.python, args: ['bench/numpy_dnn.py', '--model', d.model, '--data', DATA], env: NUMPY_ENV, slowFew: true, compare: 'deep' });
  const args = [CLI, 'train', '--model', 'mlp', '--json', ...d.cli, '--seed', '1', '--learning-rate', '0.0075', '--iterations', '2500', '--data', DATA];
  jobs.push({ group, name: `tsgrad ${d.model}: CLI --engine fast`, peer, cmd: NODE, args: [...args, '--engine', 'fast'], compare: 'deep' });
  for (const backend of BACKENDS) {
    jobs.push({ group, name: `tsgrad ${d.model}: CLI --engine autodiff [${backend}]`, peer, cmd: NODE, args: [...args, '--engine', 'autodiff'], env: withBackend(backend), slowFew: true, compare: 'deep' });
  }
}
// The L-layer network with Adam on mini-batches of 64 from He weights (the course's optimisation
// assignment's settings): numpy_dnn.py --model adam (the fixture's general_model) against the CLI.
if (wanted('adam')) {
  const group = 'L-layer [12288, 20, 7, 5, 1], Adam (lr 0.0007), batches of 64, He init, 100 epochs, whole process';
  const peer = 'numpy float64 L-layer Adam';
  if ('python' in PY) jobs.push({ group, name: peer, peer, cmd: PY.python, args: ['bench/numpy_dnn.py', '--model', 'adam', '--epochs', '100', '--print-every', '10', '--data', DATA], env: NUMPY_ENV, slowFew: true, compare: 'deep', training: true });
  const args = [CLI, 'train', '--json', '--layers', '12288,20,7,5,1', '--init', 'he', '--seed', '1', '--optimizer', 'adam', '--learning-rate', '0.0007', '--batch-size', '64', '--epochs', '100', '--print-every', '10', '--data', DATA];
  jobs.push({ group, name: 'tsgrad L-layer Adam: CLI', peer, cmd: NODE, args, slowFew: true, compare: 'deep', training: true });
}
// MNIST digits: the first 8,000 of the 10,000 to train, the last 2,000 to test, [784, 128, 10]
// (relu, softmax), He init, Adam lr 0.001, batches of 128, 5 epochs: numpy (numpy_mnist.py),
// PyTorch on the CPU (torch_mnist.py, its default threads) and the CLI, in float64 and float32.
const TORCH_MNIST = wanted('mnist') ? findTorch() : { missing: '' };
const MNIST = join(DATA, 'mnist');
for (const dtype of wanted('mnist') ? (['float64', 'float32'] as const) : []) {
  const group = `MNIST [784, 128, 10], 8,000 digits, Adam, batch 128, 5 epochs, ${dtype}, whole process`;
  const peer = `numpy ${dtype} MNIST`;
  const compare = dtype === 'float32' ? 'deep32' : 'deep';
  const common = ['--dtype', dtype, '--data', MNIST];
  if ('python' in PY) jobs.push({ group, name: peer, peer, cmd: PY.python, args: ['bench/numpy_mnist.py', ...common], env: NUMPY_ENV, compare, training: true });
  if ('python' in TORCH_MNIST) jobs.push({ group, name: `PyTorch ${TORCH_MNIST.version} ${dtype} MNIST`, peer, cmd: TORCH_MNIST.python, args: ['bench/torch_mnist.py', ...common], env: NUMPY_ENV, compare, training: true });
  const args = [CLI, 'train', '--json', '--test-last', '2000', '--layers', '784,128,10', '--init', 'he', '--seed', '1', '--optimizer', 'adam', '--learning-rate', '0.001', '--batch-size', '128', '--epochs', '5', '--print-every', '1', ...common];
  jobs.push({ group, name: `tsgrad ${dtype} MNIST: CLI`, peer, cmd: NODE, args, compare, training: true });
}

/** Where a printed cost belongs: its iteration, or its epoch for mini-batch runs. */
const costAt = (c: CostRecord | undefined): number | undefined => c?.iteration ?? c?.epoch;
// Accuracies are percentages: numpy's mean of booleans x 100 and a count / m x 100 differ in the last bit.
const sameAccuracy = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9;

/**
 * The deep networks: printed costs against numpy's at every printed iteration or epoch (float64
 * to 1e-8, the issue's bar; float32 runs, whose products sum in another order, to 1e-4
 * relative), and accuracies.
 */
function describeDeep(out: TrainOutput, numpy: TrainOutput | undefined, f32 = false): string {
  const acc = `acc ${out.trainAccuracy}/${out.testAccuracy}`;
  if (numpy === undefined) return acc;
  const same = out.costs.length === numpy.costs.length && out.costs.every((c, i) => costAt(c) === costAt(numpy.costs[i]));
  if (!same) return `${acc}; printed iterations ≠ numpy's`;
  const accSame = sameAccuracy(out.trainAccuracy, numpy.trainAccuracy) && sameAccuracy(out.testAccuracy, numpy.testAccuracy);
  const diffs = out.costs.map((c, i) => {
    const n = numpy.costs[i]?.cost ?? Number.NaN;
    return f32 ? Math.abs(c.cost - n) / Math.abs(n) : Math.abs(c.cost - n);
  });
  const diff = diffs.reduce((a, b) => (Number.isNaN(b) || b > a ? b : a), 0);
  const [bar, what] = f32 ? [1e-4, 'rel'] : [1e-8, '|Δ|'];
  return `${acc}${accSame ? ' = numpy' : ' ≠ numpy'}; ${out.costs.length} costs ${diff <= bar ? '=' : '≠'} numpy to ${bar} (max ${what} ${diff.toExponential(1)})`;
}

const loadBefore = loadavg()[0] ?? 0;
const rows = new Map<string, Row & { outputs: TrainOutput[] }>();
if (jobs.length > 0) process.stderr.write(`bench: ${RUNS} interleaved runs of ${jobs.length} processes\n`);
for (let run = 0; run < RUNS; run++) {
  for (const job of jobs) {
    const row = rows.get(job.name) ?? { group: job.group, name: job.name, peer: job.peer, seconds: [], rss: [], result: '', outputs: [] };
    rows.set(job.name, row);
    if (job.slowOnce && run > 0 && (row.seconds[0] ?? 0) > SLOW_SECONDS) continue;
    if (job.slowFew && row.seconds.length >= SLOW_RUNS && (row.seconds[0] ?? 0) > SLOW_SECONDS) continue;
    const r = runOnce(job.cmd, job.args, job.env);
    const out = lastJson<TrainOutput>(r.stdout);
    row.seconds.push(r.seconds);
    const rss = r.rssBytes ?? out.maxRssBytes;
    if (rss !== undefined) row.rss.push(rss);
    row.outputs.push(out);
    process.stderr.write(`  run ${run + 1}: ${job.name}: ${r.seconds.toFixed(3)} s\n`);
  }
}
const compareOf = new Map(jobs.map((j) => [j.name, j.compare]));
for (const row of rows.values()) {
  const numpy = rows.get(row.peer)?.outputs[0];
  const out = row.outputs[0];
  const kind = compareOf.get(row.name);
  const describe = kind === undefined ? describeResult : (o: TrainOutput, n: TrainOutput | undefined) => describeDeep(o, n, kind === 'deep32');
  row.result = out === undefined ? '' : describe(out, row.name === row.peer ? undefined : numpy);
  if (row.seconds.length < RUNS) row.note = `${row.seconds.length} run(s): over ${SLOW_SECONDS} s${row.name === row.peer ? '' : ' (plain path)'}`;
  const inconsistent = row.outputs.some((o) => JSON.stringify(o.costs) !== JSON.stringify(out?.costs));
  if (inconsistent) row.result += '; runs differ!';
}
// Rows of training seconds (as each process reports them) beside the whole processes'.
const trainingRows: Row[] = [];
for (const job of jobs.filter((j) => j.training === true)) {
  const row = rows.get(job.name);
  const seconds = row?.outputs.map((o) => o.trainingSeconds).filter((t): t is number => t !== undefined) ?? [];
  if (row === undefined || seconds.length === 0) continue;
  const threads = row.outputs[0]?.threads;
  trainingRows.push({ group: `${job.group.replace(/, whole process$/, '')}, training time`, name: `${job.name} (training)`, peer: `${job.peer} (training)`, seconds, rss: [], result: threads === undefined ? '' : `${threads} thread(s)` });
}
// PyTorch's training time against tsgrad's (the issue's bar: at least 1x).
for (const r of trainingRows) {
  const torch = trainingRows.find((t) => t.group === r.group && t.name.startsWith('PyTorch'));
  if (torch !== undefined && r.name.startsWith('tsgrad')) r.result = `PyTorch ÷ this: ${(median(torch.seconds) / median(r.seconds)).toFixed(2)}x`;
}

// ---------------------------------------------------------------- dot demo
interface DotOutput {
  n: number;
  loop: { value: number; medianSeconds: number };
  tsgrad: { value: number; medianSeconds: number };
  maxRssBytes: number;
}
interface NpDotOutput {
  value: number;
  medianSeconds: number;
  maxRssBytes: number;
}
const dotRows: Row[] = [];
if (wanted('dot')) {
  const group = 'dot, 100,000 float64 (median of 101 calls)';
  const js = new Map<string, DotOutput[]>(BACKENDS.map((b) => [b, []]));
  const np: NpDotOutput[] = [];
  for (let run = 0; run < RUNS; run++) {
    if ('python' in PY) np.push(lastJson<NpDotOutput>(runOnce(PY.python, ['bench/numpy_logistic.py', '--dot'], NUMPY_ENV).stdout));
    for (const backend of BACKENDS) js.get(backend)?.push(lastJson<DotOutput>(runOnce(NODE, ['out/bench/bench/dot.js'], withBackend(backend)).stdout));
  }
  const npValue = np[0]?.value;
  const match = (v: number) => (npValue === undefined ? '' : Math.abs(v - npValue) <= 1e-12 * Math.abs(npValue) ? '= np.dot (1e-12 rel)' : `≠ np.dot: ${v} vs ${npValue}`);
  if (np.length > 0) {
    dotRows.push({ group, name: 'np.dot', peer: 'np.dot', seconds: np.map((o) => o.medianSeconds), rss: np.map((o) => o.maxRssBytes), result: `${npValue}` });
  }
  const loops = [...js.values()].flat();
  dotRows.push({ group, name: 'plain JS loop', peer: 'np.dot', seconds: loops.map((o) => o.loop.medianSeconds), rss: loops.map((o) => o.maxRssBytes), result: match(loops[0]?.loop.value ?? Number.NaN) });
  for (const [backend, outs] of js) {
    dotRows.push({ group, name: `tsgrad dot [${backend}]`, peer: 'np.dot', seconds: outs.map((o) => o.tsgrad.medianSeconds), rss: outs.map((o) => o.maxRssBytes), result: match(outs[0]?.tsgrad.value ?? Number.NaN) });
  }
}

// ---------------------------------------------------------------- matmul
interface MatmulOutput {
  name: string;
  medianSeconds: number;
  sum: number;
  maxRelToPlain?: number;
  plainSeconds?: number;
  maxRssBytes: number;
}
const matmulRows: Row[] = [];
if (wanted('matmul')) {
  const group = 'matmul (median of 9 calls; 1001 when small)';
  const shapesJson = JSON.stringify(MATMUL_SHAPES);
  const js = new Map<string, MatmulOutput[][]>(BACKENDS.map((b) => [b, []]));
  const np: MatmulOutput[][] = [];
  const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as MatmulOutput);
  for (let run = 0; run < RUNS; run++) {
    if ('python' in PY) np.push(lines(runOnce(PY.python, ['bench/numpy_matmul.py', shapesJson], NUMPY_ENV).stdout));
    for (const backend of BACKENDS) js.get(backend)?.push(lines(runOnce(NODE, ['out/bench/bench/matmul.js'], withBackend(backend)).stdout));
  }
  MATMUL_SHAPES.forEach((shape, i) => {
    const theirs = np.map((r) => r[i]).filter((o): o is MatmulOutput => o !== undefined);
    const peer = `np.dot ${shape.name}`;
    const npSum = theirs[0]?.sum;
    if (theirs.length > 0) {
      matmulRows.push({ group, name: peer, peer, seconds: theirs.map((o) => o.medianSeconds), rss: theirs.map((o) => o.maxRssBytes), result: `Σ ${npSum}` });
    }
    // float32 products are summed in float32 by sgemm (numpy's and tsgrad's BLAS backend).
    const tol = shape.dtype === 'float32' ? 1e-5 : 1e-12;
    let mine: MatmulOutput[] = [];
    for (const [backend, runs] of js) {
      mine = runs.map((r) => r[i]).filter((o): o is MatmulOutput => o !== undefined);
      const sum = mine[0]?.sum ?? Number.NaN;
      const vsNumpy = npSum === undefined ? '' : Math.abs(sum - npSum) <= tol * Math.abs(npSum) ? `Σ = np.dot (${tol} rel)` : `Σ ≠ np.dot: ${sum} vs ${npSum}`;
      const plain = Math.max(...mine.map((o) => o.maxRelToPlain ?? Number.NaN));
      matmulRows.push({
        group,
        name: `tsgrad matmul [${backend}] ${shape.name}`,
        peer,
        seconds: mine.map((o) => o.medianSeconds),
        rss: mine.map((o) => o.maxRssBytes),
        result: `${vsNumpy}; max rel to plain gemm ${plain.toExponential(1)}`,
      });
    }
    const plainSeconds = mine.map((o) => o.plainSeconds).filter((t): t is number => t !== undefined);
    if (plainSeconds.length > 0) {
      matmulRows.push({ group, name: `tsgrad plain gemm ${shape.name} (1 call)`, peer, seconds: plainSeconds, rss: [], result: 'the reference and fallback' });
    }
  });
}

// ---------------------------------------------------------------- cnn
/** What bench/cnn.ts, bench/torch_cnn.py and bench/tfjs_cnn.ts print: one JSON line. */
interface CnnOutput {
  medianSeconds?: number;
  calls?: number;
  /** The first line of the error a backend raised: the row cannot run there. */
  error?: string;
  /** An epoch stopped after its time budget: its time is extrapolated from these batches. */
  partial?: { batches: number; of: number };
  epochSeconds?: number[];
  costs?: number[];
  testAccuracy?: number;
  maxRssBytes?: number;
  version?: string;
  threads?: number;
  wasm?: { simd: boolean; threads: boolean };
}
interface CnnRow {
  group: string;
  name: string;
  seconds: number[];
  rss: number[];
  outputs: CnnOutput[];
  /** Wall seconds of the first process (past SLOW_SECONDS a row runs once). */
  firstWall?: number;
  failed?: string;
}
function findTorch(): { python: string; version: string } | { missing: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return { missing: 'PyTorch not found for /usr/bin/python3 or python3 (apt-get install -y python3-torch)' };
}
const cnnRows: CnnRow[] = [];
const TSGRAD_CNN = 'tsgrad float32';
let torchNote = '';
if (wanted('cnn')) {
  const TORCH = findTorch();
  torchNote = 'python' in TORCH ? `PyTorch ${TORCH.version} (${TORCH.python})` : TORCH.missing;
  const CNN = [
    { net: 'signs', what: 'grad', title: 'SIGNS CNN 64x64x3: forward + backward, batch 64' },
    { net: 'lenet', what: 'grad', title: 'LeNet-5 28x28x1: forward + backward, batch 64' },
    { net: 'signs', what: 'step', title: 'SIGNS CNN: training step (Adam), batch 64 of 1024 synthetic' },
    { net: 'lenet', what: 'epoch', title: `LeNet-5: 1 epoch of 8,000 MNIST digits (Adam, batch 64), test acc. after ${CNN_EPOCHS}` },
  ];
  const common = (c: { net: string; what: string }) => ['--net', c.net, '--what', c.what, '--data', DATA, '--epochs', String(CNN_EPOCHS)];
  const impls: { name: string; cmd: string; args: string[] }[] = [{ name: TSGRAD_CNN, cmd: NODE, args: ['out/bench/bench/cnn.js', '--dtype', 'float32'] }];
  if ('python' in TORCH) {
    impls.push({ name: 'PyTorch, 2 threads', cmd: TORCH.python, args: ['bench/torch_cnn.py', '--threads', '2'] });
    // PyTorch's second OpenMP thread waits for a core that other work may hold (as OpenBLAS's).
    impls.push({ name: 'PyTorch, 1 thread', cmd: TORCH.python, args: ['bench/torch_cnn.py', '--threads', '1'] });
  }
  for (const backend of ['cpu', 'wasm']) impls.push({ name: `tfjs ${backend}`, cmd: NODE, args: ['out/bench/bench/tfjs_cnn.js', '--backend', backend] });
  const table = new Map<string, CnnRow>();
  process.stderr.write(`bench: cnn, ${RUNS} interleaved runs of ${CNN.length * impls.length} processes (rows over ${SLOW_SECONDS} s run once)\n`);
  for (let run = 0; run < RUNS; run++) {
    for (const c of CNN) {
      for (const impl of impls) {
        const key = `${c.title}|${impl.name}`;
        const row = table.get(key) ?? { group: c.title, name: impl.name, seconds: [], rss: [], outputs: [] };
        table.set(key, row);
        // A backend's error, or a process failing, is the same on every run; a slow row runs once.
        if (row.failed !== undefined || row.outputs.some((o) => o.error !== undefined)) continue;
        if (run > 0 && (row.firstWall ?? 0) > SLOW_SECONDS) continue;
        let r: Run;
        try {
          r = runOnce(impl.cmd, [...impl.args, ...common(c)]);
        } catch (e) {
          row.failed = String(e instanceof Error ? e.message : e).split('\n')[0];
          process.stderr.write(`  run ${run + 1}: ${c.title}: ${impl.name}: failed: ${row.failed}\n`);
          continue;
        }
        row.firstWall ??= r.seconds;
        const o = lastJson<CnnOutput>(r.stdout);
        row.outputs.push(o);
        if (o.medianSeconds !== undefined) row.seconds.push(o.medianSeconds);
        const rss = r.rssBytes ?? o.maxRssBytes;
        if (rss !== undefined) row.rss.push(rss);
        process.stderr.write(`  run ${run + 1}: ${c.title}: ${impl.name}: ${o.error !== undefined ? `cannot run (${o.error})` : `${(o.medianSeconds ?? Number.NaN).toFixed(4)} s`} (${r.seconds.toFixed(1)} s wall)\n`);
      }
    }
  }
  cnnRows.push(...table.values());
}

/** A cnn row's results: why it cannot run, how it was measured, and the epoch row's accuracy. */
function describeCnn(row: CnnRow): string {
  if (row.failed !== undefined) return `failed: ${row.failed}`;
  const o = row.outputs[0];
  if (o === undefined) return '';
  if (o.error !== undefined) return `cannot run: ${o.error}`;
  if (o.partial !== undefined) return `extrapolated from ${o.partial.batches} of ${o.partial.of} batches (over the epoch's budget of 20 s); no accuracy`;
  const parts: string[] = [];
  if (o.calls !== undefined) parts.push(`median of ${row.outputs.map((x) => x.calls).join('/')} calls`);
  if (o.testAccuracy !== undefined) {
    const accs = [...new Set(row.outputs.map((x) => x.testAccuracy?.toFixed(2)))];
    const costs = o.costs ?? [];
    parts.push(`test acc. ${accs.join(' / ')} % after ${costs.length} epochs; cost ${costs.map((c) => c.toFixed(4)).join(' → ')}`);
  }
  return parts.join('; ');
}

// ---------------------------------------------------------------- table
function formatSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(1)} ms`;
  return `${(s * 1e6).toFixed(1)} µs`;
}

const all: Row[] = [...rows.values(), ...trainingRows, ...matmulRows, ...dotRows];
const byName = new Map(all.map((r) => [r.name, r]));
const table: string[][] = [['benchmark', 'implementation', 'median', 'runs', 'numpy ÷ this', 'peak RSS', 'results']];
for (const r of all) {
  const peer = byName.get(r.peer);
  const ratio = peer === undefined || peer.seconds.length === 0 ? 'n/a' : `${(median(peer.seconds) / median(r.seconds)).toFixed(2)}x`;
  const rss = r.rss.length === 0 ? '?' : `${(median(r.rss) / (1 << 20)).toFixed(0)} MiB`;
  table.push([r.group, r.name, formatSeconds(median(r.seconds)), `${r.seconds.length}${r.note ? '*' : ''}`, ratio, rss, r.result]);
}
/** A table's lines, its columns padded to their widest cell. */
function formatTable(rowsOf: string[][]): string[] {
  const widths = (rowsOf[0] ?? []).map((_, c) => Math.max(...rowsOf.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [line(rowsOf[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rowsOf.slice(1).map(line)];
}
const out: string[] = [];
out.push(`tsgrad bench: ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, node ${process.version}, ${'python' in PY ? `numpy ${PY.version} (${PY.python})` : PY.missing}`);
out.push(`data: ${DATA}; CLI: ${CLI}; numpy without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE`);
// Other work on the machine slows both sides, numpy's two BLAS threads most.
out.push(`load average (1 min) ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after, on ${cpus().length} cores`);
if (all.length > 0) {
  out.push('');
  out.push(...formatTable(table));
}
for (const r of all) if (r.note !== undefined) out.push(`* ${r.name}: ${r.note}`);
if (cnnRows.length > 0) {
  // The peers against tsgrad: above 1, tsgrad is faster.
  const cnnTable: string[][] = [['benchmark', 'implementation', 'median', 'runs', 'peer ÷ tsgrad', 'peak RSS', 'results']];
  for (const r of cnnRows) {
    const mine = cnnRows.find((t) => t.group === r.group && t.name === TSGRAD_CNN);
    const ratio = r.seconds.length === 0 || mine === undefined || mine.seconds.length === 0 || r === mine ? (r === mine ? '1' : 'n/a') : `${(median(r.seconds) / median(mine.seconds)).toFixed(2)}x`;
    const rss = r.rss.length === 0 ? '?' : `${(median(r.rss) / (1 << 20)).toFixed(0)} MiB`;
    const slow = r.seconds.length > 0 && r.seconds.length < RUNS && r.failed === undefined ? '*' : '';
    cnnTable.push([r.group, r.name, r.seconds.length === 0 ? '—' : formatSeconds(median(r.seconds)), `${r.seconds.length}${slow}`, ratio, rss, describeCnn(r)]);
  }
  out.push('');
  out.push(...formatTable(cnnTable));
  const wasm = cnnRows.flatMap((r) => r.outputs).find((o) => o.wasm !== undefined);
  const tfjs = wasm === undefined ? 'TensorFlow.js ?' : `TensorFlow.js ${wasm.version ?? '?'} (wasm: SIMD ${wasm.wasm?.simd}, threads ${wasm.wasm?.threads})`;
  out.push(`cnn: ${torchNote}; ${tfjs}; float32 everywhere; * a row whose first process took over ${SLOW_SECONDS} s runs once`);
}
const blas = rows.get('numpy float64')?.outputs[0]?.blas;
if (blas !== undefined) out.push(`numpy's BLAS: ${blas}`);
if (!('python' in PY)) out.push(`numpy is missing: ${PY.missing}; tsgrad's rows only`);
if (wanted('mnist') && 'missing' in TORCH_MNIST) out.push(`PyTorch: not installed (${TORCH_MNIST.missing})`);
process.stdout.write(`${out.join('\n')}\n`);
