/**
 * Which step strategy trains a run: the exact span step where it applies (the default), the
 * autodiff step for anything, or the course's own functions where they cover the model.
 * One meaning for every model; a step asked for that cannot train these settings falls
 * back to autodiff with a note (span) or is refused (course).
 */
import { firstDense } from '../accel/pixels.js';
import { samplesOf, type FastBackend } from '../accel/samples.js';
import { DenseSpanStep } from '../accel/span-dense.js';
import { NeuronSpanStep } from '../accel/span-neuron.js';
import { ArgumentError } from '../core/errors.js';
import { courseLayers, DeepCourseStep, NeuronCourseStep } from '../course/step.js';
import type { Dataset } from '../data/dataset.js';
import { isPlainScale, type Preprocessing } from '../data/preprocess.js';
import { Dropout } from '../nn/layers/basic.js';
import { Dense } from '../nn/layers/dense.js';
import type { Sequential } from '../nn/sequential.js';
import type { Tensor } from '../tensor/index.js';
import { AutodiffStep } from '../train/step-autodiff.js';
import type { EngineName, StepStrategy } from '../train/trainer.js';
import type { RunSettings } from './settings.js';

/** The step chosen, and why it is not the one asked for. */
export interface EngineChoice {
  engine: EngineName;
  note?: string;
}

/** The most bytes the span step's m x m float64 Gram matrix may take (512 MiB): past it, auto trains with autodiff and an asked-for span step is refused. */
export const GRAM_LIMIT_BYTES = 2 ** 29;

const sizeText = (bytes: number): string => (bytes < 2 ** 20 ? `${bytes} bytes` : `${Math.round(bytes / 2 ** 20)} MiB`);

/** Why the m x m Gram matrix is too large for `limit` bytes, or null. */
function gramTooLarge(m: number, limit: number): string | null {
  const bytes = m * m * 8;
  return bytes > limit ? `the ${m} x ${m} Gram matrix of the span step would take ${sizeText(bytes)} (over the ${sizeText(limit)} limit)` : null;
}

const fullBatchGd = (s: RunSettings): string | null =>
  s.optimizer !== 'gd' ? `${s.optimizer} is not the course's full-batch gradient descent` :
  s.batchSize !== undefined ? 'it trains on full batches' :
  s.decay !== undefined && s.decay.rate !== 0 ? 'it keeps the learning rate fixed' :
  s.l2 !== 0 ? 'it has no L2 term' : s.loss !== 'course' ? "it computes the notes' cost" : null;


/** The one-unit sigmoid neuron the fused Gram kernel trains, or null. */
function neuron(model: Sequential): Dense | null {
  const i = firstDense(model);
  const d = model.layers[i];
  return d instanceof Dense && d.units === 1 && i === model.layers.length - 2 && model.head === 'sigmoid' ? d : null;
}

/** Why the span step cannot train this run, or null when it can. @example spanRefusal(model, { ...TWO_LAYER, optimizer: 'adam' }, 209) // 'adam is not linear in the gradient, ...' */
export function spanRefusal(model: Sequential, s: RunSettings, m: number, gramLimit = GRAM_LIMIT_BYTES): string | null {
  // The neuron's fused step builds the same m x m Gram matrix as the deep one.
  if (neuron(model) !== null && fullBatchGd(s) === null) return gramTooLarge(m, gramLimit);
  const i = firstDense(model);
  if (i < 0) return 'the span step needs a dense first layer (after a flatten)';
  if (s.optimizer !== 'gd' && s.optimizer !== 'momentum') return `${s.optimizer} is not linear in the gradient, so the first layer does not stay in the span of the samples: the span step covers gd and momentum`;
  if (s.dtype !== 'float64') return `the span step of a deep network trains float64 weights, not ${s.dtype}`;
  const nx = (model.layers[i] as Dense).inputs;
  if (m >= nx) return `with ${m} samples of ${nx} features the span of the samples is no smaller than the weights: the span step pays when samples are fewer than features`;
  return gramTooLarge(m, gramLimit);
}

function courseRefusal(model: Sequential, s: RunSettings): string | null {
  const why = fullBatchGd(s);
  if (why !== null) return `the course's functions do not cover this run: ${why}`;
  if (model.layers.some((l) => l instanceof Dropout)) return "the course's functions do not cover dropout";
  const dense = courseLayers(model);
  return typeof dense === 'string' ? dense : null;
}

/** The engine a run will train with (without building the step). @example chooseEngine(model, { ...L_LAYER, engine: 'span', optimizer: 'adam' }, 209) // { engine: 'autodiff', note: 'adam is not linear ...' } */
export function chooseEngine(model: Sequential, s: RunSettings, m: number, gramLimit = GRAM_LIMIT_BYTES): EngineChoice {
  if (s.engine === 'course') {
    const why = courseRefusal(model, s);
    if (why !== null) throw new ArgumentError('train', '--engine', why);
    return { engine: 'course' };
  }
  if (s.engine === 'autodiff') return { engine: 'autodiff' };
  const big = gramTooLarge(m, gramLimit);
  if (big !== null && s.engine === 'span') throw new ArgumentError('train', '--engine', `span does not fit ${m} samples: ${big}; use --engine auto or autodiff`);
  // Too large a Gram matrix is said even under auto: the user should know why the fast step is not taken.
  if (big !== null) return { engine: 'autodiff', note: big };
  const why = spanRefusal(model, s, m, gramLimit);
  return why === null ? { engine: 'span' } : { engine: 'autodiff', ...(s.engine === 'span' ? { note: why } : {}) };
}

/** What a step trains on: the raw training set, its preparation, and the prepared inputs on demand. */
export interface StepData {
  train: Dataset;
  preprocessing: Preprocessing;
  /** The training inputs (N, ...) as the model takes them. */
  inputs(): Tensor;
}

/**
 * The step strategy for `engine` on the model.
 * @example const step = makeStep('span', model, settings, data);
 */
export function makeStep(engine: EngineName, model: Sequential, s: RunSettings, data: StepData, backend: FastBackend = 'auto'): StepStrategy {
  const labels = data.train.labels;
  const loss = { loss: s.loss, l2: s.l2 };
  if (engine === 'autodiff') return new AutodiffStep(model, data.inputs(), labels, loss);
  if (engine === 'course') {
    const one = neuron(model);
    return one !== null ? new NeuronCourseStep(one, data.inputs(), labels) : new DeepCourseStep(courseLayers(model) as Dense[], data.inputs(), labels);
  }
  // Raw uint8 pixels go to the exact integer kernels; anything else as prepared floats.
  // (The integer pixel kernels compute x / scale only: standardized inputs go as prepared floats.)
  const samples = data.train.x.dtype === 'uint8' && isPlainScale(data.preprocessing) ? samplesOf('train', data.train.x, data.preprocessing.scale) : samplesOf('train', data.inputs(), 1);
  const one = neuron(model);
  if (one !== null && fullBatchGd(s) === null) return new NeuronSpanStep(one, samples, labels, s.learningRate, backend);
  return new DenseSpanStep(model, firstDense(model), samples, labels, loss, backend);
}
