import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/core/errors.js';
import { Mlp } from '../../src/nn/mlp.js';
import { fromArray, randn } from '../../src/tensor/index.js';
import { loadLogisticModel, loadMlpModel, loadModel, saveLogisticModel, saveMlpModel } from '../../src/train/model-file.js';
import { removeTempDirs, tempDir } from '../data/fixtures.js';

afterAll(removeTempDirs);

const net = (): Mlp => Mlp.initialize({ layers: [12, 4, 3, 1], hidden: 'tanh' }, { kind: 'he' }, 5);
const common = { dtype: 'float64' as const, classes: ['non-cat', 'cat'], preprocessing: { layout: 'flatten-hwc-columns' as const, scale: 255 }, training: { iterations: 3 } };

async function modelError(run: Promise<unknown>): Promise<ModelFileError> {
  const e = await run.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ModelFileError);
  expect((e as Error).message).not.toContain('\n');
  return e as ModelFileError;
}

describe('deep-network model files', () => {
  it('round-trip the architecture and every parameter bit for bit', async () => {
    const dir = await tempDir();
    const file = join(dir, 'deep.json');
    const a = net();
    await saveMlpModel(file, { ...common, inputShape: [2, 2, 3], net: a });
    const { doc, net: b } = await loadMlpModel(file);
    expect(doc.format).toBe('tsgrad-model');
    expect(doc.version).toBe(1);
    expect(doc.model).toEqual({ type: 'mlp', inputShape: [2, 2, 3], features: 12, layers: [12, 4, 3, 1], hidden: 'tanh', output: 'sigmoid' });
    expect(Object.keys(doc.parameters)).toEqual(['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    expect(b.spec).toEqual(a.spec);
    b.parameters().forEach((p, i) => expect(Array.from(p.value.values())).toEqual(Array.from(a.parameters()[i]!.value.values())));
    const X = randn([12, 6], 1);
    expect(b.probabilities(X).toArray()).toEqual(a.probabilities(X).toArray());
  });
  it('loadModel reads both types; the single neuron reader still reads its files and refuses mlp ones', async () => {
    const dir = await tempDir();
    const deep = join(dir, 'deep.json');
    const single = join(dir, 'single.json');
    await saveMlpModel(deep, { ...common, inputShape: [2, 2, 3], net: net() });
    await saveLogisticModel(single, { ...common, model: { type: 'logistic', inputShape: [2, 2, 3], features: 12 }, w: fromArray(new Float64Array(12), [12, 1]), b: 0.5 });
    const m1 = await loadModel(deep);
    const m2 = await loadModel(single);
    expect([m1.type, m2.type]).toEqual(['mlp', 'logistic']);
    if (m2.type === 'logistic') expect(m2.b).toBe(0.5);
    expect((await loadLogisticModel(single)).b).toBe(0.5);
    expect((await modelError(loadLogisticModel(deep))).message).toBe(`${deep}: model.type: expected "logistic", got "mlp"`);
    expect((await modelError(loadMlpModel(single))).field).toBe('model.type');
  });
  it('refuses files whose parameters do not fit the layers, unknown activations and unknown types', async () => {
    const dir = await tempDir();
    const file = join(dir, 'deep.json');
    await saveMlpModel(file, { ...common, inputShape: [2, 2, 3], net: net() });
    const doc = JSON.parse(await readFile(file, 'utf8')) as { model: Record<string, unknown>; parameters: Record<string, unknown> };
    const edit = async (f: (d: typeof doc) => void): Promise<string> => {
      const copy = JSON.parse(JSON.stringify(doc)) as typeof doc;
      f(copy);
      const out = join(dir, `edited-${Math.random().toString(36).slice(2)}.json`);
      await writeFile(out, JSON.stringify(copy));
      return out;
    };
    const e1 = await modelError(loadMlpModel(await edit((d) => (d.model['layers'] = [12, 5, 3, 1]))));
    expect(e1.field).toBe('parameters.W1');
    expect(e1.message).toContain('shape (4, 12) does not fit model.layers [12, 5, 3, 1]: expected (5, 12)');
    expect((await modelError(loadMlpModel(await edit((d) => (d.model['hidden'] = 'swish'))))).field).toBe('model.hidden');
    expect((await modelError(loadMlpModel(await edit((d) => delete d.parameters['b2'])))).field).toBe('parameters.b2');
    expect((await modelError(loadMlpModel(await edit((d) => (d.model['output'] = 'softmax'))))).message).toContain('a softmax output needs at least 2 units');
    expect((await modelError(loadModel(await edit((d) => (d.model['type'] = 'cnn'))))).message).toContain('unknown model type "cnn", expected "logistic" or "mlp"');
    expect((await modelError(loadModel(join(dir, 'missing.json')))).message).toContain('no such file');
  });
});
