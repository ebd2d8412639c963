/**
 * A worker thread of the landscape pool (./landscape-pool.ts, Node): loads the model file,
 * takes the prepared sets, θ₀ and the directions from the main thread, and evaluates the jobs
 * it is sent with the same `evaluateJob` as the main thread, so results are identical.
 */
import { parentPort, workerData } from 'node:worker_threads';
// A worker is a Node entry point of its own: the same kernel backend as the main thread
// (TSGRAD_BACKEND is inherited), so both compute the same bits.
import '../kernels/blas-node.js';
import { loadModelFile } from '../io/files.js';
import { Tensor } from '../tensor/index.js';
import { evaluateJob, type JobContext, type LandscapeJob, type LossSet } from './landscape.js';
import type { PoolSetup, SentTensor } from './landscape-pool.js';

const tensorOf = (t: SentTensor): Tensor => new Tensor(t.values, t.shape, t.dtype);

async function setUp(setup: PoolSetup): Promise<JobContext> {
  const loaded = await loadModelFile(setup.modelFile);
  const set = (s: PoolSetup['train']): LossSet => ({ x: tensorOf(s.x), labels: tensorOf(s.labels) });
  return {
    model: loaded.model,
    loss: setup.loss,
    train: set(setup.train),
    test: set(setup.test),
    theta: loaded.model.parameters().map((p) => p.value),
    initial: setup.initial.map(tensorOf),
    delta: setup.delta.map(tensorOf),
    eta: setup.eta.map(tensorOf),
  };
}

const port = parentPort;
if (port !== null) {
  const ready = setUp(workerData as PoolSetup);
  ready.then(
    () => port.postMessage({ ready: true }),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
  port.on('message', (msg: { id: number; jobs: LandscapeJob[] }) => {
    void ready.then((context) => {
      try {
        port.postMessage({ id: msg.id, losses: msg.jobs.map((j) => evaluateJob(context, j)) });
      } catch (e) {
        port.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}
