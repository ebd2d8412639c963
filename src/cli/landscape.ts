import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ArgumentError, ModelFileError } from '../core/errors.js';
import { computeLandscape, lossSet } from '../analysis/landscape.js';
import { defaultWorkers, workerEvaluator } from '../analysis/landscape-pool.js';
import { describeModel, describeSettings } from '../analysis/plot-data.js';
import { computeTrajectory, type Trajectory } from '../analysis/trajectory.js';
import { dataForModel } from '../app/model-data.js';
import { trainingReplay } from '../app/replay.js';
import { loadModelFile } from '../io/files.js';
import { archText } from '../nn/registry.js';
import { writeLandscape } from '../viz/landscape.js';
import { checkOutputs } from '../data/output-path.js';
import { addModelDataOptions, debugOf, whereOf, type DataCliOptions } from './model-options.js';
import { startProgress } from './progress.js';
import { positiveInt, positiveNumber, runCommand } from './run.js';
import { largest, smallest } from '../core/numbers.js';

interface LandscapeCliOptions extends DataCliOptions {
  out: string;
  grid: number;
  range: number;
  seed: number;
  alphaRange: [number, number];
  alphaPoints: number;
  biases?: boolean;
  testSurface?: boolean;
  trajectory?: boolean;
  checkpoints: number;
  progress: boolean;
  workers?: number;
}

/**
 * `tsgrad landscape MODEL --out DIR`: the loss landscape of a saved model after Li et al.
 * 2018: 1-D interpolation from the initial to the trained parameters, and the 2-D surface
 * along two random filter-normalised directions, as pictures, CSV and JSON.
 * @example program.addCommand(landscapeCommand());
 */
export function landscapeCommand(): Command {
  return addModelDataOptions(new Command('landscape')
    .description("draw a saved model's loss landscape (Li et al. 2018): the line from initial to trained parameters and the surface along two random filter-normalised directions")
    .argument('<model>', 'model file written by tsgrad train --save')
    .requiredOption('--out <dir>', 'folder to write the pictures, CSV and JSON into (created if missing)')
    .option('--grid <n>', 'the surface is an n x n grid (odd n puts the trained point on it)', gridSize, 21)
    .option('--range <r>', 'the surface spans -r..r along each direction', positiveNumber('--range'), 1)
    .option('--seed <n>', 'seed of the random directions', seed, 0)
    .option('--alpha-range <lo,hi>', 'interpolation coefficients from lo to hi', alphaRange, [-0.5, 1.5] as [number, number])
    .option('--alpha-points <n>', 'points on the interpolation line', atLeast('--alpha-points', 2), 41)
    .option('--biases', 'give biases random directions too (default: biases stay at their trained values)')
    .option('--test-surface', 'also compute the surface on the test set (twice the work)')
    .option('--trajectory', 'also replay training and draw its path on the plane of the first two PCA directions of its checkpoints')
    .option('--checkpoints <n>', 'about how many checkpoints --trajectory takes along training', atLeast('--checkpoints', 3), 20)
    .option('--workers <n>', 'worker threads evaluating the losses (default: one per core, when the work takes more than a few seconds)', positiveInt('--workers'))
    .option('--no-progress', 'no progress bar on stderr'))
    .action(async (model: string, opts: LandscapeCliOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => landscape(model, opts).catch((e: unknown) => Promise.reject(modelProblem(model, e))), debugOf(opts, cmd));
    });
}

/**
 * `landscape: model: ...` / `trajectory: model: ...` (a file without the training settings the
 * 1-D line or the replay needs) as a problem of the model file, named by the user's path.
 */
function modelProblem(file: string, e: unknown): unknown {
  if (!(e instanceof ArgumentError) || e.argument !== 'model' || (e.op !== 'landscape' && e.op !== 'trajectory')) return e;
  return new ModelFileError(file, 'training.settings', e.message.slice(e.op.length + e.argument.length + 4));
}

function gridSize(v: string): number {
  const n = positiveInt('--grid')(v);
  if (n < 2 || n > 1000) throw new InvalidArgumentError(`--grid must be an integer from 2 to 1000, got '${v}'`);
  return n;
}

function atLeast(option: string, min: number): (v: string) => number {
  return (v: string) => {
    const n = positiveInt(option)(v);
    if (n < min) throw new InvalidArgumentError(`${option} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
}

function seed(v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || n > 2 ** 32 - 1) throw new InvalidArgumentError(`--seed must be an integer in 0..2**32-1, got '${v}'`);
  return n;
}

function alphaRange(v: string): [number, number] {
  const parts = v.split(',').map((s) => s.trim());
  const [lo, hi] = parts.map(Number);
  if (parts.length !== 2 || parts.some((s) => s === '') || lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi) || lo >= hi) {
    throw new InvalidArgumentError(`--alpha-range must be two numbers lo,hi with lo < hi, got '${v}'`);
  }
  return [lo, hi];
}

async function landscape(file: string, opts: LandscapeCliOptions): Promise<void> {
  await checkOutputs('landscape', [{ option: '--out', path: opts.out, kind: 'folder' }], [file]);
  const loaded = await loadModelFile(file);
  const data = await dataForModel(loaded, whereOf(opts));
  const train = lossSet(data.train, loaded.preprocessing, loaded.dtype);
  const test = lossSet(data.test, loaded.preprocessing, loaded.dtype);
  const trained = { model: loaded.model, settings: loaded.training.settings };
  // More threads than cores only cost memory (each holds the model and the data): capped, and said.
  const cores = availableParallelism();
  if (opts.workers !== undefined && opts.workers > cores) process.stderr.write(`tsgrad: landscape: --workers ${opts.workers} capped at this machine's ${cores} cores\n`);
  const workers = opts.workers !== undefined ? Math.min(opts.workers, cores) : defaultWorkers();
  const evaluator = workerEvaluator({ modelFile: path.resolve(file), train, test }, workers, opts.workers !== undefined);
  const progress = async <T>(label: string, work: (update: (done: number, total: number) => void) => Promise<T>): Promise<T> => {
    const bar = startProgress(label, 1, { enabled: opts.progress });
    try {
      return await work((done, total) => bar.update(done, total));
    } finally {
      bar.stop();
    }
  };
  const l = await progress('landscape', (onProgress) => computeLandscape(trained, train, test, {
    alphaRange: opts.alphaRange,
    alphaPoints: opts.alphaPoints,
    gridSize: opts.grid,
    range: opts.range,
    seed: opts.seed,
    includeBiases: opts.biases === true,
    testSurface: opts.testSurface === true,
    onProgress,
  }, evaluator));
  let trajectory: Trajectory | null = null;
  if (opts.trajectory === true) {
    const replay = trainingReplay(loaded.training, { train: data.train, preprocessing: loaded.preprocessing });
    const options = { checkpoints: opts.checkpoints, gridSize: opts.grid, includeBiases: opts.biases === true };
    trajectory = await progress('trajectory', (onProgress) => computeTrajectory(trained, train, replay, { ...options, onProgress }, evaluator));
  }
  const description = describeModel(loaded.model);
  const caption = { model: description, settings: describeSettings(loaded.training.settings, loaded.dtype, loaded.training.engine) };
  const files = await writeLandscape(opts.out, l, caption, { modelFile: file, trainFile: data.train.file, testFile: data.test.file }, trajectory);
  const surface = l.surface.train.flat().filter(Number.isFinite);
  if (opts.json) {
    const t = trajectory === null ? {} : { trajectory: { checkpoints: trajectory.steps.length, explainedVariance: trajectory.explainedVariance, replayError: trajectory.replayError } };
    process.stdout.write(`${JSON.stringify({ model: file, arch: archText(loaded.layers), trained: l.trained, surfaceMin: smallest(surface), surfaceMax: largest(surface), ...t, files })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`model: ${file}: ${description}`);
  say(`loss at the trained parameters: train ${l.trained.train}, test ${l.trained.test}`);
  const { alpha, train: line } = l.interpolation;
  say(`interpolation: alpha ${alpha[0]}..${alpha.at(-1)} (${alpha.length} points), train loss ${line[0]} at alpha ${alpha[0]}, ${line.at(-1)} at alpha ${alpha.at(-1)}`);
  say(`surface: ${opts.grid} x ${opts.grid} grid over -${opts.range}..${opts.range}, seed ${opts.seed}, train loss ${smallest(surface)} to ${largest(surface)}`);
  if (trajectory !== null) {
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    say(`trajectory: ${trajectory.steps.length} checkpoints, PCA directions explain ${pct(trajectory.explainedVariance[0])} and ${pct(trajectory.explainedVariance[1])}; replayed training ends ${trajectory.replayError} from the saved parameters`);
  }
  for (const f of files) say(`wrote ${f}`);
}
