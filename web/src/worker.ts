/**
 * The training worker: reads the HDF5 files, trains the single neuron or a deep network a
 * frame's worth of iterations at a time and reports after each, so the page stays
 * responsive and Pause acts between two frames. Predictions, model files and the loss
 * landscape go through the CLI's own code (see ./model-file.ts, ./landscape.ts).
 */
import type { FloatDType } from '../../src/core/dtype.js';
import { labelledImagesFromBytes } from '../../src/data/hdf5-browser.js';
import type { LabelledImages } from '../../src/data/dataset.js';
import { Mlp } from '../../src/nn/mlp.js';
import { astype, Tensor } from '../../src/tensor/index.js';
import type { CatData } from '../../src/train/dataset.js';
import { flattenImages } from '../../src/train/flatten.js';
import type { LossData } from '../../src/train/landscape.js';
import { logisticLossModel, trainedValues, type LossModel } from '../../src/train/loss-model.js';
import { probabilityOfPixels } from '../../src/train/predict-pixels.js';
import { asFloat64, catData, DeepTrainer } from './deep-trainer.js';
import { Cancelled, pageLandscape } from './landscape.js';
import { deepFileText, neuronFileText, readModelFile } from './model-file.js';
import type { FromWorker, ModelSettings, Progress, ToWorker, TrainSettings } from './protocol.js';
import { recordEveryFor } from './record-every.js';
import { accuracyOf, alphaGrid, NeuronTrainer } from './trainer.js';

const FRAME_MS = 33;
/** A deep network's full readout (two forward passes) at most this often while training. */
const DEEP_REPORT_MS = 250;

let images: { train: LabelledImages; test: LabelledImages } | null = null;
let prepared: CatData | null = null;
let trainer: NeuronTrainer | DeepTrainer | null = null;
let inputShape: number[] = [64, 64, 3];
let classes: string[] = ['non-cat', 'cat'];
/** A model file as read, used as it is (its dtype too) until training moves it on. */
let fileModel: LossModel | null = null;
/** A loaded file's parameters, to start training from (float64). */
let startFrom: { kind: 'logistic'; w: Float64Array; b: number } | { kind: 'mlp'; net: Mlp; model: ModelSettings } | null = null;
let settings: TrainSettings = { learningRate: 0.005, iterations: 2000, speed: 10, model: { kind: 'logistic', layers: [], init: 'zeros', optimizer: 'gd', seed: 1, engine: 'fast' } };
let running = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let reported = 0;
let lastReport = 0;
let restart = true;
/** Bumped by anything that changes the model or data: a landscape in progress stops. */
let generation = 0;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, { transfer });
}

/** The same network to train: the single neuron, or the same layers, initialiser, seed and optimiser. */
function sameModel(a: ModelSettings, b: ModelSettings): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'logistic' || (a.layers.join() === b.layers.join() && a.init === b.init && a.seed === b.seed && a.optimizer === b.optimizer && a.engine === b.engine);
}

function data(): CatData {
  if (images === null) throw new Error('load the data first');
  return (prepared ??= catData(images.train, images.test));
}

/** A set as a model of `dtype` takes it, as the CLI's loadDataForModel gives it. */
function lossData(set: 'train' | 'test', dtype: FloatDType): LossData {
  const d = data();
  if (dtype === 'float64') return set === 'train' ? { X: d.trainX, Y: d.trainY } : { X: d.testX, Y: d.testY };
  const img = set === 'train' ? d.train : d.test;
  return { X: flattenImages(img.x, dtype), Y: astype(img.y, dtype) };
}

/** A trainer for the current settings, from the loaded file's parameters when they fit. */
function makeTrainer(next: TrainSettings): NeuronTrainer | DeepTrainer | null {
  if (images === null) return null;
  const m = next.model;
  if (m.kind === 'logistic') {
    const t = new NeuronTrainer(images.train, images.test);
    if (startFrom?.kind === 'logistic') t.reset(startFrom.w, startFrom.b);
    return t;
  }
  const from = startFrom?.kind === 'mlp' && sameModel(startFrom.model, m) ? startFrom.net : undefined;
  return new DeepTrainer(data(), { layers: m.layers, init: m.init, seed: m.seed, optimizer: m.optimizer, engine: m.engine }, next.learningRate, from);
}

function trainerFits(t: NeuronTrainer | DeepTrainer, m: ModelSettings): boolean {
  return t instanceof NeuronTrainer ? m.kind === 'logistic' : m.kind === 'mlp' && sameModel({ kind: 'mlp', ...t.settings }, m);
}

/** A new trainer for `next`; on a bad setting (an ArgumentError from prepareMlp) nothing changes. */
function restartTrainer(next: TrainSettings = settings): void {
  const t = makeTrainer(next);
  settings = next;
  trainer = t;
  generation++;
  restart = true;
}

/** The current parameters as the CLI's LossModel: what predictions and the landscape use. */
function currentModel(): LossModel {
  if (fileModel !== null) return fileModel;
  if (trainer instanceof DeepTrainer) return trainer.lossModel(inputShape, classes);
  if (trainer !== null) return logisticLossModel(new Tensor(Float64Array.from(trainer.weights()), [trainer.weights().length, 1], 'float64'), trainer.bias, { inputShape, classes });
  throw new Error('train or load a model first');
}

/** A loaded file's numbers, computed as the CLI computes them (in the file's dtype). */
function fileState(model: LossModel): Omit<Progress, 'target' | 'costs' | 'restart' | 'weights' | 'iteration' | 'engine'> {
  const values = trainedValues(model);
  const [train, test] = [lossData('train', model.dtype), lossData('test', model.dtype)];
  const a = Float64Array.from(model.probabilities(values, train.X).values());
  const t = Float64Array.from(model.probabilities(values, test.X).values());
  const y = Float64Array.from(train.Y.values());
  const ty = Float64Array.from(test.Y.values());
  return { cost: model.loss(values, train.X, train.Y), testCost: model.loss(values, test.X, test.Y), trainAccuracy: accuracyOf(a, y), testAccuracy: accuracyOf(t, ty), testProbabilities: t };
}

function report(): void {
  if (trainer === null) return;
  lastReport = performance.now();
  const s = fileModel !== null ? { ...trainer.state(), ...fileState(fileModel) } : trainer.state();
  const fresh = trainer.costs.slice(restart ? 0 : reported);
  reported = trainer.costs.length;
  const weights = trainer instanceof DeepTrainer ? trainer.firstLayer() : { values: Float64Array.from(trainer.weights()), units: 1 };
  const engine = trainer instanceof DeepTrainer ? trainer.engine : null;
  const progress: Progress = { ...s, target: settings.iterations, costs: fresh, restart, weights, engine };
  if (fileModel !== null && trainer.iterations === 0) progress.costs = [{ iteration: 0, cost: s.cost, testCost: s.testCost }];
  restart = false;
  post({ type: 'progress', progress }, [weights.values.buffer, s.testProbabilities.buffer]);
}

function tick(): void {
  timer = undefined;
  if (!running || trainer === null) return;
  const started = performance.now();
  const deadline = started + FRAME_MS * 0.8;
  const every = recordEveryFor(settings.iterations);
  if (trainer.iterations < settings.iterations) fileModel = null;
  if (trainer instanceof DeepTrainer) {
    // One slice of the run until the frame's time is up (at least one update: a plain
    // iteration of the L-layer network takes longer than a frame).
    trainer.advance(settings.speed, settings.learningRate, every, settings.iterations, deadline);
  } else {
    // Flat out: as many iterations as fit in a frame, in chunks between record points.
    let budget = settings.speed;
    do {
      const ran = trainer.advance(Math.min(budget, every), settings.learningRate, every, settings.iterations);
      budget -= ran;
      if (ran === 0) break;
    } while (budget > 0 && performance.now() < deadline);
  }
  const diverged = trainer.diverged;
  const finished = trainer.iterations >= settings.iterations || diverged !== undefined;
  if (finished || !(trainer instanceof DeepTrainer) || performance.now() - lastReport > DEEP_REPORT_MS) report();
  if (finished) {
    running = false;
    post({ type: 'status', status: 'done' });
    if (diverged !== undefined) {
      const message = `Training diverged: the cost at iteration ${diverged.iteration} is ${diverged.cost}; stopped there with the parameters of update ${diverged.kept}. Try a smaller learning rate than ${settings.learningRate}.`;
      post({ type: 'error', message, source: 'train' });
    }
    return;
  }
  // About 30 frames a second; a frame that already took longer (a deep iteration) waits no more.
  const wait = settings.speed === Infinity ? 0 : Math.max(0, FRAME_MS - (performance.now() - started));
  timer = setTimeout(tick, wait);
}

function stop(): void {
  running = false;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'load': {
      stop();
      const [train, test] = await Promise.all([
        labelledImagesFromBytes(msg.train.name, new Uint8Array(msg.train.bytes)),
        labelledImagesFromBytes(msg.test.name, new Uint8Array(msg.test.bytes)),
      ]);
      if (train.x.size / (train.x.shape[0] as number) !== test.x.size / (test.x.shape[0] as number)) {
        throw new Error(`${test.file}: images of shape ${JSON.stringify(test.x.shape.slice(1))} do not match ${train.file}'s ${JSON.stringify(train.x.shape.slice(1))}`);
      }
      images = { train, test };
      prepared = null;
      inputShape = train.x.shape.slice(1);
      classes = train.classes;
      restartTrainer();
      const [m, height, width] = test.x.shape as [number, number, number];
      post({
        type: 'loaded',
        trainName: train.file,
        testName: test.file,
        trainCount: train.x.shape[0] as number,
        classes: train.classes,
        inputShape,
        test: { pixels: Uint8Array.from(test.x.values() as Uint8Array), m, height, width, labels: Float64Array.from(test.y.values()) },
      });
      report();
      post({ type: 'status', status: 'ready' });
      return;
    }
    case 'train':
      if (trainer === null) throw new Error('load the data first');
      if (!trainerFits(trainer, msg.settings.model)) restartTrainer(msg.settings);
      settings = msg.settings;
      generation++;
      if (trainer === null || trainer.iterations >= settings.iterations) {
        post({ type: 'status', status: 'done' });
        return;
      }
      running = true;
      post({ type: 'status', status: 'training' });
      if (timer === undefined) tick();
      return;
    case 'pause':
      if (!running) return;
      stop();
      // A deep network reports a few times a second: the readout catches up with the pause.
      if (trainer instanceof DeepTrainer) report();
      post({ type: 'status', status: 'paused' });
      return;
    case 'reset':
      stop();
      startFrom = null;
      fileModel = null;
      restartTrainer(msg.settings);
      if (trainer === null) return;
      report();
      post({ type: 'status', status: 'ready' });
      return;
    case 'loadModel': {
      const { loaded, model, info } = readModelFile(msg.name, msg.text);
      if (images !== null && model.inputShape.join() !== inputShape.join()) {
        throw new Error(`${msg.name}: the model takes [${model.inputShape.join(', ')}] images, the data has [${inputShape.join(', ')}]`);
      }
      stop();
      fileModel = model;
      inputShape = [...model.inputShape];
      classes = [...model.classes];
      startFrom =
        loaded.type === 'logistic'
          ? { kind: 'logistic', w: Float64Array.from(loaded.w.values()), b: loaded.b }
          : { kind: 'mlp', net: new Mlp(loaded.net.spec, loaded.net.dense.map((d) => ({ W: asFloat64(d.W.value), b: asFloat64(d.b.value) }))), model: info.model };
      post({ type: 'modelLoaded', id: msg.id, info });
      restartTrainer({ ...settings, model: info.model, learningRate: info.learningRate ?? settings.learningRate });
      if (trainer !== null) {
        report();
        post({ type: 'status', status: 'ready' });
      }
      return;
    }
    case 'predict':
      post({ type: 'prediction', id: msg.id, probability: probabilityOfPixels(currentModel(), msg.pixels) });
      return;
    case 'landscape': {
      if (trainer === null) throw new Error('load the data first');
      const mine = generation;
      const iteration = trainer.iterations;
      const fastLine = trainer instanceof NeuronTrainer && fileModel === null;
      if (trainer instanceof NeuronTrainer && fastLine) {
        // The single neuron's line from where this run started, quickly, from its scores.
        post({ type: 'line', id: msg.id, iteration, ...trainer.interpolation(alphaGrid(-0.5, 1.5, 41)) });
      }
      const model = currentModel();
      let sent = 0;
      const l = await pageLandscape(model, lossData('train', model.dtype), lossData('test', model.dtype), msg.grid, (done, total) => {
        if (done === total || performance.now() - sent > 100) {
          sent = performance.now();
          post({ type: 'landscapeProgress', id: msg.id, done, total });
        }
      }, () => generation !== mine).catch((e: unknown) => {
        if (e instanceof Cancelled) throw new Error('Stopped: the model changed while the landscape was computed.');
        throw e;
      });
      if (!fastLine) {
        const { alpha, train, test } = l.interpolation;
        post({ type: 'line', id: msg.id, iteration, alpha, train, test: test ?? [] });
      }
      post({ type: 'surface', id: msg.id, iteration, surface: { x: l.surface.x, y: l.surface.y, train: l.surface.train, trained: l.trained } });
      return;
    }
    case 'getModel': {
      if (trainer === null && fileModel === null) throw new Error('train or load a model first');
      const iteration = trainer?.iterations ?? 0;
      const files = { train: images?.train.file ?? null, test: images?.test.file ?? null };
      let text: string;
      if (trainer instanceof DeepTrainer) {
        text = deepFileText(trainer.net, inputShape, classes, trainer.trainingRecord(files.train ?? '', files.test ?? ''));
      } else if (trainer !== null) {
        const s = trainer.state();
        text = neuronFileText({
          w: Float64Array.from(trainer.weights()),
          b: trainer.bias,
          inputShape,
          classes,
          training: {
            iterations: iteration,
            learningRate: settings.learningRate,
            costs: trainer.costs.map(({ iteration: i, cost }) => ({ iteration: i, cost })),
            trainAccuracy: s.trainAccuracy,
            testAccuracy: s.testAccuracy,
            trainFile: files.train,
            testFile: files.test,
          },
        });
      } else {
        throw new Error('load the data to save a model trained here');
      }
      const kind = trainer instanceof DeepTrainer ? `mlp-${trainer.net.spec.layers.slice(1, -1).join('-')}` : 'neuron';
      post({ type: 'model', id: msg.id, text, fileName: `tsgrad-${kind}-${iteration}.json`, iteration });
      return;
    }
  }
}

self.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) => {
    const id = 'id' in e.data ? e.data.id : undefined;
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), source: e.data.type, ...(id !== undefined ? { id } : {}) });
  });
});
