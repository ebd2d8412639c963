/**
 * The deep-network part of `tsgrad train` (`--model mlp`): its options, turning them into
 * settings, and printing. No math here: src/train/mlp.ts trains.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ArgumentError } from '../core/errors.js';
import { HIDDEN_ACTIVATIONS, type HiddenActivation } from '../nn/activations.js';
import { parseInitializer } from '../nn/init.js';
import type { BinaryLoss } from '../nn/mlp.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.js';
import type { CatData } from '../train/dataset.js';
import { courseLayers, MLP_DEFAULTS, type MlpResult, type MlpSettings } from '../train/mlp.js';
import { MlpRun, type MlpCheckpoint } from '../train/mlp-run.js';
import { divergenceAdvice, runInSlices } from '../train/control.js';
import { saveMlp } from '../train/mlp-save.js';
import { pyFloat } from './format.js';
import { EXIT, oneOf, positiveInt, positiveNumber } from './run.js';
import { signalExit, watchStopSignals, type StopSignal } from './signals.js';

/** The options only `--model mlp` takes, as commander parses them. */
export interface MlpCliOptions {
  layers?: number[];
  hidden?: HiddenActivation;
  init?: string;
  seed?: number;
  optimizer?: OptimizerName;
  batchSize?: number;
  epochs?: number;
  l2?: number;
  dropout?: number;
  dropoutSeed?: number;
  decay?: number;
  decayInterval?: number;
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  loss?: BinaryLoss;
  shuffleSeed?: number;
}

/** Option names (as commander stores them) that only `--model mlp` accepts, with their flags. */
export const MLP_ONLY: readonly [keyof MlpCliOptions, string][] = [
  ['layers', '--layers'], ['hidden', '--hidden'], ['init', '--init'], ['seed', '--seed'], ['optimizer', '--optimizer'],
  ['batchSize', '--batch-size'], ['epochs', '--epochs'], ['l2', '--l2'], ['dropout', '--dropout'], ['dropoutSeed', '--dropout-seed'],
  ['decay', '--decay'], ['decayInterval', '--decay-interval'], ['beta', '--beta'], ['beta1', '--beta1'], ['beta2', '--beta2'],
  ['epsilon', '--epsilon'], ['loss', '--loss'], ['shuffleSeed', '--shuffle-seed'],
];

/** Parses `--layers 12288,20,7,5,1`. */
export function layerList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) <= 0 || !Number.isSafeInteger(Number(p)))) {
    throw new InvalidArgumentError(`--layers must be at least 2 positive integers separated by commas, e.g. 12288,20,7,5,1; got '${v}'`);
  }
  return parts.map(Number);
}

function seed(option: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || n > 2 ** 32 - 1) throw new InvalidArgumentError(`${option} must be an integer in 0..2**32-1, got '${v}'`);
    return n;
  };
}

function nonNegative(option: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${option} must be a number >= 0, got '${v}'`);
    return n;
  };
}

function unitInterval(option: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError(`${option} must be a number in [0, 1), got '${v}'`);
    return n;
  };
}

function initializer(v: string): string {
  try {
    parseInitializer(v);
  } catch (e) {
    throw new InvalidArgumentError(`--init: ${e instanceof Error ? e.message.replace(/^initializer: init: /, '') : String(e)}`);
  }
  return v;
}

/** Adds the deep-network options to `tsgrad train`. */
export function addMlpOptions(cmd: Command): Command {
  return cmd
    .option('--layers <sizes>', 'mlp: layer sizes from inputs to outputs, e.g. 12288,20,7,5,1 (default: n_x,20,7,5,1)', layerList)
    .option('--hidden <name>', `mlp: hidden activation, ${HIDDEN_ACTIVATIONS.join(', ')} (default relu)`, oneOf('--hidden', HIDDEN_ACTIVATIONS))
    .option('--init <name>', 'mlp: weight initializer: zeros, scaled:K (randn·K), xavier, glorot, he, course (randn/√n, the default)', initializer)
    .option('--seed <n>', 'mlp: seed of the initial weights, as np.random.seed (default 1)', seed('--seed'))
    .option('--optimizer <name>', `mlp: ${OPTIMIZER_NAMES.join(', ')} (default gd)`, oneOf('--optimizer', OPTIMIZER_NAMES))
    .option('--batch-size <n>', 'mlp: mini-batch size, reshuffled every epoch (default: full batch)', positiveInt('--batch-size'))
    .option('--epochs <n>', 'mlp: passes over the data (with full batches the same as --iterations)', positiveInt('--epochs'))
    .option('--l2 <lambda>', 'mlp: L2 regularisation strength λ (default 0)', nonNegative('--l2'))
    .option('--dropout <rate>', 'mlp: probability of dropping each hidden unit in training; keep_prob = 1 - rate (default 0)', unitInterval('--dropout'))
    .option('--dropout-seed <n>', 'mlp: seed of the dropout masks (default 1)', seed('--dropout-seed'))
    .option('--decay <rate>', 'mlp: learning-rate decay, α = α₀ / (1 + rate·⌊epoch / interval⌋) (default 0)', nonNegative('--decay'))
    .option('--decay-interval <n>', 'mlp: epochs per decay step (default 1)', positiveInt('--decay-interval'))
    .option('--beta <b>', 'mlp: momentum β (default 0.9)', unitInterval('--beta'))
    .option('--beta1 <b>', 'mlp: Adam β₁ (default 0.9)', unitInterval('--beta1'))
    .option('--beta2 <b>', 'mlp: Adam and RMSProp β₂ (default 0.999)', unitInterval('--beta2'))
    .option('--epsilon <e>', 'mlp: Adam and RMSProp ε (default 1e-8)', positiveNumber('--epsilon'))
    .option('--loss <name>', "mlp, sigmoid output: course (the course's cost on the probabilities, the default) or logits (the same cost, computed stably)", oneOf('--loss', ['course', 'logits'] as const))
    .option('--shuffle-seed <n>', "mlp: mini-batch shuffles use seed n + epoch + 1, as the course's model (default 10)", seed('--shuffle-seed'));
}

/** Whether the user typed an option (rather than commander filling in its default). */
export function given(cmd: Command, name: string): boolean {
  const src = cmd.getOptionValueSource(name);
  return src !== undefined && src !== 'default';
}

/** The settings of a run from the options, the data (for the default layers) and what was typed. */
export function mlpSettings(
  cmd: Command,
  o: MlpCliOptions & { iterations: number; learningRate: number; printEvery: number; dtype: string; autodiff?: boolean; engine?: string },
  data: CatData,
): MlpSettings {
  if (o.autodiff) throw new ArgumentError('train', '--autodiff', 'applies to --model logistic; for the deep network, --engine plain trains by autodiff through every layer');
  if (o.dtype !== 'float64') throw new ArgumentError('train', '--dtype', `--model mlp trains in float64, got ${o.dtype}`);
  let epochs = o.epochs ?? MLP_DEFAULTS.epochs;
  if (given(cmd, 'iterations')) {
    if (o.batchSize !== undefined) throw new ArgumentError('train', '--iterations', 'with --batch-size, give the number of passes over the data as --epochs');
    if (o.epochs !== undefined && o.epochs !== o.iterations) throw new ArgumentError('train', '--iterations', `full-batch iterations are epochs: --iterations ${o.iterations} and --epochs ${o.epochs} disagree`);
    epochs = o.iterations;
  }
  const decay = o.decay !== undefined || o.decayInterval !== undefined ? { rate: o.decay ?? 0, interval: o.decayInterval ?? 1 } : undefined;
  return {
    ...MLP_DEFAULTS,
    layers: o.layers ?? courseLayers(data.trainX.shape[0] as number),
    ...(o.hidden !== undefined ? { hidden: o.hidden } : {}),
    ...(o.init !== undefined ? { init: o.init } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.optimizer !== undefined ? { optimizer: o.optimizer } : {}),
    learningRate: given(cmd, 'learningRate') ? o.learningRate : MLP_DEFAULTS.learningRate,
    epochs,
    ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
    ...(o.shuffleSeed !== undefined ? { shuffleSeed: o.shuffleSeed } : {}),
    ...(o.l2 !== undefined ? { l2: o.l2 } : {}),
    ...(o.dropout !== undefined ? { dropout: o.dropout } : {}),
    ...(o.dropoutSeed !== undefined ? { dropoutSeed: o.dropoutSeed } : {}),
    ...(decay !== undefined ? { decay } : {}),
    ...(o.beta !== undefined ? { beta: o.beta } : {}),
    ...(o.beta1 !== undefined ? { beta1: o.beta1 } : {}),
    ...(o.beta2 !== undefined ? { beta2: o.beta2 } : {}),
    ...(o.epsilon !== undefined ? { epsilon: o.epsilon } : {}),
    ...(o.loss !== undefined ? { loss: o.loss } : {}),
    printEvery: o.printEvery,
    // The deep network's plain engine is autodiff through every layer.
    engine: given(cmd, 'engine') && o.engine !== 'fast' ? 'plain' : 'fast',
  };
}

/**
 * A number with 17 significant digits, as Python's `'%.17g' % x` prints it: enough to tell
 * every double apart. @example g17(0.6930497356599888) // '0.69304973565998884'
 */
export function g17(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const e = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  const strip = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (e < -4 || e >= 17) {
    const [mant, exp] = x.toExponential(16).split('e') as [string, string];
    const n = Number(exp);
    return `${strip(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return strip(x.toPrecision(17));
}

/** Trains, prints what the course prints (costs with 17 significant digits, accuracies), saves. */
export async function runMlp(settings: MlpSettings, data: CatData, opts: { save?: string; plot?: string; json?: boolean }, say: (line: string) => void, resume?: MlpCheckpoint): Promise<number | void> {
  const s = settings;
  // Every setting is checked against the data before anything about the run is printed.
  const run = new MlpRun(data, s, (c) => say(`Cost after ${c.unit} ${c.index}: ${g17(c.cost)}`), resume);
  const prepared = run.prepared;
  const batches = s.batchSize === undefined ? `${s.epochs} iterations (full batch)` : `${s.epochs} epochs of mini-batches of ${s.batchSize}`;
  say(`network: [${s.layers.join(', ')}], ${s.hidden} hidden layers, init ${s.init}, seed ${s.seed}`);
  say(`training: ${s.optimizer}, learning rate ${s.learningRate}, ${batches}` +
    `${s.l2 > 0 ? `, L2 λ = ${s.l2}` : ''}${s.dropout > 0 ? `, dropout ${s.dropout}` : ''}${s.decay ? `, decay ${s.decay.rate} every ${s.decay.interval ?? 1} epoch(s)` : ''}`);
  const { engine, note } = prepared.engine;
  say(`engine: ${engine} (${engine === 'fast' ? 'first layer in the span of the samples, W1 = W1_0 + C Xᵀ' : note ?? 'autodiff through every layer'})`);
  if (resume !== undefined) say(`resuming from update ${resume.fit.iteration} (epoch ${resume.fit.epoch}, batch ${resume.fit.batch})`);
  const stopped = await trainStoppably(run);
  const r = run.result();
  if (stopped !== undefined) return stoppedMlp(stopped, run, r, data, opts);
  say(`train accuracy: ${pyFloat(r.trainAccuracy)} %`);
  say(`test accuracy: ${pyFloat(r.testAccuracy)} %`);
  const d = r.fit.diverged;
  if (opts.save !== undefined) {
    await saveMlp(opts.save, data, r);
    say(`saved model to ${opts.save}${d !== undefined ? ` (the parameters of iteration ${d.kept})` : ''}`);
  }
  if (opts.plot !== undefined) {
    // Loaded only when asked for: the charts pull in the image libraries.
    const { writeMlpTrainingPlots } = await import('../viz/training.js');
    const written = await writeMlpTrainingPlots(opts.plot, data, r);
    say(`wrote ${written.files.length} plot files to ${opts.plot}`);
  }
  if (opts.json) {
    const out = {
      model: 'mlp',
      status: d !== undefined ? 'diverged' : 'done',
      ...(d !== undefined ? { diverged: { ...d, cost: String(d.cost) } } : {}),
      settings: s,
      output: r.net.spec.output,
      classes: r.classes,
      costs: r.costs.map((c) => ({ [c.unit]: c.index, cost: c.cost })),
      trainAccuracy: r.trainAccuracy,
      testAccuracy: r.testAccuracy,
      train: r.train,
      test: r.test,
      trainingSeconds: r.trainingSeconds,
      ...(opts.save !== undefined ? { saved: opts.save } : {}),
      ...(opts.plot !== undefined ? { plots: opts.plot } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
  if (d !== undefined) {
    const where = s.batchSize === undefined ? `iteration ${d.iteration}` : `update ${d.iteration} (epoch ${d.epoch}, batch ${d.batch})`;
    process.stderr.write(`tsgrad: training diverged: the cost at ${where} is ${d.cost}; stopped there and kept the parameters of update ${d.kept}; ${divergenceAdvice(s.learningRate)}\n`);
    return EXIT.diverged;
  }
}

/** Trains in slices, listening for SIGINT/SIGTERM; the signal that stopped the run, if one did. */
async function trainStoppably(run: MlpRun): Promise<StopSignal | undefined> {
  const signals = watchStopSignals();
  try {
    return (await runInSlices(run, () => signals.requested !== undefined)) ? undefined : (signals.requested ?? 'SIGINT');
  } finally {
    signals.dispose();
  }
}

async function stoppedMlp(signal: StopSignal, run: MlpRun, r: MlpResult, data: CatData, opts: { save?: string; json?: boolean }): Promise<number> {
  const save = opts.save;
  const ck = run.checkpoint();
  if (save !== undefined) await saveMlp(save, data, r, ck);
  process.stderr.write(`tsgrad: stopped by ${signal} after update ${r.fit.iterations - 1}; ` +
    (save !== undefined ? `saved a checkpoint to ${save}: continue with tsgrad train --resume ${save}\n` : 'nothing saved (no --save given)\n'));
  if (opts.json) process.stdout.write(`${JSON.stringify({ model: 'mlp', status: 'stopped', signal, iterations: r.fit.iterations, costs: r.costs.map((c) => ({ [c.unit]: c.index, cost: c.cost })), ...(save !== undefined ? { saved: save } : {}) })}\n`);
  return signalExit(signal);
}
