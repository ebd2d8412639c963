/** Messages between the page (web/src/main.ts) and the training worker (web/src/worker.ts). */

/** A file's name and bytes, as picked, dropped or fetched. */
export interface NamedBytes {
  name: string;
  bytes: ArrayBuffer;
}

export interface TrainSettings {
  learningRate: number;
  iterations: number;
  /** Iterations per frame (about 30 frames a second); Infinity runs flat out. */
  speed: number;
}

export type ToWorker =
  | { type: 'load'; train: NamedBytes; test: NamedBytes }
  | { type: 'train'; settings: TrainSettings }
  | { type: 'pause' }
  | { type: 'reset'; settings: TrainSettings }
  | { type: 'predict'; id: number; pixels: Uint8Array }
  | { type: 'setParameters'; w: Float64Array; b: number }
  | { type: 'getModel'; id: number }
  | { type: 'landscape'; id: number };

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
  w: Float64Array;
  b: number;
}

export type Status = 'no-data' | 'ready' | 'training' | 'paused' | 'done';

export type FromWorker =
  | { type: 'loaded'; trainName: string; testName: string; trainCount: number; classes: string[]; test: TestImages; inputShape: number[] }
  | { type: 'progress'; progress: Progress }
  | { type: 'status'; status: Status }
  | { type: 'prediction'; id: number; probability: number }
  | { type: 'model'; id: number; w: Float64Array; b: number; iteration: number; learningRate: number; costs: { iteration: number; cost: number }[]; trainAccuracy: number | null; testAccuracy: number | null }
  | { type: 'landscape'; id: number; iteration: number; alpha: number[]; train: number[]; test: number[] }
  | { type: 'error'; message: string; source: ToWorker['type'] };
