/** Messages between the page (web/src/main.ts) and the training worker (web/src/worker.ts). */
import type { OptimizerName } from '../../src/optim/index.js';
import type { MlpEngine } from '../../src/train/fit-gram.js';

/** A file's name and bytes, as picked, dropped or fetched. */
export interface NamedBytes {
  name: string;
  bytes: ArrayBuffer;
}

/** Which model trains: the single neuron (from zeros, gradient descent) or a deep network. */
export interface ModelSettings {
  kind: 'logistic' | 'mlp';
  /** mlp: [n_x, ..., 1]. */
  layers: number[];
  /** mlp: an initialiser name (zeros, scaled:K, xavier, he, course). */
  init: string;
  optimizer: OptimizerName;
  seed: number;
  /** mlp: `fast` (the CLI's default, gd and momentum) or `plain`. */
  engine: MlpEngine;
}

export interface TrainSettings {
  learningRate: number;
  iterations: number;
  /** Iterations per frame (about 30 frames a second); Infinity runs flat out. */
  speed: number;
  model: ModelSettings;
}

export type ToWorker =
  | { type: 'load'; train: NamedBytes; test: NamedBytes }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'reset'; settings: TrainSettings }
  | { type: 'predict'; id: number; pixels: Uint8Array }
  | { type: 'loadModel'; id: number; name: string; text: string }
  | { type: 'getModel'; id: number }
  | { type: 'landscape'; id: number; grid: number };

/** A test image for the grid: its pixels (h, w, 3) and label. */
export interface TestImages {
  pixels: Uint8Array;
  m: number;
  height: number;
  width: number;
  labels: Float64Array;
}

export interface Progress {
  iteration: number;
  target: number;
  cost: number;
  testCost: number;
  trainAccuracy: number;
  testAccuracy: number;
  testProbabilities: Float64Array;
  /** Newly recorded costs since the last report (all of them after a reset). */
  costs: { iteration: number; cost: number; testCost: number }[];
  /** True when `costs` replaces the curve instead of extending it. */
  restart: boolean;
  /** The weight pictures: the neuron's w (1 unit), or the first layer's rows (one per hidden unit). */
  weights: { values: Float64Array; units: number };
  /** A deep network's engine, and why it is not the one asked for. */
  engine: { engine: 'fast' | 'plain'; note?: string } | null;
}

export type Status = 'no-data' | 'ready' | 'training' | 'paused' | 'done';

/** What a model file held, for the page's settings and messages. */
export interface LoadedModelInfo {
  kind: 'logistic' | 'mlp';
  description: string;
  dtype: 'float64' | 'float32';
  inputShape: number[];
  classes: string[];
  /** The file's settings, shown in the controls (mlp: layers, init, seed, optimiser). */
  model: ModelSettings;
  learningRate: number | null;
}

/** The 2-D loss landscape of `tsgrad landscape` (train set), with the trained point's losses. */
export interface Surface {
  x: number[];
  y: number[];
  /** train[i][j] at (x[j], y[i]). */
  train: number[][];
  trained: { train: number; test: number | null };
}

export type FromWorker =
  | { type: 'loaded'; trainName: string; testName: string; trainCount: number; classes: string[]; test: TestImages; inputShape: number[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'status'; status: Status }
  | { type: 'prediction'; id: number; probability: number }
  | { type: 'modelLoaded'; id: number; info: LoadedModelInfo }
  | { type: 'model'; id: number; text: string; fileName: string; iteration: number }
  | { type: 'line'; id: number; iteration: number; alpha: number[]; train: number[]; test: number[] }
  | { type: 'landscapeProgress'; id: number; done: number; total: number }
  | { type: 'surface'; id: number; iteration: number; surface: Surface }
  | { type: 'error'; message: string; source: ToWorker['type']; id?: number };
