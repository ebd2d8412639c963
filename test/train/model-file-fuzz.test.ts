/**
 * Fuzzing the model-file readers: mutated text (bytes changed, cut, doubled) and mutated
 * structure (any field replaced by any JSON value) must each end in a correct load or a
 * one-line ModelFileError, never another exception, and quickly. Fixed seed, bounded runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/core/errors.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Mlp } from '../../src/nn/mlp.js';
import { fromArray } from '../../src/tensor/index.js';
import { checkpointFromDocument } from '../../src/train/checkpoint.js';
import { mlpCheckpointFromDocument } from '../../src/train/mlp-run.js';
import { logisticDocument, mlpDocument, modelFromDocument, storeTensor } from '../../src/train/model-document.js';
import { checkHeader, parseModelDocument, trainingRecord, type ModelHeader } from '../../src/train/model-header.js';

const SEED = 20261126;
const header = {
  dtype: 'float64' as const,
  classes: ['non-cat', 'cat'],
  preprocessing: { layout: 'flatten-hwc-columns' as const, scale: 255 },
  training: { iterations: 3, learningRate: 0.005, costs: [{ iteration: 0, cost: 0.6931471805599453 }] },
};
const logisticText = JSON.stringify(logisticDocument({
  model: { type: 'logistic', inputShape: [2, 2, 3], features: 12 },
  ...header,
  w: fromArray(Array.from({ length: 12 }, (_, i) => (i - 6) / 7), [12, 1]),
  b: -0.25,
}));
const net = Mlp.initialize({ layers: [12, 3, 1], hidden: 'relu', keepProb: 1 }, parseInitializer('he'), 3);
const mlpText = JSON.stringify(mlpDocument({ inputShape: [2, 2, 3], net, ...header }));

/** Everything a command reads from a model file, as `plot`, `evaluate` and `predict` read it. */
function readAll(text: string): 'ok' {
  const doc = parseModelDocument('fuzz.json', text);
  const m = modelFromDocument('fuzz.json', doc);
  checkHeader('fuzz.json', m.doc as ModelHeader, 12, 2);
  trainingRecord('fuzz.json', m.doc as ModelHeader);
  return 'ok';
}

/** A correct load, or a ModelFileError of one line; anything else fails the property. */
function outcome(text: string): string {
  const t0 = performance.now();
  try {
    readAll(text);
    return 'ok';
  } catch (e) {
    if (!(e instanceof ModelFileError)) throw new Error(`not a ModelFileError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (e.message.includes('\n') || !e.userError) throw new Error(`bad error: ${e.message}`);
    return 'refused';
  } finally {
    // A time bound per case: parsing a few kilobytes never takes long.
    expect(performance.now() - t0).toBeLessThan(1000);
  }
}

/** Byte-level mutations of a text: overwrite, delete or insert characters, or cut it short. */
const textMutation = (base: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const chars = [...base];
      for (const [at, code] of edits) chars[at] = String.fromCharCode(code);
      return chars.join('');
    }),
    fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: 200 })).map(([at, n]) => base.slice(0, at) + base.slice(at + n)),
    fc.tuple(fc.nat({ max: base.length }), fc.string({ maxLength: 20 })).map(([at, s]) => base.slice(0, at) + s + base.slice(at)),
  );

/** Every path to a value inside a JSON document. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

/** Structural mutations: one value anywhere in the document replaced by any JSON value, or removed. */
const structureMutation = (base: string): fc.Arbitrary<string> => {
  const doc = JSON.parse(base) as unknown;
  const all = paths(doc).filter((p) => p.length > 0);
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

describe('model files under fuzzing', () => {
  it('loads the unmutated files', () => {
    expect(readAll(logisticText)).toBe('ok');
    expect(readAll(mlpText)).toBe('ok');
  });

  it.each([
    ['single neuron', logisticText],
    ['deep network', mlpText],
  ])('%s: mutated text ends in a load or a ModelFileError', (_name, base) => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(fc.property(textMutation(base), (text) => void seen[outcome(text) as 'ok' | 'refused']++), { seed: SEED, numRuns: 1500 });
    expect(seen.refused).toBeGreaterThan(100);
  });

  it.each([
    ['single neuron', logisticText],
    ['deep network', mlpText],
  ])('%s: any field replaced by any JSON value ends in a load or a ModelFileError', (_name, base) => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(fc.property(structureMutation(base), (text) => void seen[outcome(text) as 'ok' | 'refused']++), { seed: SEED, numRuns: 1500 });
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.ok).toBeGreaterThan(10);
  });
});

describe('checkpoints under fuzzing', () => {
  it.each(['fast', 'plain'] as const)('a stopped single neuron (%s engine): any field replaced ends in a checkpoint or a ModelFileError', (engine) => {
    const ck = {
      engine,
      iteration: 7,
      b: -0.125,
      ...(engine === 'fast' ? { c: storeTensor(fromArray([0.5, -0.25, 0.125])) } : { w: storeTensor(fromArray(Array.from({ length: 12 }, (_, i) => i / 16), [12, 1])) }),
      previous: { b: -0.1, ...(engine === 'fast' ? { c: storeTensor(fromArray([0.25, -0.125, 0])) } : { w: storeTensor(fromArray(new Array(12).fill(0), [12, 1])) }) },
      data: { train: { samples: 3, fingerprint: '01234567' }, test: { samples: 2, fingerprint: '89abcdef' } },
    };
    const base = JSON.parse(logisticText) as Record<string, unknown>;
    const text = JSON.stringify({ ...base, training: { ...header.training, printEvery: 1 }, checkpoint: ck });
    expect(checkpointFromDocument('fuzz.json', JSON.parse(text) as Record<string, unknown>).type).toBe('logistic');
    const seen = { ok: 0, refused: 0 };
    fc.assert(fc.property(structureMutation(text), (t) => {
      try {
        checkpointFromDocument('fuzz.json', parseModelDocument('fuzz.json', t));
        seen.ok++;
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw new Error(`not a ModelFileError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        seen.refused++;
      }
    }), { seed: SEED, numRuns: 1000 });
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.ok).toBeGreaterThan(50);
  });

  it.each(['plain', 'fast'] as const)('a stopped deep network (%s engine): any field replaced ends in a checkpoint or a ModelFileError', (engine) => {
    const opt = net.parameters().map((p) => storeTensor(p.value));
    const C = storeTensor(fromArray(Array.from({ length: 9 }, (_, i) => i / 32), [3, 3]));
    const ck = {
      engine,
      ...(engine === 'fast' ? { scale: 0.99, C, previousSpan: { scale: 1, C } } : {}),
      settings: { layers: [12, 3, 1], hidden: 'relu', init: 'he', seed: 3, optimizer: 'adam', learningRate: 0.01, epochs: 4, shuffleSeed: 10, l2: 0, dropout: 0, dropoutSeed: 1, loss: 'course', printEvery: 1 },
      epoch: 1, batch: 0, iteration: 1, epochTotal: 0, costs: [0.7], epochCosts: [0.7],
      optimizer: { name: 'adam', steps: 1, learningRate: 0.01, slots: { v: opt, s: opt } },
      dropoutRng: { key: Array.from({ length: 624 }, (_, i) => i), pos: 624, hasGauss: false, gauss: 0 },
      previous: opt,
      data: { train: { samples: 3, fingerprint: '01234567' }, test: { samples: 2, fingerprint: '89abcdef' } },
    };
    const text = JSON.stringify({ ...(JSON.parse(mlpText) as object), checkpoint: ck });
    const load = (t: string): unknown => {
      const doc = parseModelDocument('fuzz.json', t);
      const c = checkpointFromDocument('fuzz.json', doc);
      return c.type === 'mlp' ? mlpCheckpointFromDocument('fuzz.json', doc) : c;
    };
    expect(load(text)).toBeDefined();
    const seen = { ok: 0, refused: 0 };
    fc.assert(fc.property(structureMutation(text), (t) => {
      try {
        load(t);
        seen.ok++;
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw new Error(`not a ModelFileError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        seen.refused++;
      }
    }), { seed: SEED, numRuns: 1000 });
    expect(seen.refused).toBeGreaterThan(50);
  });
});
