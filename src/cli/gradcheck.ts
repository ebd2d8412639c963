import { Command, InvalidArgumentError } from 'commander';
import { loadRunData } from '../app/data.js';
import { mlpLayers, NEURON } from '../app/settings.js';
import { gradCheck, type GradCheckOptions, type GradCheckReport } from '../autograd/index.js';
import { jFunction, neuronLoss } from '../autograd/examples.js';
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { formatShape, sizeOf } from '../core/shape.js';
import { PIXELS, prepareInputs } from '../data/preprocess.js';
import { parseInitializer } from '../nn/init.js';
import { lossOfScores } from '../nn/loss.js';
import { buildModel } from '../nn/registry.js';
import type { Sequential } from '../nn/sequential.js';
import { fromArray, mul, scalar, type Tensor } from '../tensor/index.js';
import { whereOf } from './model-options.js';
import { EXIT, oneOf, positiveInt, positiveNumber, runCommand } from './run.js';
import { layerList } from './train-options.js';

const MODELS = ['logistic', 'mlp', 'neuron', 'j'] as const;
type Model = (typeof MODELS)[number];

interface GradCheckCliOptions {
  model: Model;
  layers?: number[];
  init?: string;
  examples?: number;
  data?: string;
  train?: string;
  test?: string;
  samples: number;
  epsilon: number;
  threshold: number;
  seed: number;
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad gradcheck`: autodiff's gradients against central differences; exits 4
 * (`EXIT.checkFailed`) when the largest relative error reaches the threshold, so a script can
 * tell a failed check from an internal error (1) or a bad option (2). The
 * real-data checks run on the Sequential's own layers and loss: the single neuron and any
 * stack of dense layers (`--layers`).
 * @example program.addCommand(gradcheckCommand());
 */
export function gradcheckCommand(): Command {
  return new Command('gradcheck')
    .description('check autodiff gradients against central differences (the notes\' gradient checking)')
    .option('--model <name>', "logistic (the single neuron's cost on the cat data), mlp (a deep network's cost on the cat data), neuron (the worked neuron) or j (J = 3(a + b·c))", oneOf('--model', MODELS), 'logistic')
    .option('--data <dir>', 'folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (models logistic and mlp)')
    .option('--layers <sizes>', 'mlp: layer sizes, e.g. 12288,20,7,5,1 (the default)', layerList)
    .option('--init <name>', 'mlp: weight initializer: zeros, scaled:K, xavier, glorot, he, course (default course)', initOption)
    .option('--examples <n>', 'mlp: use the first n training images (default all)', positiveInt('--examples'))
    .option('--train <file>', 'training set HDF5 file (with --test)')
    .option('--test <file>', 'test set HDF5 file (with --train)')
    .option('--samples <n>', 'coordinates of each input to check, chosen at random (all when fewer)', positiveInt('--samples'), 50)
    .option('--epsilon <e>', 'finite-difference step ε', positiveNumber('--epsilon'), 1e-7)
    .option('--threshold <t>', 'largest relative error that passes; a check that reaches it exits with code 4', positiveNumber('--threshold'), 1e-7)
    .option('--seed <n>', 'seed of the random weights and coordinates', seedOption, 1)
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (opts: GradCheckCliOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => check(opts), opts.debug === true || cmd.optsWithGlobals()['debug'] === true);
    });
}

/** `--init` checked when parsed: a bad name is an option error naming --init, not `gradcheck: init: ...`. */
function initOption(v: string): string {
  try {
    parseInitializer(v, 'gradcheck');
  } catch (e) {
    if (e instanceof ArgumentError) throw new InvalidArgumentError(`--init: ${e.message.slice(e.op.length + e.argument.length + 4)}`);
    throw e;
  }
  return v;
}

function seedOption(v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || n > 2 ** 32 - 1) throw new InvalidArgumentError(`--seed must be an integer in 0..2**32-1, got '${v}'`);
  return n;
}

/**
 * The model's data cost on (x, labels) as a function of its parameters, checked at `values`:
 * autodiff through the Sequential's own layers and loss against central differences.
 */
function checkModel(model: Sequential, values: Tensor[], x: Tensor, labels: Tensor, opts: GradCheckOptions): GradCheckReport {
  const f = (...v: Tensor[]): Tensor => model.withParameters(v, () => lossOfScores(model, model.scores(x), labels));
  return gradCheck(f, values, { names: model.parameters().map((p) => p.name), ...opts });
}

/**
 * The relative error of all checked coordinates as one vector, ‖g - g̃‖ / (‖g‖ + ‖g̃‖): the
 * course's `gradient_check_n`, which stacks every parameter into one θ. Unlike the per-input
 * errors it is not dominated by an input whose few sampled gradients are tiny (where rounding
 * in J(θ ± ε) is all the finite difference sees).
 */
function overallRelativeError(report: GradCheckReport): number {
  const sq = (f: (a: number, b: number) => number): number => report.inputs.reduce((s, c) => s + c.analytic.reduce((t, a, j) => t + f(a, c.numeric[j] as number) ** 2, 0), 0);
  const denom = Math.sqrt(sq((a) => a)) + Math.sqrt(sq((_, b) => b));
  const diff = sq((a, b) => a - b);
  return denom === 0 ? (Number.isNaN(diff) ? Number.NaN : 0) : Math.sqrt(diff) / denom;
}

/**
 * What was checked. For a deep network, `overall` is the course's criterion (all parameters as
 * one vector), and it decides whether the check passes.
 */
async function run(opts: GradCheckCliOptions): Promise<{ what: string; report: GradCheckReport; overall?: number }> {
  const settings = { epsilon: opts.epsilon, threshold: opts.threshold, samples: opts.samples, seed: opts.seed };
  if (opts.model === 'j') {
    return { what: 'J = 3(a + b·c) at a = 7, b = 4, c = 2', report: gradCheck(jFunction, [scalar(7), scalar(4), scalar(2)], { ...settings, names: ['a', 'b', 'c'] }) };
  }
  if (opts.model === 'neuron') {
    const f = (w: Tensor, x: Tensor): Tensor => neuronLoss(w, x, scalar(1));
    const report = gradCheck(f, [fromArray([2, -3, -3]), fromArray([-1, -2])], { ...settings, names: ['w', 'x'] });
    return { what: 'the worked neuron L(w, x) at w = [2, -3, -3], x = [-1, -2], y = 1', report };
  }
  const { train } = await loadRunData(whereOf(opts));
  const [m = 0, ...item] = train.x.shape;
  const n = sizeOf(item);
  const x = prepareInputs(train.x, PIXELS, 'float64');
  if (opts.model === 'logistic') {
    const model = buildModel(item, NEURON.layers, { init: { kind: 'zeros' }, seed: 0 });
    const W = mul(fromArray(new RandomState(opts.seed).randnArray(n), [1, n]), 0.01);
    const what = `the single neuron's cost J(W1, b1) on ${m} training images (${n} features), W1 ~ 0.01·N(0, 1), b1 = 0.1`;
    return { what, report: checkModel(model, [W, fromArray([0.1])], x, train.labels, settings) };
  }
  const sizes = opts.layers ?? [n, 20, 7, 5, 1];
  if (sizes[0] !== n) throw new ArgumentError('gradcheck', '--layers', `the first size must be the ${n} input features of the data (${item.join('x')} pixels), got ${sizes[0]}`);
  const init = opts.init ?? 'course';
  const model = buildModel(item, mlpLayers(sizes.slice(1)), { init: parseInitializer(init, 'gradcheck'), seed: opts.seed });
  const e = Math.min(opts.examples ?? Infinity, m);
  const first = (t: Tensor, shape: number[]): Tensor => t.reshape([m, -1]).rows(0, e).reshape(shape);
  const report = checkModel(model, model.parameters().map((p) => p.value), first(x, [e, ...item]), first(train.labels, [e]), settings);
  const overall = overallRelativeError(report);
  const what = `the deep network [${sizes.join(', ')}]'s cost on ${e} training images, weights ${init} (seed ${opts.seed}), biases 0`;
  return { what, report: { ...report, passed: overall < report.threshold }, overall };
}

async function check(opts: GradCheckCliOptions): Promise<number> {
  const t0 = performance.now();
  const { what, report, overall } = await run(opts);
  const seconds = (performance.now() - t0) / 1000;
  if (opts.json) {
    const inputs = report.inputs.map((c) => ({ name: c.name, shape: c.shape, checked: c.coordinates.length, relativeError: c.relativeError, passed: c.passed }));
    process.stdout.write(`${JSON.stringify({ model: opts.model, inputs, maxRelativeError: report.maxRelativeError, ...(overall !== undefined ? { overallRelativeError: overall } : {}), epsilon: report.epsilon, threshold: report.threshold, passed: report.passed, seconds })}\n`);
    return report.passed ? EXIT.ok : EXIT.checkFailed;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`gradient check: ${what}, float64`);
  say(`central differences (J(θ+ε) - J(θ-ε)) / 2ε, ε = ${report.epsilon}; relative error ‖g - g̃‖ / (‖g‖ + ‖g̃‖)`);
  const rows = report.inputs.map((c) => {
    const size = c.shape.reduce((p, d) => p * d, 1);
    return [c.name, formatShape(c.shape), `${c.coordinates.length} of ${size}`, c.relativeError.toExponential(2)];
  });
  const head = ['input', 'shape', 'checked', 'relative error'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  for (const r of [head, ...rows]) say(r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd());
  const verdict = report.passed ? `< ${report.threshold}: passed` : `>= ${report.threshold}: FAILED`;
  if (overall === undefined) {
    say(`largest relative error: ${report.maxRelativeError.toExponential(2)} ${verdict} (${seconds.toFixed(2)} s)`);
  } else {
    say(`largest relative error of one input: ${report.maxRelativeError.toExponential(2)}`);
    say(`all parameters as one vector (the course's gradient_check_n): ${overall.toExponential(2)} ${verdict} (${seconds.toFixed(2)} s)`);
  }
  return report.passed ? EXIT.ok : EXIT.checkFailed;
}
