/**
 * Fuzzing the model-file reader (versions 1 and 2) and the checkpoint reader: mutated text
 * (bytes changed, cut, doubled) and mutated structure (any field replaced by any JSON value)
 * end in a correct load or a one-line user error, never another exception. Fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrainingRun } from '../../src/app/run.js';
import { NEURON, TWO_LAYER, type RunSettings } from '../../src/app/settings.js';
import { ModelFileError, TsgradError } from '../../src/core/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { restoreCheckpoint, storeCheckpoint } from '../../src/io/checkpoint.js';
import { modelDocument, readModelText } from '../../src/io/model-file.js';
import { storeTensor } from '../../src/io/tensor-codec.js';
import { fromArray } from '../../src/tensor/index.js';

const SEED = 20261204;
const rows = Array.from({ length: 6 }, (_, j) => Array.from({ length: 12 }, (_, k) => (j * 37 + k * 11) % 256));
const train: Dataset = { file: 'fuzz.h5', x: fromArray(Uint8Array.from(rows.flat()), [6, 2, 2, 3]), labels: fromArray([0, 1, 0, 1, 1, 0]), classes: ['non-cat', 'cat'] };
const data = { train, test: train };

function stopped(s: RunSettings): { text: string } {
  const run = new TrainingRun(data, s);
  let n = 0;
  run.advance(() => ++n === 3);
  const r = run.result();
  const doc = modelDocument({ model: r.model, classes: r.classes, preprocessing: PIXELS, training: { settings: r.settings, costs: r.records }, checkpoint: storeCheckpoint(run.checkpoint(), data) });
  return { text: JSON.stringify(doc) };
}
const neuron = stopped({ ...NEURON, epochs: 10, printEvery: 1 }).text;
const deep = stopped({ ...TWO_LAYER, layers: [{ kind: 'flatten' }, { kind: 'dense', units: 3 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.2 }, { kind: 'dense', units: 1 }, { kind: 'sigmoid' }], optimizer: 'momentum', batchSize: 4, epochs: 4, printEvery: 1 }).text;
const v1 = JSON.stringify({
  format: 'tsgrad-model', version: 1,
  model: { type: 'logistic', inputShape: [2, 2, 3], features: 12 },
  dtype: 'float64', classes: ['non-cat', 'cat'], preprocessing: { layout: 'flatten-hwc-columns', scale: 255 },
  training: { engine: 'plain', iterations: 3, learningRate: 0.005, printEvery: 1, costs: [{ iteration: 0, cost: 0.6931471805599453 }] },
  parameters: { w: storeTensor(fromArray(Array.from({ length: 12 }, (_, i) => (i - 6) / 7), [12, 1])), b: -0.25 },
});

/** Everything a command reads: the model, and for a checkpoint the resumed run. */
function readAll(text: string): void {
  const m = readModelText('fuzz.json', text);
  m.model.predict(fromArray(new Float64Array(24), [2, 2, 2, 3]));
  if (m.checkpoint !== undefined) {
    const ck = restoreCheckpoint('fuzz.json', m.checkpoint, m.training.costs);
    new TrainingRun(data, ck.settings, { resume: ck }).advance();
  }
}

function outcome(text: string): 'ok' | 'refused' {
  try {
    readAll(text);
    return 'ok';
  } catch (e) {
    if (!(e instanceof TsgradError) || !e.userError) throw new Error(`not a user error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (e.message.includes('\n')) throw new Error(`bad error: ${e.message}`);
    return 'refused';
  }
}

const textMutation = (base: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const chars = [...base];
      for (const [at, code] of edits) chars[at] = String.fromCharCode(code);
      return chars.join('');
    }),
    fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    fc.tuple(fc.nat({ max: base.length }), fc.string({ maxLength: 20 })).map(([at, s]) => base.slice(0, at) + s + base.slice(at)),
  );

function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

const structureMutation = (base: string): fc.Arbitrary<string> => {
  const doc = JSON.parse(base) as unknown;
  const all = paths(doc).filter((p) => p.length > 0 && !(p[p.length - 2] === 'key'));
  return fc.tuple(fc.constantFrom(...all), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })).map(([path, value]) => {
    const copy = structuredClone(doc) as Record<string | number, unknown>;
    let parent = copy;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
    return JSON.stringify(copy);
  });
};

describe('model files and checkpoints under fuzzing', () => {
  const bases: [string, string][] = [['a stopped single neuron (v2)', neuron], ['a stopped deep network (v2)', deep], ['a single neuron of version 1', v1]];
  it('loads and resumes the unmutated files', () => {
    for (const [, text] of bases) expect(outcome(text)).toBe('ok');
    expect(readModelText('v1.json', v1).version).toBe(1);
  });
  it.each(bases)('%s: mutated text ends in a load or a one-line user error', (_name, base) => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(fc.property(textMutation(base), (text) => void seen[outcome(text)]++), { seed: SEED, numRuns: 400 });
    expect(seen.refused).toBeGreaterThan(50);
  });
  it.each(bases)('%s: any field replaced by any JSON value ends in a load or a one-line user error', (_name, base) => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(fc.property(structureMutation(base), (text) => void seen[outcome(text)]++), { seed: SEED, numRuns: 1500 });
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.ok).toBeGreaterThan(10);
  });
  it('a model file error names the file and the field', () => {
    const doc = JSON.parse(neuron) as Record<string, Record<string, unknown>>;
    delete doc['parameters']?.['W1'];
    try {
      readModelText('cat.json', JSON.stringify(doc));
      throw new Error('loaded');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFileError);
      expect((e as ModelFileError).message).toMatch(/^cat\.json: parameters\.W1: /);
    }
  });
});
