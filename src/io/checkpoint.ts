/**
 * Checkpoints: a stopped run's exact state in the model file it saves (the `checkpoint`
 * field), so `tsgrad train --resume FILE` continues bit for bit: the trainer's counters, the
 * optimiser's moments, the dropout generator, and the step's own variables (the model's
 * parameters, or a reformulation's: the span step's coefficients) with one step back. The
 * data's fingerprint makes sure a resumed run trains on the same samples. Browser-safe.
 */
import { ArgumentError, ModelFileError, shown } from '../core/errors.js';
import type { RandomStateSnapshot } from '../core/rng.js';
import type { Dataset } from '../data/dataset.js';
import { checkLayerConfig } from '../nn/registry.js';
import type { OptimizerState } from '../optim/index.js';
import type { Tensor } from '../tensor/index.js';
import type { RunCheckpoint } from '../app/run.js';
import type { RunSettings } from '../app/settings.js';
import { ENGINE_NAMES, isEngineName, type CostRecord } from '../train/trainer.js';
import { restoreTensor, restoreTensors, storeTensor, storeTensors } from './tensor-codec.js';

/**
 * FNV-1a (32-bit) of a set's samples and labels, as 8 hex digits: enough to notice other data.
 * @example dataFingerprint(train) // 'c0ffee42'
 */
export function dataFingerprint(set: Pick<Dataset, 'x' | 'labels'>): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  };
  const x = set.x.contiguous().values();
  mix(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  mix(new Uint8Array(Float64Array.from(set.labels.values()).buffer));
  return (h >>> 0).toString(16).padStart(8, '0');
}

type Sets = { train: Dataset; test?: Dataset };

/** Each set's sample count and fingerprint. @example dataRecord({ train, test }) // { train: { samples: 209, fingerprint: '…' }, test: { … } } */
export function dataRecord(data: Sets): Record<string, unknown> {
  const one = (d: Dataset) => ({ samples: d.x.shape[0], fingerprint: dataFingerprint(d) });
  return { train: one(data.train), ...(data.test !== undefined ? { test: one(data.test) } : {}) };
}

/** Checks that `data` is the data a checkpoint was trained on. @example checkData('model.json', ck.data, { train, test }) */
export function checkData(file: string, stored: unknown, data: Sets): void {
  const now = dataRecord(data) as Record<string, Record<string, unknown> | undefined>;
  const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const was = record(stored);
  if (was === undefined) throw new ModelFileError(file, 'checkpoint.data', `expected {train: {samples, fingerprint}, test: ...}, got ${shown(stored)}`);
  const describe = (r: Record<string, unknown> | undefined): string => (r === undefined ? 'no such set' : `${String(r['samples'])} samples, fingerprint ${String(r['fingerprint'])}`);
  for (const set of ['train', 'test'] as const) {
    const a = was[set];
    const b = now[set];
    if (a === undefined && b === undefined) continue;
    const ra = record(a);
    if (a !== undefined && (ra === undefined || !Number.isSafeInteger(ra['samples']) || typeof ra['fingerprint'] !== 'string')) {
      throw new ModelFileError(file, `checkpoint.data.${set}`, `expected {samples: integer, fingerprint: string}, got ${shown(a)}`);
    }
    if (ra?.['samples'] !== b?.['samples'] || ra?.['fingerprint'] !== b?.['fingerprint']) {
      throw new ModelFileError(file, `checkpoint.data.${set}`, `the checkpoint was trained on other ${set} data (${describe(ra)}); this data has ${describe(b)}`);
    }
  }
}

/**
 * A run's checkpoint as stored in its model file (the costs so far are the file's `training.costs`).
 * @example storeCheckpoint(run.checkpoint(), { train, test })
 */
export function storeCheckpoint(c: RunCheckpoint, data: Sets): Record<string, unknown> {
  const t = c.trainer;
  const slots: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t.optimizer.slots)) slots[k] = v.map(storeTensor);
  return {
    settings: c.settings,
    engine: t.engine,
    epoch: t.epoch,
    batch: t.batch,
    iteration: t.iteration,
    epochTotal: t.epochTotal,
    optimizer: { name: t.optimizer.name, steps: t.optimizer.steps, learningRate: t.optimizer.learningRate, slots },
    dropoutRng: t.dropoutRng,
    step: storeTensors(t.step),
    ...(t.previous !== undefined ? { previous: storeTensors(t.previous) } : {}),
    data: dataRecord(data),
  };
}


/**
 * Whether a value read from a file has the shape of a run's settings (the values themselves
 * are checked by `resolveRun` before anything trains).
 * @example isRunSettings(JSON.parse(text).training.settings)
 */
export function isRunSettings(v: unknown): v is RunSettings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const numbers = ['seed', 'learningRate', 'epochs', 'shuffleSeed', 'dropoutSeed', 'l2', 'printEvery'];
  const strings = ['init', 'dtype', 'optimizer', 'loss', 'engine'];
  return Array.isArray(o['layers']) && numbers.every((k) => typeof o[k] === 'number') && strings.every((k) => typeof o[k] === 'string') && typeof o['printLast'] === 'boolean';
}

/**
 * A model file's checkpoint back, checked field by field.
 * @example const ck = restoreCheckpoint('model.json', loaded.checkpoint, loaded.training.costs); new TrainingRun(data, ck.settings, { resume: ck });
 */
export function restoreCheckpoint(file: string, c: Record<string, unknown>, records: readonly CostRecord[]): RunCheckpoint & { data: unknown } {
  const bad = (field: string, what: string): ModelFileError => new ModelFileError(file, `checkpoint.${field}`, `expected ${what}`);
  const settings = c['settings'];
  if (!isRunSettings(settings)) throw bad('settings', "the run's settings {layers, init, seed, optimizer, learningRate, epochs, ...}");
  try {
    settings.layers.forEach((l, i) => checkLayerConfig(l, `checkpoint.settings.layers[${i}]`));
  } catch (e) {
    if (e instanceof ArgumentError) throw new ModelFileError(file, e.argument, e.message.slice(e.op.length + e.argument.length + 4));
    throw e;
  }
  const engine = c['engine'];
  if (!isEngineName(engine)) throw bad('engine', ENGINE_NAMES.join(' or '));
  for (const k of ['epoch', 'batch', 'iteration'] as const) if (!Number.isSafeInteger(c[k]) || (c[k] as number) < 0) throw bad(k, 'an integer >= 0');
  if (typeof c['epochTotal'] !== 'number' || !Number.isFinite(c['epochTotal']) || c['epochTotal'] < 0) throw bad('epochTotal', 'a finite number >= 0');
  const o = c['optimizer'] as Record<string, unknown> | undefined;
  if (typeof o?.['name'] !== 'string' || !Number.isSafeInteger(o['steps']) || typeof o['learningRate'] !== 'number' || typeof o['slots'] !== 'object' || o['slots'] === null) {
    throw bad('optimizer', '{name, steps, learningRate, slots}');
  }
  if (o['name'] !== settings.optimizer) throw bad('optimizer.name', `${shown(settings.optimizer)}, the optimizer of checkpoint.settings, got ${shown(o['name'])}`);
  if ((o['steps'] as number) < 0) throw bad('optimizer.steps', 'an integer >= 0');
  if (!Number.isFinite(o['learningRate']) || o['learningRate'] <= 0) throw bad('optimizer.learningRate', 'a positive finite number');
  const slots: Record<string, Tensor[]> = {};
  for (const [k, v] of Object.entries(o['slots'] as Record<string, unknown>)) {
    if (!Array.isArray(v)) throw bad(`optimizer.slots.${k}`, 'a list of stored tensors');
    slots[k] = v.map((t, i) => restoreTensor(file, `checkpoint.optimizer.slots.${k}[${i}]`, t));
  }
  const rng = c['dropoutRng'] as RandomStateSnapshot | undefined;
  if (typeof rng !== 'object' || rng === null || !Array.isArray(rng.key) || rng.key.length !== 624) throw bad('dropoutRng', 'a generator state {key, pos, hasGauss, gauss}');
  if (!rng.key.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) throw bad('dropoutRng.key', '624 integers in 0..2**32-1');
  if (!Number.isInteger(rng.pos) || rng.pos < 0 || rng.pos > 624) throw bad('dropoutRng.pos', `an integer in 0..624, got ${shown(rng.pos)}`);
  if (typeof rng.hasGauss !== 'boolean' || typeof rng.gauss !== 'number' || !Number.isFinite(rng.gauss)) throw bad('dropoutRng', 'hasGauss a boolean and gauss a finite number');
  const previous = c['previous'] === undefined ? undefined : restoreTensors(file, 'checkpoint.previous', c['previous']);
  return {
    settings,
    trainer: {
      engine,
      epoch: c['epoch'] as number,
      batch: c['batch'] as number,
      iteration: c['iteration'] as number,
      epochTotal: c['epochTotal'],
      records: [...records],
      optimizer: { name: o['name'] as OptimizerState['name'], steps: o['steps'] as number, learningRate: o['learningRate'], slots },
      dropoutRng: rng,
      step: restoreTensors(file, 'checkpoint.step', c['step']),
      ...(previous !== undefined ? { previous } : {}),
    },
    data: c['data'],
  };
}
