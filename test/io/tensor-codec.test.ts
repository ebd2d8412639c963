// Tensors in model files: the base64 is byte for byte what Node's Buffer writes (files are
// unchanged by the browser-safe code), values round-trip bit for bit in both dtypes, and
// every bad field is a ModelFileError naming the file and the field.
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { restoreTensor, restoreTensors, storeTensor, storeTensors } from '../../src/io/tensor-codec.js';
import { fromArray, Tensor } from '../../src/tensor/index.js';
import { caught } from '../course/helpers.js';

describe('storeTensor and restoreTensor', () => {
  it("store Buffer's base64 and restore bit for bit (float64, float32, over 32 KiB, empty)", () => {
    const rng = new RandomState(7);
    for (const [dtype, n] of [['float64', 5000], ['float32', 3], ['float64', 0]] as const) {
      const v = rng.randnArray(n);
      const t = new Tensor(dtype === 'float64' ? v : Float32Array.from(v), [n, 1], dtype);
      const s = storeTensor(t);
      const raw = t.values();
      expect(s.base64).toBe(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64'));
      const back = restoreTensor('m.json', 'parameters.w', s);
      expect([back.dtype, back.shape]).toEqual([dtype, [n, 1]]);
      expect(Array.from(back.values())).toEqual(Array.from(raw));
    }
    expect(storeTensor(fromArray([[1, 2]]))).toEqual({ shape: [1, 2], dtype: 'float64', base64: 'AAAAAAAA8D8AAAAAAAAAQA==' });
  });
  it('store a transposed view as its values in order', () => {
    const t = fromArray([[1, 2], [3, 4]]).T;
    expect(Array.from(restoreTensor('m.json', 'p', storeTensor(t)).values())).toEqual([1, 3, 2, 4]);
  });
  it('name the field of bad base64, of a byte count that does not fit the shape, of a bad dtype and of a number that is not finite', () => {
    const bad = caught(ModelFileError, () => restoreTensor('m.json', 'parameters.W1', { shape: [1], dtype: 'float64', base64: '!!!' }));
    expect([bad.file, bad.field, bad.message]).toEqual(['m.json', 'parameters.W1.base64', 'm.json: parameters.W1.base64: not valid base64']);
    const short = caught(ModelFileError, () => restoreTensor('m.json', 'parameters.W1', { shape: [2], dtype: 'float64', base64: 'AAAAAAAA8D8=' }));
    expect([short.field, short.message]).toEqual(['parameters.W1', 'm.json: parameters.W1: shape (2,) float64 needs 16 bytes, found 8']);
    expect(caught(ModelFileError, () => restoreTensor('m.json', 'p', { shape: [1], dtype: 'int32', base64: '' })).message).toBe('m.json: p.dtype: expected float64 or float32, got "int32"');
    expect(caught(ModelFileError, () => restoreTensor('m.json', 'p', { shape: [-1], dtype: 'float64', base64: '' })).field).toBe('p.shape');
    expect(caught(ModelFileError, () => restoreTensor('m.json', 'p', null)).message).toBe('m.json: p: expected an object with shape, dtype and base64');
    const nan = storeTensor(fromArray([1, Number.NaN]));
    expect(caught(ModelFileError, () => restoreTensor('m.json', 'p', nan)).message).toBe("m.json: p: element 1 is NaN: a model's numbers must be finite");
  });
  it('refuse to store integer tensors', () => {
    expect(caught(ModelFileError, () => storeTensor(new Tensor(Int32Array.of(1), [1], 'int32'))).message).toBe('(memory): parameters: cannot store dtype int32');
  });
  it('store and restore named tensors', () => {
    const named = { W1: fromArray([[1, 2]]), b1: fromArray([0.5]) };
    const back = restoreTensors('m.json', 'checkpoint.step', JSON.parse(JSON.stringify(storeTensors(named))));
    expect(Object.keys(back)).toEqual(['W1', 'b1']);
    expect([back['W1']?.toArray(), back['b1']?.toArray()]).toEqual([[[1, 2]], [0.5]]);
  });
});
