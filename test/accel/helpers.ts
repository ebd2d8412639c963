/**
 * Shared by the span-step tests: small random image sets (more features than samples, as
 * the span steps want), the models they train, and a Trainer run that returns its records
 * and the model's parameters.
 */
import fc from 'fast-check';
import type { FastBackend } from '../../src/accel/samples.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import type { Sequential } from '../../src/nn/sequential.js';
import type { Optimizer } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { Trainer, type CostRecord, type StepStrategy, type TrainerOptions, type TrainerState } from '../../src/train/trainer.js';
import { prng } from '../kernels/layout.js';

export const BACKENDS: FastBackend[] = ['wasm', 'js'];

/** m random uint8 images (m, h, w, 3) and labels (m,) of `classes` classes. */
export interface ImageSet {
  x: Tensor;
  labels: Tensor;
}

export const imagesArb = fc.record({
  m: fc.integer({ min: 1, max: 12 }),
  h: fc.integer({ min: 1, max: 4 }),
  w: fc.integer({ min: 1, max: 4 }),
  seed: fc.nat(),
});

export function images({ m, h, w, seed }: { m: number; h: number; w: number; seed: number }, classes = 2): ImageSet {
  const rand = prng(seed);
  const x = new Tensor(Uint8Array.from({ length: m * h * w * 3 }, () => Math.floor(rand() * 256)), [m, h, w, 3], 'uint8');
  const labels = new Tensor(Float64Array.from({ length: m }, (_, j) => (j < classes ? j : Math.floor(rand() * classes))), [m], 'float64');
  return { x, labels };
}

/** A model for items of the set's shape from an `--arch` text after the flatten. */
export function modelFor(set: ImageSet, arch: string, seed = 1, dtype: 'float64' | 'float32' = 'float64', init: 'zeros' | 'he' = 'zeros'): Sequential {
  return buildModel(set.x.shape.slice(1), parseArch(`flatten,${arch}`), { init: { kind: init }, seed, dtype });
}

/** What a run ends with: its records and its parameters' values. */
export interface Ran {
  records: CostRecord[];
  params: Float64Array[];
  dtypes: string[];
}

/** Trains `step` to the end and reads the model's parameters. */
export function trainWith(model: Sequential, step: StepStrategy, optimizer: Optimizer, m: number, opts: TrainerOptions): Ran {
  const t = new Trainer(step, optimizer, m, opts);
  t.advance();
  const r = t.result();
  const params = model.parameters();
  return { records: r.records, params: params.map((p) => Float64Array.from(p.value.values())), dtypes: params.map((p) => p.value.dtype) };
}

/**
 * Trains with a fresh trainer made from the last one's state after every update (`make`
 * builds one, from a state or fresh) and returns how many times it was remade, the trainer
 * at the end having made the model's parameters current.
 */
export function resumedAfterEveryUpdate(make: (resume?: TrainerState) => Trainer): { trainer: Trainer; slices: number } {
  let trainer = make();
  let slices = 0;
  while (!trainer.advance(() => true)) {
    trainer = make(trainer.state());
    slices++;
  }
  trainer.result();
  return { trainer, slices };
}
