/**
 * Landscape losses on several cores (Node): worker threads that each load the model file and
 * the data once, take θ₀ and the directions from the main thread, then evaluate batches of
 * jobs. Every worker computes a job exactly as the main thread would (`evaluateJob`), so the
 * numbers do not depend on the worker count.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FloatDType } from '../core/dtype.js';
import { InternalError } from '../core/errors.js';
import type { BinaryLoss } from '../nn/loss.js';
import type { Tensor } from '../tensor/index.js';
import { localEvaluator, type JobContext, type LandscapeJob, type LossEvaluator, type LossSet } from './landscape.js';

/** A tensor as sent to a worker. */
export interface SentTensor {
  values: Float64Array | Float32Array;
  shape: number[];
  dtype: FloatDType;
}

/** The model file (each worker loads it) and the sets as the main thread prepared them (copied to each worker: any data format, any split). */
export interface PoolSource {
  modelFile: string;
  train: LossSet;
  test: LossSet;
}

/** What a worker needs to rebuild the main thread's context. */
export interface PoolSetup {
  modelFile: string;
  train: { x: SentTensor; labels: SentTensor };
  test: { x: SentTensor; labels: SentTensor };
  loss: BinaryLoss;
  initial: SentTensor[];
  delta: SentTensor[];
  eta: SentTensor[];
}

const WORKER = new URL('./landscape-worker.js', import.meta.url);

/** The number of cores this process may use (Node's availableParallelism). @example defaultWorkers() // 2 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Whether the compiled worker script is there (it is not when running the TypeScript sources directly). @example workersAvailable() // true from dist/ */
export function workersAvailable(): boolean {
  return WORKER.protocol === 'file:' && existsSync(fileURLToPath(WORKER));
}

function send(t: Tensor): SentTensor {
  const v = t.values();
  return { values: v instanceof Float32Array ? Float32Array.from(v) : Float64Array.from(v), shape: [...t.shape], dtype: t.dtype === 'float32' ? 'float32' : 'float64' };
}

/** Jobs per message: enough to amortise messaging, few enough to balance the load and move the progress bar. */
const BATCH = 4;

/** Below this much estimated work (ms), starting workers (each loads the model and data) does not pay. */
const WORTH_MS = 3000;

type Batch = { start: number; jobs: LandscapeJob[] };

/**
 * An evaluator on `workers` threads. Unless `always`, it times the first few jobs here and
 * starts workers only when the rest would take more than a few seconds. It stays on this
 * thread for 1 worker or when the compiled worker script is missing.
 * @example await computeLandscape(trained, train, test, opts, workerEvaluator({ modelFile, trainFile, testFile }, 2));
 */
export function workerEvaluator(source: PoolSource, workers = defaultWorkers(), always = false): LossEvaluator {
  if (workers <= 1 || !workersAvailable()) return localEvaluator;
  return {
    async evaluate(jobs: readonly LandscapeJob[], context: JobContext, onDone: (count: number) => void): Promise<number[]> {
      const probe = Math.min(jobs.length, 4);
      const t0 = performance.now();
      const first = await localEvaluator.evaluate(jobs.slice(0, probe), context, onDone);
      const perJob = (performance.now() - t0) / Math.max(1, probe);
      const rest = jobs.slice(probe);
      if (!always && perJob * rest.length < WORTH_MS) return [...first, ...(await localEvaluator.evaluate(rest, context, onDone))];
      const setup: PoolSetup = {
        modelFile: source.modelFile,
        train: { x: send(source.train.x), labels: send(source.train.labels) },
        test: { x: send(source.test.x), labels: send(source.test.labels) },
        loss: context.loss, initial: context.initial.map(send), delta: context.delta.map(send), eta: context.eta.map(send) };
      const out = new Array<number>(rest.length);
      const batches: Batch[] = [];
      for (let i = 0; i < rest.length; i += BATCH) batches.push({ start: i, jobs: rest.slice(i, i + BATCH) });
      const pool = Array.from({ length: Math.min(workers, batches.length) }, () => new Worker(WORKER, { workerData: setup }));
      try {
        await Promise.all(pool.map((w) => run(w, batches, out, onDone)));
      } finally {
        await Promise.all(pool.map((w) => w.terminate()));
      }
      return [...first, ...out];
    },
  };
}

/** One worker: wait until it is ready, then take batches until none are left. */
function run(worker: Worker, batches: Batch[], out: number[], onDone: (count: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let current: Batch | undefined;
    const next = (): void => {
      current = batches.shift();
      if (current === undefined) resolve();
      else worker.postMessage({ id: current.start, jobs: current.jobs });
    };
    worker.on('message', (msg: { ready?: true; error?: string; id?: number; losses?: number[] }) => {
      if (msg.error !== undefined) return reject(new InternalError(`landscape worker: ${msg.error}`));
      if (msg.ready) return next();
      const done = current;
      if (done !== undefined && msg.losses !== undefined) {
        msg.losses.forEach((v, k) => (out[done.start + k] = v));
        onDone(msg.losses.length);
      }
      next();
    });
    worker.on('error', (e) => reject(new InternalError(`landscape worker: ${e.message}`)));
    worker.on('exit', (code) => {
      if (current !== undefined || batches.length > 0) reject(new InternalError(`landscape worker stopped (exit ${code}) with work left`));
    });
  });
}
