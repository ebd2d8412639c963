// Samples as the span kernels take them: uint8 pixels (exact integer sums), float rows, and
// float rows that are exactly pixels / 255 recognised as pixels; the wasm and plain kernels
// agree bit for bit and the products equal naive ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSpan, gramOf, samplesOf, scoresOf } from '../../src/accel/samples.js';
import { DTypeError, ShapeError } from '../../src/core/errors.js';
import { PIXELS, prepareInputs } from '../../src/data/preprocess.js';
import { add, fromArray, scalar, Tensor } from '../../src/tensor/index.js';
import { prng } from '../kernels/layout.js';
import { caught, relDiff } from '../course/helpers.js';
import { images, imagesArb } from './helpers.js';

/** The rows (m, n) of x / scale in float64, from scratch. */
function rowsOf(x: Tensor, scale: number): number[][] {
  const m = x.shape[0] as number;
  const n = x.size / m;
  const v = x.values();
  return Array.from({ length: m }, (_, j) => Array.from({ length: n }, (_, k) => (v[j * n + k] as number) / scale));
}

const naiveGram = (r: number[][]): number[] => r.flatMap((a) => r.map((b) => a.reduce((s, v, k) => s + v * (b[k] as number), 0)));

describe('samplesOf', () => {
  it('takes uint8 images as pixels standing for x / scale', () => {
    const { x } = images({ m: 3, h: 2, w: 2, seed: 1 });
    const s = samplesOf('train', x, 255);
    expect(s.u).toBeInstanceOf(Uint8Array);
    expect([s.m, s.n, s.scale]).toEqual([3, 12, 255]);
    expect(Array.from(s.u)).toEqual(Array.from(x.values()));
  });
  it('recognises float rows that are exactly pixels / 255, in float64 and float32', () => {
    fc.assert(
      fc.property(imagesArb, (spec) => {
        const { x } = images(spec);
        for (const dtype of ['float64', 'float32'] as const) {
          const s = samplesOf('train', prepareInputs(x, PIXELS, dtype), 1);
          expect(s.u).toBeInstanceOf(Uint8Array);
          expect(s.scale).toBe(255);
          expect(Array.from(s.u)).toEqual(Array.from(x.values()));
        }
      }),
      { seed: 42, numRuns: 50 },
    );
  });
  it('keeps any other float rows as they are, at scale 1', () => {
    const { x } = images({ m: 4, h: 2, w: 1, seed: 2 });
    const rows = add(prepareInputs(x, PIXELS, 'float64'), 1e-9);
    const s = samplesOf('train', rows, 255);
    expect(s.u).toBeInstanceOf(Float64Array);
    expect(s.scale).toBe(1);
    expect(Array.from(s.u)).toEqual(Array.from(rows.values()));
    // Pixels / 255 rounded to float32 are not float64 pixels / 255.
    const f32 = prepareInputs(x, PIXELS, 'float32');
    expect(samplesOf('train', new Tensor(Float64Array.from(f32.values()), f32.shape, 'float64'), 1).u).toBeInstanceOf(Float64Array);
  });
  it('refuses integer samples that are not uint8, and a scalar', () => {
    const e = caught(DTypeError, () => samplesOf('train', new Tensor(Int32Array.of(1, 2), [2, 1], 'int32'), 255));
    expect(e.dtypes).toEqual(['int32']);
    expect(e.message).toBe('train: samples must be uint8 pixels or float64/float32, got int32');
    expect(caught(ShapeError, () => samplesOf('train', scalar(1), 255)).message).toBe('train: samples must be (N, ...), got ()');
  });
});

describe('gramOf, scoresOf and addSpan', () => {
  it('equal the naive products; the wasm and plain kernels agree bit for bit on pixels', () => {
    fc.assert(
      fc.property(imagesArb, ({ m, h, w, seed }) => {
        const { x } = images({ m, h, w, seed });
        const rand = prng(seed + 1);
        const n = h * w * 3;
        const r = rowsOf(x, 255);
        const wv = Float64Array.from({ length: n }, () => rand() - 0.5);
        const c = Float64Array.from({ length: m }, () => rand() - 0.5);
        const results = (['wasm', 'js'] as const).map((backend) => {
          const s = samplesOf('train', x, 255);
          const W = Float64Array.from(wv);
          addSpan(s, c, W, backend);
          return { G: gramOf('train', s, backend), z: scoresOf(s, wv, backend), W };
        });
        const [simd, plain] = results as [(typeof results)[0], (typeof results)[0]];
        expect(Array.from(simd.G)).toEqual(Array.from(plain.G));
        expect(Array.from(simd.z)).toEqual(Array.from(plain.z));
        expect(Array.from(simd.W)).toEqual(Array.from(plain.W));
        // The integer sums are exact, so G is the naive Gram matrix rounded once per entry.
        expect(relDiff(plain.G, naiveGram(r))).toBeLessThan(1e-15);
        expect(relDiff(plain.z, r.map((row) => row.reduce((s, v, k) => s + v * (wv[k] as number), 0)))).toBeLessThan(1e-13);
        const want = Array.from(wv, (v, k) => r.reduce((s, row, j) => s + (row[k] as number) * (c[j] as number), v));
        expect(relDiff(plain.W, want)).toBeLessThan(1e-13);
      }),
      { seed: 42, numRuns: 60 },
    );
  });
  it('take float rows through the plain kernels', () => {
    const rows = fromArray([[1, 2, 3], [0.5, -1, 0.25]]);
    const s = samplesOf('train', rows, 1);
    expect(Array.from(gramOf('train', s, 'auto'))).toEqual([14, 0.5 - 2 + 0.75, 0.5 - 2 + 0.75, 0.25 + 1 + 0.0625]);
    expect(Array.from(scoresOf(s, Float64Array.of(1, 0, 1), 'auto'))).toEqual([4, 0.75]);
    const W = Float64Array.of(1, 1, 1);
    addSpan(s, Float64Array.of(1, 2), W, 'auto');
    expect(Array.from(W)).toEqual([3, 1, 4.5]);
  });
});
