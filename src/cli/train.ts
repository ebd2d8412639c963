import { existsSync } from 'node:fs';
import { Command } from 'commander';
import type { FloatDType } from '../core/dtype.js';
import { loadCatData } from '../train/dataset.js';
import { checkData, loadCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';
import { mlpCheckpointFromDocument, type MlpCheckpoint } from '../train/mlp-run.js';
import { divergenceAdvice, runInSlices } from '../train/control.js';
import { ENGINE_NAMES, REFERENCE_SETTINGS, saveSingleNeuron, SingleNeuronRun, type SingleNeuronEngine, type SingleNeuronSettings } from '../train/single-neuron.js';
import { pyFloat, pyShape } from './format.js';
import { ArgumentError } from '../core/errors.js';
import { EXIT, oneOf, positiveInt, positiveNumber, runCommand } from './run.js';
import { signalExit, watchStopSignals } from './signals.js';
import { addMlpOptions, given, MLP_ONLY, mlpSettings, runMlp, type MlpCliOptions } from './train-mlp.js';

interface TrainOptions extends MlpCliOptions {
  model?: 'logistic' | 'mlp';
  data?: string;
  train?: string;
  test?: string;
  iterations: number;
  learningRate: number;
  printEvery: number;
  dtype: FloatDType;
  autodiff?: boolean;
  engine: SingleNeuronEngine;
  save?: string;
  resume?: string;
  plot?: string;
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad train`: the single neuron on the catvnoncat data, printing what the notes print;
 * with `--model mlp`, a deep network (see ./train-mlp.ts).
 */
export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('train the single neuron (logistic regression), or with --model mlp a deep network, on the cat / non-cat images')
    .option('--model <name>', 'logistic (the single neuron, the default) or mlp (a deep network)', oneOf('--model', ['logistic', 'mlp'] as const))
    .option('--data <dir>', 'folder holding train_catvnoncat.h5 and test_catvnoncat.h5')
    .option('--train <file>', 'training set HDF5 file (with --test)')
    .option('--test <file>', 'test set HDF5 file (with --train)')
    .option('--iterations <n>', 'gradient descent iterations (mlp default 2500)', positiveInt('--iterations'), REFERENCE_SETTINGS.iterations)
    .option('--learning-rate <alpha>', 'learning rate (mlp default 0.0075)', positiveNumber('--learning-rate'), REFERENCE_SETTINGS.learningRate)
    .option('--print-every <n>', 'print the cost every n iterations', positiveInt('--print-every'), REFERENCE_SETTINGS.printEvery)
    .option('--dtype <dtype>', 'float64 or float32', oneOf('--dtype', ['float64', 'float32'] as const), 'float64')
    .option('--engine <name>', "fast (exact Gram-space kernels, the default), plain (single neuron: the notes' propagate with tensor ops; mlp: autodiff through every layer) or autodiff (mlp: the same as plain)", oneOf('--engine', ENGINE_NAMES), 'fast')
    .option('--autodiff', 'the same as --engine autodiff: gradients by reverse-mode autodiff')
    .option('--save <file>', 'save the trained parameters and settings to a model file (also when a run is stopped or diverges)')
    .option('--resume <file>', 'continue a run stopped by Ctrl-C or SIGTERM from the model file it saved; --save defaults to the same file')
    .option('--plot <dir>', 'write the training plots (cost curve, learned weights, misclassified test images, confusion matrix) to this folder')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors');
  return addMlpOptions(cmd).action(async (opts: TrainOptions, c: Command) => {
    process.exitCode = await runCommand(() => train(opts, c), opts.debug === true || c.optsWithGlobals()['debug'] === true);
  });
}

/** Options a resumed deep network takes from its checkpoint: given with --resume, they are refused. */
const RESUMED_MLP_FLAGS: readonly (readonly [string, string])[] = [
  ...MLP_ONLY, ['learningRate', '--learning-rate'], ['iterations', '--iterations'], ['printEvery', '--print-every'],
  ['engine', '--engine'], ['dtype', '--dtype'], ['autodiff', '--autodiff'],
];

/** With --resume, the options that come from the checkpoint may only repeat its values. */
function resumedSettings(cmd: Command, opts: TrainOptions, ck: LoadedCheckpoint & { type: 'logistic' }): SingleNeuronSettings {
  const s = ck.settings;
  const engine = opts.autodiff ? 'autodiff' : opts.engine;
  const same: [string, string, unknown, unknown][] = [
    ['engine', '--engine', engine, s.engine],
    ['autodiff', '--autodiff', engine, s.engine],
    ['iterations', '--iterations', opts.iterations, s.iterations],
    ['learningRate', '--learning-rate', opts.learningRate, s.learningRate],
    ['printEvery', '--print-every', opts.printEvery, s.printEvery],
    ['dtype', '--dtype', opts.dtype, s.dtype],
  ];
  for (const [name, flag, given_, stored] of same) {
    if (given(cmd, name) && given_ !== stored) throw new ArgumentError('train', flag, `the run in ${ck.file} has ${String(stored)}; a resumed run keeps its checkpoint's settings`);
  }
  return s;
}

async function train(opts: TrainOptions, cmd: Command): Promise<number | void> {
  const ck = opts.resume !== undefined ? await loadCheckpoint(opts.resume) : undefined;
  if (ck !== undefined && given(cmd, 'model') && opts.model !== ck.type) throw new ArgumentError('train', '--model', `the run in ${ck.file} is a ${ck.type} model`);
  const mlp = ck !== undefined ? ck.type === 'mlp' : opts.model === 'mlp';
  if (!mlp) {
    const stray = MLP_ONLY.find(([name]) => given(cmd, name));
    if (stray) throw new ArgumentError('train', stray[1], 'applies to --model mlp');
  }
  const settings = ck?.type === 'logistic' ? resumedSettings(cmd, opts, ck) : undefined;
  let mlpResume: MlpCheckpoint | undefined;
  if (ck?.type === 'mlp') {
    const typed = RESUMED_MLP_FLAGS.find(([name]) => given(cmd, name));
    if (typed) throw new ArgumentError('train', typed[1], `a resumed run keeps the settings of ${ck.file}`);
    mlpResume = mlpCheckpointFromDocument(ck.file, ck.doc);
  }
  const save = opts.save ?? ck?.file;
  const say = opts.json ? () => undefined : (line: string) => process.stdout.write(`${line}\n`);
  // A resumed run without data options reads the files it was trained on, when they are still there.
  const where = opts.data === undefined && opts.train === undefined && opts.test === undefined && ck?.dataFiles !== undefined
    && existsSync(ck.dataFiles.train) && existsSync(ck.dataFiles.test)
    ? { train: ck.dataFiles.train, test: ck.dataFiles.test }
    : { ...(opts.data !== undefined ? { data: opts.data } : {}), ...(opts.train !== undefined ? { train: opts.train } : {}), ...(opts.test !== undefined ? { test: opts.test } : {}) };
  const data = await loadCatData(where, settings?.dtype ?? opts.dtype);
  if (ck !== undefined) checkData(ck.file, ck.data, data);
  const [mTrain, ...image] = data.train.x.shape;
  say(`Number of training examples: m_train = ${mTrain}`);
  say(`Number of testing examples: m_test = ${data.test.x.shape[0]}`);
  say(`Height/Width of each image: num_px = ${image[0]}`);
  say(`Each image is of size: ${pyShape(image)}`);
  say(`train_set_x shape: ${pyShape(data.train.x.shape)}`);
  say(`train_set_y shape: ${pyShape(data.train.y.shape)}`);
  say(`test_set_x shape: ${pyShape(data.test.x.shape)}`);
  say(`test_set_y shape: ${pyShape(data.test.y.shape)}`);
  say(`train_set_x_flatten shape: ${pyShape([data.features, mTrain ?? 0])}`);
  if (mlp) {
    const out = { ...opts, ...(save !== undefined ? { save } : {}) };
    return mlpResume !== undefined ? runMlp(mlpResume.settings, data, out, say, mlpResume) : runMlp(mlpSettings(cmd, opts, data), data, out, say);
  }
  const s: SingleNeuronSettings = settings ?? { engine: opts.autodiff ? 'autodiff' : opts.engine, iterations: opts.iterations, learningRate: opts.learningRate, printEvery: opts.printEvery, dtype: opts.dtype };
  const run = new SingleNeuronRun(data, s, (i, cost) => say(`Cost after iteration ${i}: ${cost.toFixed(6)}`), ck?.type === 'logistic' ? ck.checkpoint : undefined);
  if (ck !== undefined) say(`resuming from iteration ${run.iteration} of ${s.iterations} (${ck.file})`);
  const signals = watchStopSignals();
  let finished: boolean;
  try {
    finished = await runInSlices(run, () => signals.requested !== undefined);
  } finally {
    signals.dispose();
  }
  const r = run.result();
  if (!finished) {
    const signal = signals.requested ?? 'SIGINT';
    if (save !== undefined) await saveSingleNeuron(save, data, r, run.checkpoint());
    process.stderr.write(`tsgrad: stopped by ${signal} after iteration ${r.iterations - 1} of ${s.iterations}; ` +
      (save !== undefined ? `saved a checkpoint to ${save}: continue with tsgrad train --resume ${save}\n` : 'nothing saved (no --save given)\n'));
    if (opts.json) process.stdout.write(`${JSON.stringify({ model: 'logistic', status: 'stopped', signal, settings: r.settings, iterations: r.iterations, costs: r.costs, ...(save !== undefined ? { saved: save } : {}) })}\n`);
    return signalExit(signal);
  }
  say(`train accuracy: ${pyFloat(r.trainAccuracy)} %`);
  say(`test accuracy: ${pyFloat(r.testAccuracy)} %`);
  if (save !== undefined) {
    await saveSingleNeuron(save, data, r);
    say(`saved model to ${save}${r.diverged ? ` (the parameters of iteration ${r.diverged.kept})` : ''}`);
  }
  if (opts.plot !== undefined) {
    // Loaded only when asked for: the chart and image libraries are heavy to start.
    const { writeTrainingPlots } = await import('../viz/training.js');
    const written = await writeTrainingPlots(opts.plot, data, r);
    say(`wrote ${written.files.length} plot files to ${opts.plot}`);
  }
  if (opts.json) {
    const out = {
      model: 'logistic',
      status: r.diverged ? 'diverged' : 'done',
      settings: r.settings,
      costs: r.costs,
      trainAccuracy: r.trainAccuracy,
      testAccuracy: r.testAccuracy,
      trainingSeconds: r.trainingSeconds,
      ...(r.diverged ? { diverged: { ...r.diverged, cost: String(r.diverged.cost) } } : {}),
      ...(save !== undefined ? { saved: save } : {}),
      ...(opts.plot !== undefined ? { plots: opts.plot } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  if (r.diverged) {
    const d = r.diverged;
    process.stderr.write(`tsgrad: training diverged: the cost at iteration ${d.iteration} is ${d.cost}; stopped there and kept the parameters of iteration ${d.kept}; ${divergenceAdvice(s.learningRate)}\n`);
    return EXIT.diverged;
  }
}
