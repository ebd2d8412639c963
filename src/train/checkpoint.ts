/**
 * Checkpoints: a stopped training run's exact state, stored in the model file it saves (the
 * `checkpoint` field), so `tsgrad train --resume FILE` continues bit for bit. Numbers are
 * stored exactly (tensors as base64 of their bytes, scalars as shortest round-trip JSON
 * numbers); the data's fingerprint makes sure a resumed run trains on the same samples.
 * docs/model-format.md lists the fields.
 */
import type { FloatDType } from '../core/dtype.js';
import { ModelFileError } from '../core/errors.js';
import type { LabelledImages } from '../data/dataset.js';
import type { CostRecord } from '../nn/logistic.js';
import { Tensor } from '../tensor/index.js';
import type { CatData } from './dataset.js';
import { readModelDocument, restoreTensor, storeTensor } from './model-file.js';
import type { SingleNeuronCheckpoint, SingleNeuronEngine, SingleNeuronSettings } from './single-neuron.js';

/**
 * FNV-1a (32-bit) of a set's pixels and labels, as 8 hex digits: enough to notice other data.
 * @example dataFingerprint(data.train) // 'c0ffee42'
 */
export function dataFingerprint(set: LabelledImages): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  };
  const x = set.x.values();
  mix(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  mix(new Uint8Array(Float64Array.from(set.y.values()).buffer));
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The data part of a checkpoint: each set's sample count and fingerprint. @example dataRecord(data) // { train: { samples: 209, fingerprint: '…' }, test: { … } } */
export function dataRecord(data: CatData): Record<string, unknown> {
  return {
    train: { samples: data.train.x.shape[0], fingerprint: dataFingerprint(data.train) },
    test: { samples: data.test.x.shape[0], fingerprint: dataFingerprint(data.test) },
  };
}

/** Checks that `data` is the data a checkpoint was trained on. @example checkData('model.json', ck.data, data) // ModelFileError when it is not */
export function checkData(file: string, stored: unknown, data: CatData): void {
  const now = dataRecord(data) as Record<string, Record<string, unknown>>;
  const was = (stored ?? {}) as Record<string, Record<string, unknown> | undefined>;
  for (const set of ['train', 'test'] as const) {
    const a = was[set];
    const b = now[set] as Record<string, unknown>;
    if (a?.['samples'] !== b['samples'] || a?.['fingerprint'] !== b['fingerprint']) {
      throw new ModelFileError(file, `checkpoint.data.${set}`, `the checkpoint was trained on other ${set} data (${String(a?.['samples'])} samples, fingerprint ${String(a?.['fingerprint'])}); this data has ${String(b['samples'])} samples, fingerprint ${String(b['fingerprint'])}`);
    }
  }
}

const f64 = (v: Float64Array): Tensor => new Tensor(v, [v.length], 'float64');

/** A single neuron's checkpoint as stored in its model file. @example storeSingleNeuronCheckpoint(run.checkpoint(), data) // { engine: 'fast', iteration: 1234, b, c, … } */
export function storeSingleNeuronCheckpoint(c: SingleNeuronCheckpoint, data: CatData): Record<string, unknown> {
  const p = c.previous;
  return {
    engine: c.engine,
    iteration: c.iteration,
    b: c.b,
    ...(c.w !== undefined ? { w: storeTensor(c.w) } : {}),
    ...(c.c !== undefined ? { c: storeTensor(f64(c.c)) } : {}),
    ...(p !== undefined
      ? { previous: { b: p.b, ...(p.w !== undefined ? { w: storeTensor(p.w) } : {}), ...(p.c !== undefined ? { c: storeTensor(f64(p.c)) } : {}) } }
      : {}),
    data: dataRecord(data),
  };
}

function finite(file: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ModelFileError(file, field, `expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function integer(file: string, field: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ModelFileError(file, field, `expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function vector(file: string, field: string, v: unknown): Float64Array {
  const t = restoreTensor(file, field, v);
  if (t.ndim !== 1 || t.dtype !== 'float64') throw new ModelFileError(file, field, 'expected a float64 vector');
  return t.values() as Float64Array;
}

/** What a checkpoint file holds for resuming: the model type, its settings and its state. */
export type LoadedCheckpoint = (
  | { type: 'logistic'; settings: SingleNeuronSettings; checkpoint: SingleNeuronCheckpoint }
  | { type: 'mlp'; doc: Record<string, unknown>; checkpoint: Record<string, unknown> }
) & {
  file: string;
  /** The data's record (sample counts, fingerprints), checked by `checkData`. */
  data: unknown;
  /** The data files the run was trained on (`training.trainFile`/`testFile`), if recorded. */
  dataFiles?: { train: string; test: string };
};

function dataFilesOf(doc: Record<string, unknown>): { dataFiles?: { train: string; test: string } } {
  const t = doc['training'] as Record<string, unknown> | undefined;
  const train = t?.['trainFile'];
  const test = t?.['testFile'];
  return typeof train === 'string' && typeof test === 'string' ? { dataFiles: { train, test } } : {};
}

/**
 * Reads a model file written when training was stopped, with its `checkpoint` field.
 * @example const ck = await loadCheckpoint('model.json'); // { type: 'logistic', settings, checkpoint }
 */
export async function loadCheckpoint(file: string): Promise<LoadedCheckpoint> {
  return checkpointFromDocument(file, (await readModelDocument(file)) as Record<string, unknown>);
}

/**
 * A parsed model document's checkpoint, checked field by field (`loadCheckpoint` without the file reading).
 * @example checkpointFromDocument('model.json', parseModelDocument('model.json', text))
 */
export function checkpointFromDocument(file: string, doc: Record<string, unknown>): LoadedCheckpoint {
  const ck = doc['checkpoint'];
  if (typeof ck !== 'object' || ck === null) {
    throw new ModelFileError(file, 'checkpoint', 'no checkpoint in this model file: it was not saved by a stopped run (it finished, or diverged)');
  }
  const c = ck as Record<string, unknown>;
  const type = (doc['model'] as Record<string, unknown> | undefined)?.['type'];
  if (type === 'mlp') return { type, file, doc, checkpoint: c, data: c['data'], ...dataFilesOf(doc) };
  if (type !== 'logistic') throw new ModelFileError(file, 'model.type', `expected "logistic" or "mlp", got ${JSON.stringify(type)}`);
  const t = (doc['training'] ?? {}) as Record<string, unknown>;
  const engine = c['engine'];
  if (engine !== 'plain' && engine !== 'fast' && engine !== 'autodiff') throw new ModelFileError(file, 'checkpoint.engine', `expected plain, fast or autodiff, got ${JSON.stringify(engine)}`);
  const dtype = doc['dtype'];
  if (dtype !== 'float64' && dtype !== 'float32') throw new ModelFileError(file, 'dtype', `expected float64 or float32, got ${JSON.stringify(dtype)}`);
  const settings: SingleNeuronSettings = {
    engine: engine as SingleNeuronEngine,
    iterations: integer(file, 'training.iterations', t['iterations'], 1),
    learningRate: finite(file, 'training.learningRate', t['learningRate']),
    printEvery: integer(file, 'training.printEvery', t['printEvery'], 1),
    dtype: dtype as FloatDType,
  };
  const costs = t['costs'];
  if (!Array.isArray(costs) || !costs.every((r: unknown) => typeof (r as CostRecord | null)?.iteration === 'number' && typeof (r as CostRecord).cost === 'number')) {
    throw new ModelFileError(file, 'training.costs', 'expected a list of {iteration, cost}');
  }
  const prev = c['previous'] as Record<string, unknown> | undefined;
  if (prev !== undefined && (typeof prev !== 'object' || prev === null || Array.isArray(prev))) {
    throw new ModelFileError(file, 'checkpoint.previous', 'expected an object {b, w or c}');
  }
  const checkpoint: SingleNeuronCheckpoint = {
    engine: engine as SingleNeuronEngine,
    iteration: integer(file, 'checkpoint.iteration', c['iteration'], 0),
    b: finite(file, 'checkpoint.b', c['b']),
    ...(c['w'] !== undefined ? { w: restoreTensor(file, 'checkpoint.w', c['w']) } : {}),
    ...(c['c'] !== undefined ? { c: vector(file, 'checkpoint.c', c['c']) } : {}),
    ...(prev !== undefined
      ? {
          previous: {
            b: finite(file, 'checkpoint.previous.b', prev['b']),
            ...(prev['w'] !== undefined ? { w: restoreTensor(file, 'checkpoint.previous.w', prev['w']) } : {}),
            ...(prev['c'] !== undefined ? { c: vector(file, 'checkpoint.previous.c', prev['c']) } : {}),
          },
        }
      : {}),
    costs: (costs as CostRecord[]).map((r) => ({ iteration: r.iteration, cost: r.cost })),
  };
  return { type: 'logistic', file, settings, checkpoint, data: c['data'], ...dataFilesOf(doc) };
}
