/** Messages between the page (web/src/main.ts) and the training worker (web/src/worker.ts). */
import type { RunSettings } from '../../src/app/settings.js';
import type { EngineChoice } from '../../src/app/steps.js';

/** A file's name and bytes, as picked, dropped or fetched. @example { name: 'train_catvnoncat.h5', bytes: await file.arrayBuffer() } */
export interface NamedBytes {
  name: string;
  bytes: ArrayBuffer;
}

/**
 * Which model trains, as the app layer's settings: the single neuron is `NEURON`'s layers,
 * initialiser, seed, optimiser and engine; a deep network or a CNN the page's choices, with
 * mini-batches of `batchSize` samples when it is set (full batches otherwise).
 * @example const m: ModelSettings = { layers: mlpLayers([7, 1]), init: 'scaled:0.01', seed: 1, optimizer: 'gd', engine: 'auto' };
 */
export type ModelSettings = Pick<RunSettings, 'layers' | 'init' | 'seed' | 'optimizer' | 'engine' | 'batchSize'>;

/** What Train runs. @example { learningRate: 0.005, iterations: 2000, speed: 10, model: NEURON_MODEL } */
export interface TrainSettings {
  learningRate: number;
  /** Where the run stops: iterations with full batches, epochs with mini-batches (`RunSettings.epochs`). */
  iterations: number;
  /** Iterations (or epochs) per frame (about 30 frames a second); Infinity runs flat out. */
  speed: number;
  model: ModelSettings;
}

/** What a run counts: updates with full batches, passes over the data with mini-batches. */
export type RunUnit = 'iteration' | 'epoch';

/** An RGBA picture for a canvas's ImageData (row-major, 4 bytes a pixel). @example ctx.putImageData(new ImageData(p.data, p.width, p.height), 0, 0) */
export interface Picture {
  width: number;
  height: number;
  data: Uint8ClampedArray<ArrayBuffer>;
}

/** One layer's feature maps for the inspected test image. @example { layer: 1, kind: 'conv', shape: [64, 64, 8], picture } */
export interface LayerPicture {
  /** 1-based position in the model's layers. */
  layer: number;
  kind: string;
  /** The output without the batch axis, (H, W, C). */
  shape: number[];
  picture: Picture;
}

/** What a CNN shows of itself: the first layer's filters and every (H, W, C) layer output of one test image. */
export interface NetworkPictures {
  /** Where the run stood, in its unit. */
  iteration: number;
  /** The test image whose feature maps these are. */
  image: number;
  filters: { picture: Picture; parameter: string; count: number; shape: number[] } | null;
  layers: LayerPicture[];
}

/** The page's requests. @example worker.postMessage({ type: 'train', settings }) */
export type ToWorker =
  | { type: 'load'; train: NamedBytes; test: NamedBytes }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'reset'; settings: TrainSettings }
  | { type: 'predict'; id: number; pixels: Uint8Array }
  /** Which test image the feature maps show. */
  | { type: 'inspect'; image: number }
  | { type: 'loadModel'; id: number; name: string; text: string }
  | { type: 'getModel'; id: number }
  | { type: 'landscape'; id: number; grid: number }
  /** Stops the landscape request `id` between two of its losses. */
  | { type: 'cancelLandscape'; id: number };

/** The test images for the grid: their pixels (m, h, w, c), c = 3 (RGB) or 1 (grey), and labels. @example buildGrid(ui.grid, msg.test) */
export interface TestImages {
  pixels: Uint8Array;
  m: number;
  height: number;
  width: number;
  channels: number;
  labels: Float64Array;
}

/** A recorded cost: the train cost of the parameters before update `iteration`, and the test cost where measured (NaN otherwise). @example { iteration: 100, cost: 0.584508, testCost: NaN } */
export interface RecordedCost {
  iteration: number;
  cost: number;
  testCost: number;
}

/** The readout after a frame. @example ui.cost.textContent = progress.cost.toFixed(6) */
export interface Progress {
  /** Where the run stands, in `unit`s, and where it stops. */
  iteration: number;
  target: number;
  unit: RunUnit;
  /** Updates per `unit`: 1, or the batches of an epoch. */
  updatesPer: number;
  cost: number;
  testCost: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** P(class) of each test image, one row of `classes` numbers per image. */
  testProbabilities: Float64Array;
  /** Newly recorded costs since the last report (all of them after a reset). */
  costs: RecordedCost[];
  /** True when `costs` replaces the curve instead of extending it. */
  restart: boolean;
  /** The weight pictures: the first dense layer's rows, one per unit (the neuron's w is one); no units when the first layer is not dense. */
  weights: { values: Float64Array; units: number };
  /** The step that trains, and why it is not the one asked for; null for a model file not trained here. */
  engine: EngineChoice | null;
  /** Seconds per update so far (0 before the first). */
  secondsPerUpdate: number;
}

/** Where training stands. @example setStatus('paused') */
export type Status = 'no-data' | 'ready' | 'training' | 'paused' | 'done';

/** What a model file held, for the page's settings and messages. @example showLoadedModel(reply.info) */
export interface LoadedModelInfo {
  description: string;
  dtype: 'float64' | 'float32';
  inputShape: number[];
  classes: string[];
  /** The file's settings, shown in the controls. */
  model: ModelSettings;
  learningRate: number | null;
}

/** The 2-D loss landscape of `tsgrad landscape` (train set), with the trained point's losses. @example drawSurface(canvas, reply.surface) */
export interface Surface {
  x: number[];
  y: number[];
  /** train[i][j] at (x[j], y[i]). */
  train: number[][];
  trained: { train: number; test: number | null };
}

/** The worker's answers. @example worker.addEventListener('message', (e: MessageEvent<FromWorker>) => handle(e.data)) */
export type FromWorker =
  | { type: 'loaded'; trainName: string; testName: string; trainCount: number; classes: string[]; test: TestImages; inputShape: number[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'status'; status: Status }
  /** A photo's probabilities and its saliency figure as `tsgrad saliency` draws it (the photo, the map, the map over the photo, a colour bar). */
  | { type: 'prediction'; id: number; probabilities: number[]; saliency: Picture }
  /** A CNN's filters and feature maps (null: the shown model has no (H, W, C) layers). */
  | { type: 'pictures'; pictures: NetworkPictures | null }
  | { type: 'modelLoaded'; id: number; info: LoadedModelInfo }
  | { type: 'model'; id: number; text: string; fileName: string; iteration: number }
  | { type: 'line'; id: number; iteration: number; alpha: number[]; train: number[]; test: number[] }
  | { type: 'landscapeProgress'; id: number; done: number; total: number }
  | { type: 'surface'; id: number; iteration: number; surface: Surface }
  | { type: 'error'; message: string; source: ToWorker['type']; id?: number };
