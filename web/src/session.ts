/**
 * The training worker's state, in one object: the data, the one run (./page-run.ts over the
 * app layer), a loaded model file shown as it is, and the frame loop that advances the run a
 * frame's worth at a time and reports, so the page stays responsive and Pause acts between
 * two frames. Every number comes from the CLI's own code; this file only sequences it.
 */
import { NEURON } from '../../src/app/settings.js';
import { ArgumentError } from '../../src/core/errors.js';
import { asDataset, type Dataset } from '../../src/data/labelled-images.js';
import { prepareInputs, type Preprocessing } from '../../src/data/preprocess.js';
import type { LoadedModel } from '../../src/io/model-file.js';
import { archText } from '../../src/nn/registry.js';
import type { Sequential } from '../../src/nn/sequential.js';
import type { RunSettings } from '../../src/app/settings.js';
import { astype, type Tensor } from '../../src/tensor/index.js';
import { predictPixels } from '../../src/analysis/predict.js';
import { Cancelled, pageLandscape } from './landscape.js';
import { isNeuron, loadedFileText, NEURON_MODEL, readPageModel, runFileText } from './model-file.js';
import { PageRun, readout, type Readout } from './page-run.js';
import { networkPictures, pictureBuffers, photoSaliency } from './pictures.js';
import type { FromWorker, ModelSettings, Progress, ToWorker, TrainSettings } from './protocol.js';
import { recordEveryFor } from './record-every.js';

const FRAME_MS = 33;
/** A frame of N slow iterations still shows the run at least this often. */
const LONGEST_FRAME_MS = 1000;
/** A CNN's filters and feature maps are redrawn at most this often while it trains. */
const PICTURES_MS = 500;

/** How the worker talks to the page. @example const post: Post = (msg, transfer = []) => self.postMessage(msg, { transfer }); */
export type Post = (msg: FromWorker, transfer?: ArrayBuffer[]) => void;

/** The same model to train on: the same layers, initialiser, seed, optimiser, engine and batch size. */
const modelKey = (m: ModelSettings): string => JSON.stringify([archText(m.layers), m.init, m.seed, m.optimizer, m.engine, m.batchSize ?? null]);

// The page names its controls, not the app layer's arguments (the rest of a message is the app layer's).
const CONTROLS: Record<string, string> = { layers: 'Layer sizes', init: 'Initialiser', seed: 'Seed', engine: 'Engine', '--engine': 'Engine', learningRate: 'Learning rate', optimizer: 'Optimiser', batchSize: 'Batch size' };
const message = (e: unknown): string =>
  e instanceof ArgumentError ? `${CONTROLS[e.argument] ?? e.argument}: ${e.message.slice(`${e.op}: ${e.argument}: `.length)}` : e instanceof Error ? e.message : String(e);


/** What is shown: the run's model, or a loaded file's as it is (its dtype too). */
interface Shown {
  model: Sequential;
  settings: RunSettings | undefined;
  preprocessing: Preprocessing;
  dtype: 'float64' | 'float32';
}

/**
 * The worker's state and its answers to the page's messages.
 * @example const s = new PageSession((msg) => self.postMessage(msg)); self.onmessage = (e) => void s.receive(e.data);
 */
export class PageSession {
  private data: { train: Dataset; test: Dataset } | null = null;
  private run: PageRun | null = null;
  /** A model file as read, shown as it is until training moves on. */
  private file: LoadedModel | null = null;
  /** A loaded file's parameters (float64), trained on while the settings are the file's. */
  private start: { model: ModelSettings; values: Tensor[] } | null = null;
  private settings: TrainSettings = { learningRate: NEURON.learningRate, iterations: NEURON.epochs, speed: 10, model: NEURON_MODEL };
  private fileInputs: { file: LoadedModel; train: Tensor; test: Tensor } | null = null;
  private running = false;
  /** Where the current frame started, in the run's unit, and when (`performance.now()`). */
  private frameFrom = 0;
  private frameStarted = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reported = 0;
  private restart = true;
  private lastReport = 0;
  /** How long the last readout took: readouts are kept to about a fifth of the time. */
  private readoutMs = 0;
  /** Bumped by anything that changes the model or data: a landscape in progress stops. */
  private generation = 0;
  /** The test image whose feature maps are shown, and when they were last sent (0: never; -1: nothing to show was sent). */
  private inspected = 0;
  private lastPictures = 0;
  /** Landscape requests cancelled by the page (Cancel). */
  private readonly cancelled = new Set<number>();

  constructor(private readonly post: Post) {}

  /** Handles one message; a failure becomes an error message naming its source. */
  async receive(msg: ToWorker): Promise<void> {
    try {
      await this.handle(msg);
    } catch (e) {
      this.post({ type: 'error', message: message(e), source: msg.type, ...('id' in msg ? { id: msg.id } : {}) });
    }
  }

  /** The run now (for tests and the landscape). */
  get current(): PageRun | null {
    return this.run;
  }

  private needData(): { train: Dataset; test: Dataset } {
    if (this.data === null) throw new Error('Load the data first.');
    return this.data;
  }

  /** A run for `next`, from the loaded file's parameters when its settings are the file's. */
  private makeRun(next: TrainSettings, start = this.start): PageRun | null {
    if (this.data === null) return null;
    const from = start !== null && modelKey(start.model) === modelKey(next.model) ? start.values : undefined;
    return new PageRun(this.data, next.model, next.learningRate, recordEveryFor(next.iterations), from);
  }

  /** A new run for `next`; on a bad setting (an ArgumentError) nothing changes. */
  private restartRun(next: TrainSettings, start = this.start): void {
    const run = this.makeRun(next, start);
    this.settings = next;
    this.run = run;
    this.start = start;
    this.generation++;
    this.restart = true;
    this.lastPictures = 0;
  }

  private shown(): Shown {
    if (this.file !== null) return { model: this.file.model, settings: this.file.training.settings, preprocessing: this.file.preprocessing, dtype: this.file.dtype };
    if (this.run === null) throw new Error('Train or load a model first.');
    const r = this.run.run;
    return { model: this.run.synced(), settings: r.settings, preprocessing: r.preprocessing, dtype: r.settings.dtype };
  }

  /** Both sets as the shown model takes them. */
  private inputs(): { train: Tensor; test: Tensor } {
    const f = this.file;
    if (f === null) {
      const r = this.needRun().run;
      return { train: r.inputs('train'), test: r.inputs('test') };
    }
    const d = this.needData();
    if (this.fileInputs?.file !== f) this.fileInputs = { file: f, train: prepareInputs(d.train.x, f.preprocessing, f.dtype), test: prepareInputs(d.test.x, f.preprocessing, f.dtype) };
    return this.fileInputs;
  }

  private needRun(): PageRun {
    if (this.run === null) throw new Error('Load the data first.');
    return this.run;
  }

  private report(): void {
    const run = this.run;
    if (run === null) return;
    const t0 = performance.now();
    const fileShown = this.file !== null;
    const r: Readout = fileShown ? readout(this.shown().model, this.inputs(), this.needData(), this.file?.training.settings?.loss) : run.readout();
    // The weight pictures are a dense first layer's rows; a CNN's kernels are its filters (pictures()).
    const first = this.shown().model.parameters()[0]?.value;
    const W = first?.ndim === 2 ? first : undefined;
    const weights = { values: Float64Array.from(W?.values() ?? []), units: W?.shape[0] ?? 0 };
    const progress: Progress = {
      ...r,
      iteration: run.iterations,
      target: this.settings.iterations,
      unit: run.unit,
      updatesPer: run.updatesPer,
      costs: fileShown ? [{ iteration: 0, cost: r.cost, testCost: r.testCost }] : run.costs.slice(this.restart ? 0 : this.reported),
      restart: this.restart || fileShown,
      weights,
      engine: fileShown ? null : run.run.engine,
      secondsPerUpdate: run.secondsPerUpdate,
    };
    this.reported = run.costs.length;
    this.restart = false;
    this.post({ type: 'progress', progress }, [weights.values.buffer, r.testProbabilities.buffer]);
    this.lastReport = performance.now();
    this.readoutMs = this.lastReport - t0;
    if (!this.running) this.pictures();
  }

  /** A CNN's filters and the inspected test image's feature maps (once "none" for any other model). */
  private pictures(): void {
    if (this.run === null) return;
    const pictures = networkPictures(this.shown().model, this.inputs().test, this.inspected, this.run.iterations);
    if (pictures === null && this.lastPictures < 0) return;
    this.post({ type: 'pictures', pictures }, pictureBuffers(pictures));
    this.lastPictures = pictures === null ? -1 : performance.now();
  }

  /** A new frame starts from where the run stands (Train, Resume, a new speed). */
  private startFrame(): void {
    this.frameFrom = this.run?.iterations ?? 0;
    this.frameStarted = performance.now();
  }

  /** A failure inside the frame loop stops the run and says so, instead of leaving "Training…" up for good. */
  private guardedTick(): void {
    try {
      this.tick();
    } catch (e) {
      this.stop();
      // The status first: the page's status line then shows the error, not "Paused".
      this.post({ type: 'status', status: 'paused' });
      this.post({ type: 'error', message: `Training stopped: ${message(e)}`, source: 'train' });
    }
  }

  /**
   * One slice of the frame loop. At N a frame, a frame is N iterations (or epochs) and one
   * readout, at most about 30 a second: a deep network whose N iterations take longer than
   * 33 ms computes them in slices of about 26 ms (so Pause still acts between two) and shows
   * them when all N are done, or after a second at most. Flat out runs as many as fit in each
   * slice and shows the run whenever a readout costs a fifth of the time or less.
   */
  private tick(): void {
    this.timer = undefined;
    const run = this.run;
    if (!this.running || run === null) return;
    const s = this.settings;
    if (run.iterations < s.iterations) this.file = null;
    const frameEnd = this.frameFrom + s.speed;
    run.advance(Math.min(s.iterations, frameEnd), performance.now() + FRAME_MS * 0.8);
    const diverged = run.run.trainer.diverged;
    const finished = run.iterations >= s.iterations || diverged !== undefined;
    const frameDone = run.iterations >= frameEnd;
    const since = performance.now() - this.lastReport;
    // Stopped before the last report, so that it sends the pictures of where the run stops.
    if (finished) this.running = false;
    if (finished || frameDone || since > (s.speed === Infinity ? 4 * this.readoutMs : Math.max(LONGEST_FRAME_MS, 4 * this.readoutMs))) this.report();
    if (!finished && this.lastPictures >= 0 && performance.now() - this.lastPictures > PICTURES_MS) this.pictures();
    if (finished) {
      this.post({ type: 'status', status: 'done' });
      this.sayDiverged();
      return;
    }
    let wait = 0;
    if (frameDone) {
      // About 30 frames a second; a frame that already took longer (a deep network's) waits no more.
      wait = Math.max(0, FRAME_MS - (performance.now() - this.frameStarted));
      this.frameFrom = run.iterations;
      this.frameStarted = performance.now() + wait;
    }
    this.timer = setTimeout(() => this.guardedTick(), wait);
  }

  private sayDiverged(): void {
    const d = this.run?.run.trainer.diverged;
    if (d === undefined) return;
    const message = `Training diverged: the cost at iteration ${d.iteration} is ${d.cost}; stopped there with the parameters of update ${d.kept}. Reset, and try a smaller learning rate than ${this.settings.learningRate}.`;
    this.post({ type: 'error', message, source: 'train' });
  }

  private stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'load': {
        this.stop();
        // h5wasm (its WebAssembly inlined, most of the worker's bytes) is fetched only when data is read.
        const { labelledImagesFromBytes } = await import('../../src/data/hdf5-browser.js');
        const [trainSet, testSet] = await Promise.all([
          labelledImagesFromBytes(msg.train.name, new Uint8Array(msg.train.bytes)),
          labelledImagesFromBytes(msg.test.name, new Uint8Array(msg.test.bytes)),
        ]);
        const [train, test] = [asDataset(trainSet), asDataset(testSet)];
        const item = train.x.shape.slice(1);
        if (test.x.shape.slice(1).join() !== item.join()) throw new Error(`${test.file}: images of shape (${test.x.shape.slice(1).join(', ')}) do not match ${train.file}'s (${item.join(', ')})`);
        this.data = { train, test };
        // A loaded file for other images no longer applies.
        if (this.file !== null && this.file.inputShape.join() !== item.join()) [this.file, this.start] = [null, null];
        // A model for other data (a CNN sized for 2 classes, 6-class data) waits for the page's settings.
        let refused: unknown = null;
        try {
          this.restartRun(this.settings);
        } catch (e) {
          [this.run, refused] = [null, e];
          this.generation++;
        }
        const [m, height, width, channels = 1] = test.x.shape as [number, number, number, number?];
        this.post({
          type: 'loaded', trainName: train.file, testName: test.file, trainCount: train.x.shape[0] as number, classes: [...train.classes], inputShape: item,
          test: { pixels: Uint8Array.from(test.x.values()), m, height, width, channels, labels: Float64Array.from(test.labels.values()) },
        });
        if (refused !== null) this.post({ type: 'error', message: message(refused), source: 'train' });
        this.report();
        this.post({ type: 'status', status: 'ready' });
        return;
      }
      case 'train': {
        const next = msg.settings;
        this.needData();
        if (this.run === null || modelKey(this.run.model) !== modelKey(next.model)) this.restartRun(next);
        const run = this.needRun();
        run.configure(next.learningRate, recordEveryFor(next.iterations));
        this.settings = next;
        this.generation++;
        if (run.iterations >= next.iterations || run.run.trainer.diverged !== undefined) {
          this.report();
          this.post({ type: 'status', status: 'done' });
          this.sayDiverged();
          return;
        }
        this.running = true;
        this.startFrame();
        this.post({ type: 'status', status: 'training' });
        if (this.timer === undefined) this.guardedTick();
        return;
      }
      case 'pause':
        if (!this.running) return;
        this.stop();
        // Readouts are throttled: this one catches up with the pause.
        this.report();
        this.post({ type: 'status', status: 'paused' });
        return;
      case 'reset':
        this.stop();
        this.restartRun(msg.settings, null);
        this.file = null;
        if (this.run === null) return;
        this.report();
        this.post({ type: 'status', status: 'ready' });
        return;
      case 'loadModel': {
        const { loaded, info } = readPageModel(msg.name, msg.text);
        const item = this.data?.train.x.shape.slice(1);
        if (item !== undefined && loaded.inputShape.join() !== item.join()) {
          throw new Error(`${msg.name}: the model takes images of shape (${loaded.inputShape.join(', ')}), the data has (${item.join(', ')})`);
        }
        const start = { model: info.model, values: loaded.model.parameters().map((p) => (p.value.dtype === 'float64' ? p.value : astype(p.value, 'float64'))) };
        const next = { ...this.settings, model: info.model, learningRate: info.learningRate ?? this.settings.learningRate };
        this.stop();
        this.restartRun(next, start);
        this.file = loaded;
        this.post({ type: 'modelLoaded', id: msg.id, info });
        if (this.run !== null) {
          this.report();
          this.post({ type: 'status', status: 'ready' });
        }
        return;
      }
      case 'predict': {
        const shown = this.shown();
        const saliency = photoSaliency(shown, msg.pixels);
        this.post({ type: 'prediction', id: msg.id, probabilities: predictPixels(shown, msg.pixels).probabilities, saliency }, [saliency.data.buffer]);
        return;
      }
      case 'inspect':
        this.inspected = msg.image;
        this.lastPictures = 0;
        this.pictures();
        return;
      case 'landscape': {
        const data = this.needData();
        const mine = this.generation;
        const iteration = this.needRun().iterations;
        const s = this.shown();
        const x = this.inputs();
        let sent = 0;
        let progress = '';
        const l = await pageLandscape({ model: s.model, settings: s.settings }, { x: x.train, labels: data.train.labels }, { x: x.test, labels: data.test.labels }, msg.grid, (done, total) => {
          progress = `${done} of ${total} losses`;
          if (done === total || performance.now() - sent > 100) {
            sent = performance.now();
            this.post({ type: 'landscapeProgress', id: msg.id, done, total });
          }
        }, () => this.generation !== mine || this.cancelled.has(msg.id)).catch((e: unknown) => {
          if (!(e instanceof Cancelled)) throw e;
          throw new Error(this.cancelled.has(msg.id) ? `Cancelled after ${progress || 'none of the losses'}; nothing was drawn.` : 'Stopped: the model changed while the landscape was computed.');
        }).finally(() => this.cancelled.delete(msg.id));
        const { alpha, train, test } = l.interpolation;
        this.post({ type: 'line', id: msg.id, iteration, alpha, train, test: test ?? [] });
        this.post({ type: 'surface', id: msg.id, iteration, surface: { x: l.surface.x, y: l.surface.y, train: l.surface.train, trained: l.trained } });
        return;
      }
      case 'cancelLandscape':
        this.cancelled.add(msg.id);
        return;
            case 'getModel': {
        const f = this.file;
        const run = this.run;
        if (f === null && run === null) throw new Error('Train or load a model first.');
        const files = { train: this.data?.train.file ?? '', test: this.data?.test.file ?? '' };
        const iteration = f !== null ? 0 : this.needRun().iterations;
        const text = f !== null ? loadedFileText(f) : runFileText(this.needRun().run.result(), files, iteration);
        const model = f?.model ?? this.needRun().run.model;
        const configs = model.configs();
        const units = configs.flatMap((c) => (c.kind === 'dense' ? [String(c.units)] : c.kind === 'conv' ? [`c${c.filters}`] : []));
        const fileName = `tsgrad-${isNeuron({ layers: configs }) ? 'neuron' : `${configs.some((c) => c.kind === 'conv') ? 'cnn' : 'net'}-${units.join('-')}`}-${iteration}.json`;
        this.post({ type: 'model', id: msg.id, text, fileName, iteration });
        return;
      }
    }
  }
}
