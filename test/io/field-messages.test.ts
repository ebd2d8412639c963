/**
 * Model-file and checkpoint refusals name the file and the field, and never say "undefined":
 * a missing field is said in words, sizes too large to allocate are a ModelFileError (not a
 * RangeError from a typed array), a checkpoint's data record and generator state are checked.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError, shown } from '../../src/core/errors.js';
import { checkData, restoreCheckpoint } from '../../src/io/checkpoint.js';
import { modelDocument, modelFromDocument } from '../../src/io/model-file.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { parseInitializer } from '../../src/nn/init.js';
import { fromArray } from '../../src/tensor/index.js';

const F = 'm.json';
const doc = (): Record<string, unknown> => {
  const model = buildModel([2, 2, 3], parseArch('flatten,dense:1,sigmoid'), { init: parseInitializer('zeros'), seed: 1 });
  return JSON.parse(JSON.stringify(modelDocument({ model, classes: ['a', 'b'], preprocessing: PIXELS, training: { costs: [] } }))) as Record<string, unknown>;
};

function refusal(f: () => unknown): ModelFileError {
  let e: unknown;
  try {
    f();
  } catch (err) {
    e = err;
  }
  expect(e).toBeInstanceOf(ModelFileError);
  expect((e as Error).message).not.toContain('undefined');
  expect((e as Error).message.startsWith(`${F}: `)).toBe(true);
  return e as ModelFileError;
}

describe('shown', () => {
  it('says a missing value in words and cuts long ones', () => {
    expect(shown(undefined)).toBe('nothing (the field is missing)');
    expect(shown(null)).toBe('null');
    expect(shown('x')).toBe('"x"');
    expect(shown(10n)).toBe('10');
    expect(shown('y'.repeat(100))).toBe(`"${'y'.repeat(56)}...`);
  });
});

describe('model file fields', () => {
  it('a missing or non-object model, a missing preprocessing', () => {
    const d = doc();
    delete d['model'];
    expect(refusal(() => modelFromDocument(F, d)).message).toBe('m.json: model: expected an object {inputShape, layers}, got nothing (the field is missing)');
    const p = doc();
    delete p['preprocessing'];
    expect(refusal(() => modelFromDocument(F, p)).message).toBe('m.json: preprocessing.scale: expected a positive number, got nothing (the field is missing)');
  });

  it('an input shape or layer too large to allocate', () => {
    const d = doc();
    (d['model'] as Record<string, unknown>)['inputShape'] = [100000, 100000, 3];
    const e = refusal(() => modelFromDocument(F, d));
    expect([e.field, e.message]).toEqual(['model', 'm.json: model: the layers for input [100000,100000,3] are too large to build (Invalid typed array length: 30000000000)']);
  });
});

describe('checkpoint fields', () => {
  const x = fromArray([0, 1, 2, 3], [2, 2], 'float64');
  const data = { train: { x, labels: fromArray([0, 1], [2], 'float64'), classes: ['a', 'b'] } } as never;

  it('a missing or malformed data record', () => {
    expect(refusal(() => checkData(F, undefined, data)).message).toBe('m.json: checkpoint.data: expected {train: {samples, fingerprint}, test: ...}, got nothing (the field is missing)');
    expect(refusal(() => checkData(F, { train: 5 }, data)).message).toBe('m.json: checkpoint.data.train: expected {samples: integer, fingerprint: string}, got 5');
    expect(refusal(() => checkData(F, { train: { samples: 3, fingerprint: 'abcd0123' } }, data)).message).toMatch(/^m\.json: checkpoint\.data\.train: the checkpoint was trained on other train data \(3 samples, fingerprint abcd0123\); this data has 2 samples, fingerprint [0-9a-f]{8}$/);
  });

  it('the dropout generator and the optimizer are checked field by field', () => {
    const settings = { layers: parseArch('flatten,dense:1,sigmoid'), init: 'zeros', seed: 1, dtype: 'float64', optimizer: 'gd', learningRate: 0.1, epochs: 5, shuffleSeed: 10, dropoutSeed: 1, l2: 0, loss: 'course', printEvery: 1, printLast: false, engine: 'autodiff' };
    const base = { settings, engine: 'autodiff', epoch: 1, batch: 0, iteration: 1, epochTotal: 1, optimizer: { name: 'gd', steps: 1, learningRate: 0.1, slots: {} }, dropoutRng: { key: Array(624).fill(1), pos: 624, hasGauss: false, gauss: 0 }, step: {} };
    expect(refusal(() => restoreCheckpoint(F, { ...base, dropoutRng: { ...base.dropoutRng, pos: null } }, [])).message).toBe('m.json: checkpoint.dropoutRng.pos: expected an integer in 0..624, got null');
    expect(refusal(() => restoreCheckpoint(F, { ...base, optimizer: { ...base.optimizer, name: 'adam' } }, [])).message).toBe('m.json: checkpoint.optimizer.name: expected "gd", the optimizer of checkpoint.settings, got "adam"');
    expect(refusal(() => restoreCheckpoint(F, { ...base, optimizer: { ...base.optimizer, learningRate: -1 } }, [])).message).toBe('m.json: checkpoint.optimizer.learningRate: expected a positive finite number');
    expect(refusal(() => restoreCheckpoint(F, { ...base, settings: { ...settings, layers: [{ kind: 'nope' }] } }, [])).field).toBe('checkpoint.settings.layers[0]');
  });
});
