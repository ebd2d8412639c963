/**
 * The training worker: reads the HDF5 files, trains the single neuron a frame's worth of
 * iterations at a time and reports after each, so the page stays responsive and Pause acts
 * between two frames.
 */
import { labelledImagesFromBytes } from '../../src/data/hdf5-browser.js';
import { probabilities } from '../../src/nn/logistic.js';
import { div, Tensor } from '../../src/tensor/index.js';
import type { FromWorker, Progress, ToWorker, TrainSettings } from './protocol.js';
import { recordEveryFor } from './record-every.js';
import { alphaGrid, NeuronTrainer } from './trainer.js';

const FRAME_MS = 33;

let trainer: NeuronTrainer | null = null;
let inputShape: number[] = [64, 64, 3];
/** Parameters loaded before any data, used for predictions until data arrives. */
let loaded: { w: Float64Array; b: number } | null = null;
let settings: TrainSettings = { learningRate: 0.005, iterations: 2000, speed: 10 };
let running = false;
let timer: ReturnType<typeof setTimeout> | undefined;
let reported = 0;
let restart = true;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, { transfer });
}

function report(): void {
  if (trainer === null) return;
  const s = trainer.state();
  const fresh = trainer.costs.slice(restart ? 0 : reported);
  reported = trainer.costs.length;
  const w = Float64Array.from(trainer.weights());
  const progress: Progress = { ...s, target: settings.iterations, costs: fresh, restart, w, b: trainer.bias };
  restart = false;
  post({ type: 'progress', progress }, [w.buffer, s.testProbabilities.buffer]);
}

function tick(): void {
  timer = undefined;
  if (!running || trainer === null) return;
  const deadline = performance.now() + FRAME_MS * 0.8;
  const every = recordEveryFor(settings.iterations);
  let budget = settings.speed;
  // Flat out: as many iterations as fit in a frame, in chunks between record points.
  do {
    const ran = trainer.advance(Math.min(budget, every), settings.learningRate, every, settings.iterations);
    budget -= ran;
    if (ran === 0) break;
  } while (budget > 0 && performance.now() < deadline);
  report();
  if (trainer.iterations >= settings.iterations) {
    running = false;
    post({ type: 'status', status: 'done' });
    return;
  }
  timer = setTimeout(tick, settings.speed === Infinity ? 0 : FRAME_MS);
}

function stop(): void {
  running = false;
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
}

function currentParameters(): { w: Float64Array; b: number } | null {
  if (trainer !== null) return { w: trainer.weights(), b: trainer.bias };
  return loaded;
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
      trainer = new NeuronTrainer(train, test);
      inputShape = train.x.shape.slice(1);
      if (loaded !== null) trainer.reset(loaded.w, loaded.b);
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
      restart = true;
      report();
      post({ type: 'status', status: 'ready' });
      return;
    }
    case 'train':
      settings = msg.settings;
      if (trainer === null) throw new Error('load the data first');
      if (trainer.iterations >= settings.iterations) {
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
      post({ type: 'status', status: 'paused' });
      return;
    case 'reset':
      stop();
      settings = msg.settings;
      loaded = null;
      if (trainer === null) return;
      trainer.reset();
      restart = true;
      report();
      post({ type: 'status', status: 'ready' });
      return;
    case 'setParameters':
      stop();
      loaded = { w: msg.w, b: msg.b };
      if (trainer !== null) {
        trainer.reset(msg.w, msg.b);
        restart = true;
        report();
        post({ type: 'status', status: 'ready' });
      }
      return;
    case 'predict': {
      const p = currentParameters();
      if (p === null) throw new Error('train or load a model first');
      // The CLI's preparation and forward pass: one column of pixels / 255, σ(wᵀx + b).
      const x = div(new Tensor(msg.pixels, [1, ...inputShape], 'uint8').reshape([1, -1]).T, 255);
      const w = new Tensor(Float64Array.from(p.w), [p.w.length, 1], 'float64');
      post({ type: 'prediction', id: msg.id, probability: probabilities(w, p.b, x).item() });
      return;
    }
    case 'landscape': {
      if (trainer === null) throw new Error('load the data first');
      // The CLI's defaults: α from -0.5 to 1.5 in 41 points.
      const line = trainer.interpolation(alphaGrid(-0.5, 1.5, 41));
      post({ type: 'landscape', id: msg.id, iteration: trainer.iterations, ...line });
      return;
    }
    case 'getModel': {
      const p = currentParameters();
      if (p === null) throw new Error('train or load a model first');
      const s = trainer?.state();
      post({
        type: 'model',
        id: msg.id,
        w: Float64Array.from(p.w),
        b: p.b,
        iteration: trainer?.iterations ?? 0,
        learningRate: settings.learningRate,
        costs: (trainer?.costs ?? []).map(({ iteration, cost }) => ({ iteration, cost })),
        trainAccuracy: s?.trainAccuracy ?? null,
        testAccuracy: s?.testAccuracy ?? null,
      });
      return;
    }
  }
}

self.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((err: unknown) => {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err), source: e.data.type });
  });
});
