/**
 * `tsgrad train`: any model of the layer registry on the data (the notes' single neuron by
 * default), printing what the notes and the course print, saving the model file, stopping
 * on SIGINT/SIGTERM with a checkpoint and resuming from one. Parsing and printing only: the
 * run is src/app's `TrainingRun`.
 */
import { totalmem } from 'node:os';
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadRunData, type DataRequest, type LoadedData } from '../app/data.js';
import { TrainingRun, type RunCheckpoint, type RunResult } from '../app/run.js';
import { modelBytes, setMemoryLimit, withClasses, type RunSettings } from '../app/settings.js';
import { ArgumentError, ModelFileError } from '../core/errors.js';
import { PIXELS, standardizeOn, type Preprocessing } from '../data/preprocess.js';
import { checkOutputs } from '../data/output-path.js';
import { checkData, restoreCheckpoint, storeCheckpoint } from '../io/checkpoint.js';
import { loadModelFile, saveModelFile } from '../io/files.js';
import type { DataSplit, TrainingRecord } from '../io/model-file.js';
import { archText } from '../nn/registry.js';
import { divergenceAdvice, runInSlices } from '../train/control.js';
import { evaluateSet } from '../train/evaluate.js';
import { heldOutScore, type HeldOutScore } from '../train/held-out.js';
import type { CostRecord } from '../train/trainer.js';
import { g17, pyFloat, pyShape } from './format.js';
import { imageRequest } from './image-options.js';
import { TrainingProgress } from './progress.js';
import { augmentBatch, augmentText, parseAugment } from '../data/transforms.js';
import type { Tensor } from '../tensor/index.js';
import { EXIT, runCommand } from './run.js';
import { signalExit, watchStopSignals } from './signals.js';
import { addDataOptions, addTrainOptions, given, RUN_FLAGS, runSettings, settingError, type TrainOptions } from './train-options.js';

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description("train a model on labelled images: the notes' single neuron (logistic regression) by default, --model mlp or --layers for the course's deep networks, --arch for any stack of layers");
  addDataOptions(cmd)
    .option('--save <file>', 'save the trained model to this file (also when a run is stopped or diverges)')
    .option('--resume <file>', 'continue a run stopped by Ctrl-C or SIGTERM from the model file it saved; --save defaults to the same file')
    .option('--plot <dir>', 'write the training plots (cost curve, learned weights, misclassified test images, confusion matrix) to this folder')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--no-progress', 'no progress report on stderr (a bar per epoch on a terminal; elsewhere a line every 10 s of a long run)')
    .option('--debug', 'show stack traces on errors');
  return addTrainOptions(cmd).action(async (opts: TrainOptions, c: Command) => {
    process.exitCode = await runCommand(() => train(opts, c), opts.debug === true || c.optsWithGlobals()['debug'] === true);
  });
}

/** A printed cost: the notes print 6 decimals for the single neuron, the course 17 digits. */
function costLine(s: RunSettings): (c: CostRecord) => string {
  const neuron = s.layers.filter((l) => l.kind === 'dense').length === 1 && !s.layers.some((l) => l.kind === 'conv');
  return (c) => `Cost after ${c.unit} ${c.index}: ${neuron ? c.cost.toFixed(6) : g17(c.cost)}`;
}

/**
 * Where the data is: the options, else (resuming) the files the run was trained on when they
 * are still there (one file when its test set was cut from it: give --test-last or --validation again).
 */
function dataWhere(o: TrainOptions, training?: TrainingRecord): DataRequest {
  const typed = o.data !== undefined || o.train !== undefined || o.test !== undefined;
  const split = { ...(o.testLast !== undefined ? { testLast: o.testLast } : {}), ...(o.validation !== undefined ? { validation: o.validation } : {}), ...(o.splitSeed !== undefined ? { splitSeed: o.splitSeed } : {}) };
  const images = imageRequest(o);
  if (!typed && training?.trainFile !== undefined && training.testFile !== undefined && existsSync(training.trainFile) && existsSync(training.testFile)) {
    const cut = o.testLast === undefined && o.validation === undefined && training.split !== undefined ? { ...training.split, ...split } : split;
    if (training.trainFile !== training.testFile) return { train: training.trainFile, test: training.testFile, ...cut, ...images };
    // The held-out set was cut from the one file: the split the model file records (files of 0.2 do not record it).
    if (cut.testLast === undefined && cut.validation === undefined) throw new ArgumentError('train', '--resume', `the run tested on part of ${training.trainFile}: give its --test-last N or --validation FRACTION again`);
    return { train: training.trainFile, ...cut, ...images };
  }
  return { ...(o.data !== undefined ? { data: o.data } : {}), ...(o.train !== undefined ? { train: o.train } : {}), ...(o.test !== undefined ? { test: o.test } : {}), ...split, ...images };
}

/** The single neuron tells two classes apart: for k classes, say which model does. */
function checkClasses(o: TrainOptions, d: LoadedData): void {
  const k = d.train.classes.length;
  if (o.arch !== undefined || o.layers !== undefined || o.model === 'signs-cnn' || o.model === 'lenet5' || k <= 2) return;
  const which = o.model === 'mlp' ? `mlp is the course's network for 2 classes; for an MLP on these use --layers ${d.train.x.size / (d.train.x.shape[0] ?? 1)},128,${k}` : `logistic is the notes' single neuron, for 2 classes; for softmax regression use --arch dense:${k},softmax`;
  throw new ArgumentError('train', '--model', `the data has ${k} classes (${d.train.classes.slice(0, 10).join(', ')}${k > 10 ? ', ...' : ''}): ${which}`);
}

/** Whether two paths name the same file, through links and relative paths (a missing one by its path). */
function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The notes' description of the data. */
function describeData(d: LoadedData, say: (line: string) => void): void {
  const [mTrain = 0, ...image] = d.train.x.shape;
  const mTest = d.test.x.shape[0] ?? 0;
  say(`Number of training examples: m_train = ${mTrain}`);
  say(`Number of testing examples: m_test = ${mTest}`);
  say(`Height/Width of each image: num_px = ${image[0]}`);
  say(`Each image is of size: ${pyShape(image)}`);
  say(`train_set_x shape: ${pyShape(d.train.x.shape)}`);
  say(`train_set_y shape: ${pyShape([1, mTrain])}`);
  say(`test_set_x shape: ${pyShape(d.test.x.shape)}`);
  say(`test_set_y shape: ${pyShape([1, mTest])}`);
  say(`train_set_x_flatten shape: ${pyShape([image.reduce((p, q) => p * q, 1), mTrain])}`);
}

/** The set a run is scored on while it trains: the validation set, else the held-out test part (--test-last). */
function heldOutSet(d: LoadedData): { set: LoadedData['test']; name: 'validation' | 'test' } {
  return d.validation !== undefined ? { set: d.validation, name: 'validation' } : { set: d.test, name: d.heldOut };
}

/** A recorded epoch's held-out figures for --json (`validationCost`, `validationAccuracy`, or `test...`). */
function heldOutFields(c: CostRecord, scores: ReadonlyMap<number, HeldOutScore>, name: string | undefined): Record<string, number> {
  const h = c.unit === 'epoch' ? scores.get(c.index) : undefined;
  return h === undefined || name === undefined ? {} : { [`${name}Cost`]: h.cost, [`${name}Accuracy`]: h.accuracy };
}

const batchesPerEpoch = (s: RunSettings, m: number): number => (s.batchSize === undefined ? 1 : Math.ceil(m / s.batchSize));

/** The model file's training record for a result. */
function trainingRecord(r: RunResult, d: LoadedData, split: DataSplit, augment: string | undefined): TrainingRecord {
  const dv = r.diverged;
  return {
    ...(augment !== undefined ? { augment } : {}),
    ...(split.testLast !== undefined || split.validation !== undefined ? { split } : {}),
    settings: r.settings,
    engine: r.engine.engine,
    costs: r.records,
    trainAccuracy: r.trainAccuracy,
    ...(r.testAccuracy !== undefined ? { testAccuracy: r.testAccuracy } : {}),
    trainFile: d.train.file,
    testFile: d.test.file,
    seconds: r.seconds,
    ...(r.iterations < r.settings.epochs * batchesPerEpoch(r.settings, d.train.x.shape[0] ?? 0) ? { iterationsDone: r.iterations } : {}),
    ...(dv !== undefined ? { diverged: { ...dv, cost: String(dv.cost) } } : {}),
  };
}

async function save(file: string, r: RunResult, d: LoadedData, split: DataSplit, preprocessing: Preprocessing, augment: string | undefined, checkpoint?: RunCheckpoint): Promise<void> {
  await saveModelFile(file, {
    model: r.model,
    classes: r.classes,
    preprocessing,
    training: trainingRecord(r, d, split, augment),
    ...(checkpoint !== undefined ? { checkpoint: storeCheckpoint(checkpoint, d) } : {}),
  });
}

async function train(o: TrainOptions, cmd: Command): Promise<number | void> {
  let resume: (RunCheckpoint & { data: unknown }) | undefined;
  let training: TrainingRecord | undefined;
  let recorded: Preprocessing | undefined;
  if (o.resume !== undefined) {
    const typed = RUN_FLAGS.find(([name]) => given(cmd, name));
    if (typed) throw new ArgumentError('train', typed[1], `a resumed run keeps the settings of ${o.resume}`);
    const loaded = await loadModelFile(o.resume);
    if (loaded.checkpoint === undefined) throw new ModelFileError(o.resume, 'checkpoint', 'no checkpoint in this model file: it was not saved by a stopped run (it finished, or diverged)');
    resume = restoreCheckpoint(o.resume, loaded.checkpoint, loaded.training.costs);
    training = loaded.training;
    recorded = loaded.preprocessing;
  }
  const options = resume?.settings ?? runSettings(o);
  const target = o.save ?? o.resume;
  if (target !== undefined && o.plot !== undefined && sameFile(target, o.plot)) throw new ArgumentError('train', '--plot', `${o.plot} is the --save file: the plots need a folder of their own`);
  // Before loading the data: every output can be written (its folder exists or can be made).
  await checkOutputs('train', [...(target !== undefined ? [{ option: o.save !== undefined ? '--save' : '--resume', path: target, kind: 'file' as const }] : []), ...(o.plot !== undefined ? [{ option: '--plot', path: o.plot, kind: 'folder' as const }] : [])], [o.train, o.test].filter((f): f is string => f !== undefined));
  const say = o.json ? () => undefined : (line: string) => void process.stdout.write(`${line}\n`);
  const where = dataWhere(o, training);
  const split: DataSplit = Object.fromEntries((['testLast', 'validation', 'splitSeed'] as const).filter((k) => where[k] !== undefined).map((k) => [k, where[k]]));
  const data = await loadRunData(where);
  // Before any training: no output may be one of the inputs (a model saved over its training set).
  for (const [flag, out] of [['--save', target], ['--plot', o.plot]] as const) {
    if (out === undefined) continue;
    const input = [data.train.file, data.test.file].find((f) => sameFile(f, out));
    if (input !== undefined) throw new ArgumentError('train', flag, `${out} is the data file ${input}: choose another path, tsgrad never writes over its input`);
  }
  if (resume !== undefined) checkData(o.resume ?? '', resume.data, data);
  else checkClasses(o, data);
  // The CNN presets' output takes the data's classes.
  const sized = resume === undefined && (o.model === 'signs-cnn' || o.model === 'lenet5') ? withClasses(options, data.train.classes.length) : options;
  // Augmentation changes each batch before the forward pass: only the autodiff step takes batches so. A resumed run keeps its file's.
  const augmentSpec = o.augment !== undefined ? parseAugment(o.augment) : training?.augment !== undefined ? parseAugment(training.augment, 'training.augment') : undefined;
  if (augmentSpec !== undefined && data.train.x.ndim !== 4) throw new ArgumentError('train', '--augment', `is for images (N, H, W, C); the data's samples are ${pyShape(data.train.x.shape.slice(1))}`);
  if (augmentSpec !== undefined && resume === undefined && sized.engine !== 'auto' && sized.engine !== 'autodiff') throw new ArgumentError('train', '--augment', `runs on the autodiff step, which changes each batch before its forward pass: drop --engine ${sized.engine}`);
  const settings = augmentSpec !== undefined && resume === undefined ? { ...sized, engine: 'autodiff' as const } : sized;
  const augment = augmentSpec !== undefined ? augmentText(augmentSpec) : undefined;
  const features = data.train.x.shape.slice(1).reduce((p, q) => p * q, 1);
  if (o.layers !== undefined && o.layers[0] !== features) throw new ArgumentError('train', '--layers', `the first size must be the ${features} input features of the data's ${pyShape(data.train.x.shape.slice(1))} samples, got ${o.layers[0]}`);
  describeData(data, say);
  // Measured on the training samples only (never the held-out ones); a resumed run keeps its file's.
  const preprocessing = recorded ?? (o.normalize === 'standardize' ? standardizeOn(data.train.x, PIXELS.scale) : PIXELS);
  if (o.normalize === 'standardize' && preprocessing.mean !== undefined) say(`inputs: pixels / ${preprocessing.scale}, standardized per channel (mean ${preprocessing.mean.map((v) => v.toFixed(4)).join(', ')}; std ${(preprocessing.std ?? []).map((v) => v.toFixed(4)).join(', ')}, from the training set)`);
  const line = costLine(settings);
  // Mini-batch epochs with a held-out part of the data: its cost and accuracy at each printed epoch, as Keras's val_loss / val_accuracy.
  const watched = split.validation !== undefined || split.testLast !== undefined ? heldOutSet(data) : undefined;
  const scores = new Map<number, HeldOutScore>();
  let run: TrainingRun | undefined;
  let progress: TrainingProgress | undefined;
  const onRecord = (c: CostRecord): void => {
    if (c.unit !== 'epoch' || watched === undefined || run === undefined) return say(line(c));
    run.trainer.step.sync();
    const h = heldOutScore(run.model, watched.set, run.preprocessing, run.settings.dtype, run.settings.loss);
    scores.set(c.index, h);
    say(`Epoch ${c.index}: cost ${g17(c.cost)}, ${watched.name} cost ${g17(h.cost)}, ${watched.name} accuracy ${pyFloat(h.accuracy)} %`);
  };
  // Gigabytes of parameters take minutes to allocate and initialise: said before (the app refuses more than the machine's memory).
  setMemoryLimit(totalmem());
  const estimate = modelBytes(data.train.x.shape.slice(1), settings);
  if (estimate > 2 ** 30 && estimate <= totalmem()) process.stderr.write(`tsgrad: the model's parameters take about ${(estimate / 1e9).toFixed(1)} GB with ${settings.optimizer} (values, gradients and its state): allocating them can take minutes before iteration 0\n`);
  try {
    const batchTransform = augmentSpec === undefined ? undefined : (x: Tensor, at: { epoch: number; batch: number }) => augmentBatch(x, augmentSpec, settings.seed, at.epoch, at.batch);
    run = new TrainingRun({ ...data, preprocessing }, settings, { onRecord, onUpdate: (u) => progress?.tick(u), ...(batchTransform !== undefined ? { batchTransform } : {}), ...(resume !== undefined ? { resume } : {}) });
  } catch (e) {
    // A resumed run's settings come from its model file: name the file and the field.
    if (resume !== undefined && e instanceof ArgumentError) throw new ModelFileError(o.resume ?? '', `checkpoint.settings.${e.argument}`, e.message.slice(e.op.length + e.argument.length + 4));
    throw settingError(e, o);
  }
  const s = run.settings;
  const batches = s.batchSize === undefined ? `${s.epochs} iterations (full batch)` : `${s.epochs} epochs of mini-batches of ${s.batchSize}`;
  say(`model: ${archText(s.layers)}, init ${s.init}, seed ${s.seed}, ${s.dtype}`);
  say(`training: ${s.optimizer}, learning rate ${s.learningRate}, ${batches}${s.l2 > 0 ? `, L2 λ = ${s.l2}` : ''}${s.decay ? `, decay ${s.decay.rate} every ${s.decay.interval ?? 1} epoch(s)` : ''}`);
  const { engine, note } = run.engine;
  say(`engine: ${engine} (${engine === 'span' ? 'the first layer in the span of the samples, exact' : note ?? (engine === 'course' ? "the course's hand-derived functions" : 'autodiff through every layer')})`);
  if (resume !== undefined) say(`resuming from update ${resume.trainer.iteration} (epoch ${resume.trainer.epoch}, batch ${resume.trainer.batch}) of ${o.resume}`);
  if (o.progress !== false) {
    const batches = batchesPerEpoch(s, data.train.x.shape[0] ?? 0);
    progress = new TrainingProgress({ epochs: s.epochs, batches, fullBatch: s.batchSize === undefined, start: run.trainer.iterations });
  }
  const signals = watchStopSignals();
  let finished: boolean;
  try {
    finished = await runInSlices(run, () => signals.requested !== undefined);
  } finally {
    progress?.stop();
    signals.dispose();
  }
  const r = run.result();
  const json = (extra: Record<string, unknown>): void => {
    if (o.json) process.stdout.write(`${JSON.stringify({ model: archText(s.layers), settings: s, engine, ...(note !== undefined ? { engineNote: note } : {}), costs: r.records.map((c) => ({ [c.unit]: c.index, cost: c.cost, ...heldOutFields(c, scores, watched?.name) })), iterations: r.iterations, ...extra, ...(target !== undefined ? { saved: target } : {}) })}\n`);
  };
  if (!finished) {
    const signal = signals.requested ?? 'SIGINT';
    if (target !== undefined) await save(target, r, data, split, run.preprocessing, augment, run.checkpoint());
    // The trainer stands at the next update: name the epoch and batch of the last one done.
    const t = run.trainer;
    const next = t.state().batch;
    const [epoch, batch] = next > 0 ? [t.epochs, next - 1] : [t.epochs - 1, batchesPerEpoch(s, data.train.x.shape[0] ?? 0) - 1];
    const where = s.batchSize === undefined ? `iteration ${r.iterations - 1} of ${s.epochs}` : `update ${r.iterations - 1} (epoch ${epoch}, batch ${batch}) of ${s.epochs} epochs`;
    process.stderr.write(`tsgrad: stopped by ${signal} after ${where}; ` +
      (target !== undefined ? `saved a checkpoint to ${target}: continue with tsgrad train --resume ${target}\n` : 'nothing saved (no --save given)\n'));
    json({ status: 'stopped', signal });
    return signalExit(signal);
  }
  say(`train accuracy: ${pyFloat(r.trainAccuracy)} %`);
  say(`${data.heldOut} accuracy: ${pyFloat(r.testAccuracy ?? Number.NaN)} %`);
  const validation = data.validation !== undefined ? evaluateSet(r.model, data.validation, run.preprocessing, s.dtype) : undefined;
  if (validation !== undefined) say(`validation accuracy: ${pyFloat(validation.accuracy)} %`);
  const d = r.diverged;
  if (target !== undefined) {
    await save(target, r, data, split, run.preprocessing, augment);
    say(`saved model to ${target}${d !== undefined ? ` (the parameters of iteration ${d.kept})` : ''}`);
  }
  if (o.plot !== undefined) {
    // Loaded only when asked for: the chart and image libraries are heavy to start.
    const { writeTrainingPlots } = await import('../viz/training.js');
    const written = await writeTrainingPlots(o.plot, r, data);
    say(`wrote ${written.files.length} plot files to ${o.plot}`);
  }
  json({
    status: d !== undefined ? 'diverged' : 'done',
    classes: r.classes,
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.testAccuracy,
    heldOut: data.heldOut,
    ...(validation !== undefined ? { validationAccuracy: validation.accuracy } : {}),
    train: r.train,
    test: r.test,
    trainingSeconds: r.seconds,
    ...(d !== undefined ? { diverged: { ...d, cost: String(d.cost) } } : {}),
    ...(o.plot !== undefined ? { plots: o.plot } : {}),
  });
  if (d !== undefined) {
    const where = s.batchSize === undefined ? `iteration ${d.iteration}` : `update ${d.iteration} (epoch ${d.epoch}, batch ${d.batch})`;
    process.stderr.write(`tsgrad: training diverged: the cost at ${where} is ${d.cost}; stopped there and kept the parameters of ${s.batchSize === undefined ? 'iteration' : 'update'} ${d.kept}; ${divergenceAdvice(s.learningRate)}\n`);
    return EXIT.diverged;
  }
  return undefined;
}
