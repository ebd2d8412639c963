/**
 * Model documents without Buffer (src/train/model-document.ts): the base64 is byte for byte
 * what Node's Buffer writes (so files are unchanged by the move to browser-safe code),
 * tensors round-trip exactly in both dtypes, and bad fields are ModelFileErrors naming them.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { Mlp } from '../../src/nn/mlp.js';
import { Tensor } from '../../src/tensor/index.js';
import { mlpDocument, modelFromDocument, restoreTensor, storeTensor } from '../../src/train/model-document.js';

function thrown(f: () => unknown): ModelFileError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelFileError) return e;
    throw e;
  }
  throw new Error('expected a ModelFileError');
}

describe('model documents', () => {
  it('store tensors as Buffer\'s base64 and restore them bit for bit (float64, float32, > 32 KiB)', () => {
    const rng = new RandomState(7);
    for (const [dtype, n] of [['float64', 5000], ['float32', 3], ['float64', 0]] as const) {
      const v = rng.randnArray(n);
      const t = new Tensor(dtype === 'float64' ? v : Float32Array.from(v), [n, 1], dtype);
      const s = storeTensor(t);
      const raw = t.values();
      expect(s.base64).toBe(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64'));
      const back = restoreTensor('m.json', 'parameters.w', s);
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual([n, 1]);
      expect([...back.values()]).toEqual([...raw]);
    }
  });

  it('names the field of bad base64 and of a byte count that does not fit the shape', () => {
    const bad = thrown(() => restoreTensor('m.json', 'parameters.W1', { shape: [1], dtype: 'float64', base64: '!!!' }));
    expect([bad.file, bad.field]).toEqual(['m.json', 'parameters.W1.base64']);
    const short = thrown(() => restoreTensor('m.json', 'parameters.W1', { shape: [2], dtype: 'float64', base64: 'AAAAAAAA8D8=' }));
    expect(short.field).toBe('parameters.W1');
    expect(short.message).toMatch(/needs 16 bytes, found 8/);
  });

  it('rebuilds a deep network from its document with the same parameters', () => {
    const net = Mlp.initialize({ layers: [6, 3, 1] }, { kind: 'he' }, 2);
    const doc = mlpDocument({ inputShape: [1, 2, 3], net, dtype: 'float64', classes: ['a', 'b'], preprocessing: { layout: 'flatten-hwc-columns', scale: 255 }, training: {} });
    const read = modelFromDocument('m.json', JSON.parse(JSON.stringify(doc)) as object);
    if (read.type !== 'mlp') throw new Error('expected an mlp');
    expect(read.net.spec).toEqual(net.spec);
    read.net.parameters().forEach((p, i) => expect([...p.value.values()]).toEqual([...(net.parameters()[i]?.value.values() ?? [])]));
    expect(thrown(() => modelFromDocument('m.json', { model: { type: 'tree' } })).field).toBe('model.type');
  });
});
