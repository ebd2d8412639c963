/**
 * A worker thread of the landscape pool (./landscape-pool.ts): loads the model file and the
 * data itself, takes the random directions from the main thread, and evaluates the jobs it
 * is sent with the same `evaluateJob` as the main thread, so results are identical.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Tensor } from '../tensor/index.js';
import { evaluateJob, type JobContext, type LandscapeJob } from './landscape.js';
import { loadLossModel } from './load-loss-model.js';
import { trainedValues } from './loss-model.js';
import { loadDataForModel } from './model-data.js';
import type { PoolSetup, SentTensor } from './landscape-pool.js';

function tensorOf(t: SentTensor): Tensor {
  return new Tensor(t.dtype === 'float64' ? Float64Array.from(t.values) : Float32Array.from(t.values), t.shape, t.dtype);
}

async function setUp(setup: PoolSetup): Promise<JobContext> {
  const model = await loadLossModel(setup.modelFile);
  const data = await loadDataForModel(model, { train: setup.trainFile, test: setup.testFile });
  if (model.initial === null) throw new Error(`${setup.modelFile}: no initial parameters`);
  return {
    model,
    train: { X: data.trainX, Y: data.trainY },
    test: { X: data.testX, Y: data.testY },
    theta: trainedValues(model),
    initial: model.initial,
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
