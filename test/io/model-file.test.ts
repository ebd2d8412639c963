// Model files of version 2 on disk: the architecture as layer configs and every parameter
// round-trip bit for bit, and each way a file can be wrong is a one-line ModelFileError
// naming the file and the field.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/core/errors.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { loadModelFile, saveModelFile } from '../../src/io/files.js';
import { modelDocument, readModelText } from '../../src/io/model-file.js';
import { parseInitializer } from '../../src/nn/init.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { randn } from '../../src/tensor/index.js';
import { removeTempDirs, tempDir } from '../data/fixtures.js';

afterAll(removeTempDirs);

const net = () => buildModel([2, 2, 3], parseArch('flatten,dense:4,tanh,dense:3,relu,dense:1,sigmoid'), { init: parseInitializer('he'), seed: 5 });
const record = { classes: ['non-cat', 'cat'], preprocessing: PIXELS, training: { costs: [{ unit: 'iteration' as const, index: 0, cost: 0.69 }], iterationsDone: 3 } };

async function modelError(run: Promise<unknown>): Promise<ModelFileError> {
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ModelFileError);
  expect((e as Error).message).not.toContain('\n');
  return e as ModelFileError;
}

describe('version-2 model files', () => {
  it('round-trip the layer configs and every parameter bit for bit', async () => {
    const file = join(await tempDir(), 'deep.json');
    const a = net();
    await saveModelFile(file, { ...record, model: a });
    const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect([doc['format'], doc['version']]).toEqual(['tsgrad-model', 2]);
    expect(doc['model']).toEqual({ inputShape: [2, 2, 3], layers: [{ kind: 'flatten' }, { kind: 'dense', units: 4 }, { kind: 'tanh' }, { kind: 'dense', units: 3 }, { kind: 'relu' }, { kind: 'dense', units: 1 }, { kind: 'sigmoid' }] });
    expect(Object.keys(doc['parameters'] as object)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    const b = await loadModelFile(file);
    expect([b.version, b.dtype, b.classes, b.preprocessing, b.training.costs, b.training.iterationsDone]).toEqual([2, 'float64', ['non-cat', 'cat'], { scale: 255 }, record.training.costs, 3]);
    b.model.parameters().forEach((p, i) => expect(Array.from(p.value.values())).toEqual(Array.from(a.parameters()[i]?.value.values() ?? [])));
    const x = randn([6, 2, 2, 3], 1);
    expect(b.model.probabilities(x).toArray()).toEqual(a.probabilities(x).toArray());
  });

  it('refuse parameters that do not fit the layers, unknown layers, missing parameters and bad envelopes', async () => {
    const text = JSON.stringify(modelDocument({ ...record, model: net() }));
    type Doc = { model: { layers: Record<string, unknown>[] }; parameters: Record<string, unknown>; classes: unknown };
    const edit = (f: (d: Doc) => void): string => {
      const d = JSON.parse(text) as Doc;
      f(d);
      return JSON.stringify(d);
    };
    const read = (t: string): ModelFileError => {
      try {
        readModelText('m.json', t);
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFileError);
        return e as ModelFileError;
      }
      throw new Error('loaded');
    };
    const layers = (d: Doc) => d.model.layers;
    const wide = read(edit((d) => (layers(d)[1] = { kind: 'dense', units: 5 })));
    expect([wide.field, wide.message]).toEqual(['parameters.W1', 'm.json: parameters.W1: shape (4, 12) float64 does not fit the layers: expected (5, 12) float64']);
    const swish = read(edit((d) => (layers(d)[2] = { kind: 'swish' })));
    expect(swish.field).toBe('model.layers[2]');
    expect(swish.message).toBe('m.json: model.layers[2]: expected a layer {kind: dense | conv | maxpool | avgpool | globalavgpool | batchnorm | relu | tanh | sigmoid | softmax | leaky-relu | dropout | flatten}, got {"kind":"swish"}');
    expect(read(edit((d) => delete d.parameters['b2'])).field).toBe('parameters.b2');
    expect(read(edit((d) => (layers(d)[6] = { kind: 'softmax' }))).message).toContain('a softmax output needs at least 2 units');
    expect(read(edit((d) => (d.classes = ['cat']))).message).toBe('m.json: classes: expected 2 class names, got ["cat"]');
    expect(read(text.replace('"version":2', '"version":7')).message).toBe('m.json: version: unknown version 7, this tsgrad reads versions 1 and 2');
    expect(read(text.replace('tsgrad-model', 'other')).message).toBe('m.json: format: expected "tsgrad-model"');
    expect(read(text.slice(0, 100)).message).toBe('m.json: not a tsgrad model file (invalid or truncated JSON)');
  });

  it('name a missing file', async () => {
    const dir = await tempDir();
    expect((await modelError(loadModelFile(join(dir, 'missing.json')))).message).toBe(`${join(dir, 'missing.json')}: no such file`);
    await writeFile(join(dir, 'empty.json'), '');
    expect((await modelError(loadModelFile(join(dir, 'empty.json')))).field).toBeUndefined();
  });
});
