import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { GramFirstLayer } from '../../src/nn/mlp-gram.js';
import { add, astype, div, fromArray, matmul, mul, randn, sum, Tensor } from '../../src/tensor/index.js';

/** max |a - b| / max |b|. */
function relDiff(a: Tensor, b: Tensor): number {
  const x = a.values();
  const y = b.values();
  expect(x.length).toBe(y.length);
  let d = 0;
  let s = 0;
  y.forEach((v, i) => {
    d = Math.max(d, Math.abs((x[i] as number) - v));
    s = Math.max(s, Math.abs(v));
  });
  return s === 0 ? d : d / s;
}

// n_x = 37 features, m = 11 samples: pixels (m, n_x) as uint8, and X = pixels / 255 as (n_x, m).
const n = 37;
const m = 11;
const n1 = 4;
const rng = new RandomState(5);
const pixels = new Tensor(Uint8Array.from(rng.randArray(m * n), (v) => Math.floor(v * 256)), [m, n], 'uint8');
const X = div(astype(pixels, 'float64').T, 255).contiguous();
const W0 = randn([n1, n], 3);
const C = randn([n1, m], 4);

describe('GramFirstLayer: W1 = s·W1_0 + C Xᵀ without forming W1', () => {
  for (const [what, input, backend] of [
    ['uint8 images, wasm', pixels, 'auto'],
    ['uint8 images, plain TypeScript', pixels, 'js'],
    ['X = pixels / 255 recognised', X, 'auto'],
    ['a float X that is not pixels / 255', mul(X, 1 / 3), 'auto'],
  ] as const) {
    it(`${what}: scores, squared norm and weights equal the direct products`, () => {
      const Xf = input.dtype === 'uint8' ? X : input;
      const first = GramFirstLayer.create(W0, input, { backend });
      expect([first.n1, first.nx, first.m]).toEqual([n1, n, m]);
      for (const scale of [1, 0.75]) {
        const W1 = add(mul(scale, W0), matmul(C, Xf.T));
        // Z1 - b1 on all columns and on a batch of columns in shuffled order.
        expect(relDiff(first.scores({ scale, C }), matmul(W1, Xf))).toBeLessThan(1e-14);
        const cols = Int32Array.of(7, 2, 9);
        const XB = fromArray(Array.from({ length: n }, (_, k) => Array.from(cols, (j) => Xf.get(k, j))));
        expect(relDiff(first.scores({ scale, C }, cols), matmul(W1, XB))).toBeLessThan(1e-14);
        expect(Math.abs(first.squaredNorm({ scale, C }) - sum(mul(W1, W1)).item()) / sum(mul(W1, W1)).item()).toBeLessThan(1e-14);
        expect(relDiff(first.weights({ scale, C }), W1)).toBeLessThan(1e-15);
      }
    });
  }

  it('from C = 0 the scores are W1_0 X and the weights W1_0 exactly', () => {
    const first = GramFirstLayer.create(W0, pixels);
    const zero = { scale: 1, C: mul(C, 0) };
    expect(first.weights(zero).toArray()).toEqual(W0.toArray());
    expect(relDiff(first.scores(zero), matmul(W0, X))).toBeLessThan(1e-15);
  });

  it('the plain kernels give the wasm kernels’ bits', () => {
    const a = GramFirstLayer.create(W0, pixels, { backend: 'js' });
    const b = GramFirstLayer.create(W0, pixels, { backend: 'auto' });
    expect(Array.from(a.G.values())).toEqual(Array.from(b.G.values()));
    expect(Array.from(a.P0.values())).toEqual(Array.from(b.P0.values()));
    expect(Array.from(a.weights({ scale: 1, C }).values())).toEqual(Array.from(b.weights({ scale: 1, C }).values()));
  });

  it('checks W1 against X', () => {
    const bad = () => GramFirstLayer.create(randn([n1, n + 1], 1), X);
    expect(bad).toThrow(ShapeError);
    try {
      bad();
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as ShapeError).op).toBe('GramFirstLayer');
      expect((e as ShapeError).message).toContain(`W1 must be (n1, ${n})`);
    }
    const f32 = () => GramFirstLayer.create(astype(W0, 'float32'), X);
    expect(f32).toThrow(DTypeError);
  });
});
