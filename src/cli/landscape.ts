import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { computeLandscape } from '../train/landscape.js';
import { defaultWorkers, workerEvaluator } from '../train/landscape-pool.js';
import { loadLossModel } from '../train/load-loss-model.js';
import { computeTrajectory, type Trajectory } from '../train/trajectory.js';
import { loadDataForModel } from '../train/model-data.js';
import { describeSettings } from '../train/plot-data.js';
import { writeLandscape } from '../viz/landscape.js';
import { startProgress } from './progress.js';
import { positiveInt, positiveNumber, runCommand } from './run.js';

interface LandscapeCliOptions {
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
  data?: string;
  train?: string;
  test?: string;
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad landscape MODEL --out DIR`: the loss landscape of a saved model after Li et al.
 * 2018: 1-D interpolation from the initial to the trained parameters, and the 2-D surface
 * along two random filter-normalised directions, as pictures, CSV and JSON.
 * @example program.addCommand(landscapeCommand());
 */
export function landscapeCommand(): Command {
  return new Command('landscape')
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
    .option('--no-progress', 'no progress bar on stderr')
    .option('--data <dir>', 'folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (default: the files the model was trained on, else the usual places)')
    .option('--train <file>', 'training set HDF5 file (with --test)')
    .option('--test <file>', 'test set HDF5 file (with --train)')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (model: string, opts: LandscapeCliOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => landscape(model, opts), opts.debug === true || cmd.optsWithGlobals()['debug'] === true);
    });
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
  const model = await loadLossModel(file);
  const where = { ...(opts.data !== undefined ? { data: opts.data } : {}), ...(opts.train !== undefined ? { train: opts.train } : {}), ...(opts.test !== undefined ? { test: opts.test } : {}) };
  const data = await loadDataForModel(model, where);
  const evaluator = workerEvaluator({ modelFile: path.resolve(file), trainFile: data.train.file, testFile: data.test.file }, opts.workers ?? defaultWorkers(), opts.workers !== undefined);
  const bar = startProgress('landscape', 1, { enabled: opts.progress });
  let l;
  try {
    l = await computeLandscape(
      model,
      { X: data.trainX, Y: data.trainY },
      { X: data.testX, Y: data.testY },
      {
        alphaRange: opts.alphaRange,
        alphaPoints: opts.alphaPoints,
        gridSize: opts.grid,
        range: opts.range,
        seed: opts.seed,
        includeBiases: opts.biases === true,
        testSurface: opts.testSurface === true,
        onProgress: (done, total) => bar.update(done, total),
      },
      evaluator,
    );
  } finally {
    bar.stop();
  }
  let trajectory: Trajectory | null = null;
  if (opts.trajectory === true) {
    const tbar = startProgress('trajectory', 1, { enabled: opts.progress });
    try {
      trajectory = await computeTrajectory(model, { X: data.trainX, Y: data.trainY }, {
        checkpoints: opts.checkpoints,
        gridSize: opts.grid,
        includeBiases: opts.biases === true,
        onProgress: (done, total) => tbar.update(done, total),
      }, evaluator);
    } finally {
      tbar.stop();
    }
  }
  const caption = { model: model.description, settings: describeSettings(model.training?.settings ?? { dtype: model.dtype }) };
  const files = await writeLandscape(opts.out, l, caption, { modelFile: file, trainFile: data.train.file, testFile: data.test.file }, trajectory);
  const surface = l.surface.train.flat().filter(Number.isFinite);
  if (opts.json) {
    const t = trajectory === null ? {} : { trajectory: { checkpoints: trajectory.steps.length, explainedVariance: trajectory.explainedVariance, replayError: trajectory.replayError } };
    process.stdout.write(`${JSON.stringify({ model: file, type: model.type, trained: l.trained, surfaceMin: Math.min(...surface), surfaceMax: Math.max(...surface), ...t, files })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`model: ${file}: ${model.description}`);
  say(`loss at the trained parameters: train ${l.trained.train}, test ${l.trained.test}`);
  const { alpha, train } = l.interpolation;
  say(`interpolation: alpha ${alpha[0]}..${alpha.at(-1)} (${alpha.length} points), train loss ${train[0]} at alpha ${alpha[0]}, ${train.at(-1)} at alpha ${alpha.at(-1)}`);
  say(`surface: ${opts.grid} x ${opts.grid} grid over -${opts.range}..${opts.range}, seed ${opts.seed}, train loss ${Math.min(...surface)} to ${Math.max(...surface)}`);
  if (trajectory !== null) {
    const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
    say(`trajectory: ${trajectory.steps.length} checkpoints, PCA directions explain ${pct(trajectory.explainedVariance[0])} and ${pct(trajectory.explainedVariance[1])}; replayed training ends ${trajectory.replayError} from the saved parameters`);
  }
  for (const f of files) say(`wrote ${f}`);
}
