import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { gemv2, gramFromPixels, jsGramStepper, pixelsFromRows, saturated, scoresFromPixels, weightsFromPixels } from '../../src/kernels/logistic-gram.js';
import { wasmExp, wasmGramFromPixels, wasmGramStepper, wasmPixels, wasmSimdAvailable } from '../../src/kernels/logistic-wasm.js';
import { prng } from './layout.js';

const RUNS = { seed: 42, numRuns: 100 };

// A random problem: m samples of n uint8 pixels (sample-major) and the same as a float
// (n, m) matrix X = pixels / 255 (one sample per column, the notes' layout), built here
// from scratch.
const problem = fc.record({ m: fc.integer({ min: 1, max: 13 }), n: fc.integer({ min: 1, max: 40 }), seed: fc.nat() });

function pixels(m: number, n: number, seed: number): Uint8Array {
  const rand = prng(seed);
  return Uint8Array.from({ length: m * n }, () => Math.floor(rand() * 256));
}

function columns(u: Uint8Array, m: number, n: number): Float64Array {
  const x = new Float64Array(n * m);
  for (let j = 0; j < m; j++) for (let k = 0; k < n; k++) x[k * m + j] = (u[j * n + k] as number) / 255;
  return x;
}

function naiveGram(u: Uint8Array, m: number, n: number): Float64Array {
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (u[i * n + k] as number) * (u[j * n + k] as number);
      g[i * m + j] = s / (255 * 255);
    }
  }
  return g;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return scale === 0 ? d : d / scale;
}

describe('gramFromPixels', () => {
  it('equals the naive integer Gram matrix / 255² exactly', () => {
    fc.assert(
      fc.property(problem, ({ m, n, seed }) => {
        const u = pixels(m, n, seed);
        const g = new Float64Array(m * m);
        gramFromPixels(u, m, n, 255, g);
        expect(Array.from(g)).toEqual(Array.from(naiveGram(u, m, n)));
      }),
      RUNS,
    );
  });
  it('works a 2 x 2 case by hand', () => {
    const g = new Float64Array(4);
    gramFromPixels(new Uint8Array([1, 2, 3, 4]), 2, 2, 1, g);
    expect(Array.from(g)).toEqual([5, 11, 11, 25]);
  });
});

describe('wasmGramFromPixels', () => {
  it('runs on Node 20 (WebAssembly SIMD)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });
  it('equals the plain kernel exactly, padding rows and row counts', () => {
    fc.assert(
      fc.property(problem, ({ m, n, seed }) => {
        const u = pixels(m, n, seed);
        const plain = new Float64Array(m * m);
        const simd = new Float64Array(m * m);
        gramFromPixels(u, m, n, 255, plain);
        expect(wasmGramFromPixels(u, m, n, 255, simd)).toBe(true);
        expect(Array.from(simd)).toEqual(Array.from(plain));
      }),
      RUNS,
    );
  });
  it('is exact at the int32 edge: rows of 255s as long as allowed', () => {
    const n = 132_096;
    const u = new Uint8Array(2 * n).fill(255);
    const g = new Float64Array(4);
    expect(wasmGramFromPixels(u, 2, n, 255, g)).toBe(true);
    expect(Array.from(g)).toEqual([n, n, n, n]);
  });
  it('declines rows too long for int32 sums, leaving out untouched', () => {
    const n = 132_097;
    const g = new Float64Array(1).fill(-1);
    expect(wasmGramFromPixels(new Uint8Array(n), 1, n, 255, g)).toBe(false);
    expect(g[0]).toBe(-1);
  });
});

describe('pixelsFromRows', () => {
  it('recovers the pixels of samples x = pixels / 255, in float64 and float32', () => {
    fc.assert(
      fc.property(problem, ({ m, n, seed }) => {
        const u = pixels(m, n, seed);
        const x = Float64Array.from(u, (p) => p / 255);
        expect(Array.from(pixelsFromRows(x, 255, false) ?? [])).toEqual(Array.from(u));
        expect(Array.from(pixelsFromRows(Float32Array.from(x), 255, true) ?? [])).toEqual(Array.from(u));
      }),
      RUNS,
    );
  });
  it('declines anything else', () => {
    for (const bad of [[0.5], [-1 / 255], [-0.4 / 255], [256 / 255], [Number.NaN], [Infinity], [-Infinity], [1e10], [2 ** 32 / 255], [1 / 255 + 1e-16]]) {
      expect(pixelsFromRows(Float64Array.from(bad), 255, false)).toBeNull();
    }
    // float32-rounded values are not float64 pixels / 255.
    expect(pixelsFromRows(new Float64Array([Math.fround(1 / 255)]), 255, false)).toBeNull();
    // One miss anywhere declines the whole set.
    expect(pixelsFromRows(Float64Array.of(0, 1, 2 / 255, 0.3), 255, false)).toBeNull();
  });
});

describe('weights and scores', () => {
  it('w += Xc and Xᵀw from the pixels equal the naive sums', () => {
    fc.assert(
      fc.property(problem, ({ m, n, seed }) => {
        const u = pixels(m, n, seed);
        const x = columns(u, m, n);
        const rand = prng(seed + 1);
        const c = Float64Array.from({ length: m }, () => rand() - 0.5);
        const w0 = Float64Array.from({ length: n }, () => rand() - 0.5);
        const expectW = Float64Array.from(w0, (v, k) => {
          let s = v;
          for (let j = 0; j < m; j++) s += (x[k * m + j] as number) * (c[j] as number);
          return s;
        });
        const wp = Float64Array.from(w0);
        weightsFromPixels(u, m, n, c, 255, wp);
        expect(maxRelDiff(wp, expectW)).toBeLessThan(1e-13);

        const expectZ = Float64Array.from({ length: m }, (_, j) => {
          let s = 0;
          for (let k = 0; k < n; k++) s += (x[k * m + j] as number) * (w0[k] as number);
          return s;
        });
        const zp = new Float64Array(m);
        scoresFromPixels(u, m, n, w0, 255, zp);
        expect(maxRelDiff(zp, expectZ)).toBeLessThan(1e-13);
      }),
      RUNS,
    );
  });
});

describe('wasmPixels', () => {
  it('adds X c and takes Xᵀ w bit for bit like the plain kernels', () => {
    fc.assert(
      fc.property(problem, ({ m, n, seed }) => {
        const u = pixels(m, n, seed);
        const rand = prng(seed + 2);
        const c = Float64Array.from({ length: m }, () => rand() - 0.5);
        const w0 = Float64Array.from({ length: n }, () => rand() - 0.5);
        const px = wasmPixels(u, m, n, 255);
        expect(px).not.toBeNull();
        if (px === null) return;
        const plainW = Float64Array.from(w0);
        const simdW = Float64Array.from(w0);
        weightsFromPixels(u, m, n, c, 255, plainW);
        px.addWeights(c, simdW);
        expect(Array.from(simdW)).toEqual(Array.from(plainW));
        const plainZ = new Float64Array(m);
        const simdZ = new Float64Array(m);
        scoresFromPixels(u, m, n, w0, 255, plainZ);
        px.scores(w0, simdZ);
        expect(Array.from(simdZ)).toEqual(Array.from(plainZ));
        // Float32 weights go in as they are.
        const w32 = Float32Array.from(w0);
        scoresFromPixels(u, m, n, w32, 255, plainZ);
        px.scores(w32, simdZ);
        expect(Array.from(simdZ)).toEqual(Array.from(plainZ));
      }),
      RUNS,
    );
  });
});

describe('gemv2', () => {
  it('matches the naive product', () => {
    fc.assert(
      fc.property(problem, ({ m, seed }) => {
        const rand = prng(seed);
        const G = Float64Array.from({ length: m * m }, () => rand() * 2 - 1);
        const c = Float64Array.from({ length: m }, () => rand() * 2 - 1);
        const expected = Float64Array.from({ length: m }, (_, i) => {
          let s = 0;
          for (let j = 0; j < m; j++) s += (G[i * m + j] as number) * (c[j] as number);
          return s;
        });
        const z = new Float64Array(m);
        gemv2(G, c, z, m);
        expect(maxRelDiff(z, expected)).toBeLessThan(1e-14);
      }),
      RUNS,
    );
  });
});

describe('wasm kernels against the plain ones', () => {
  it('exp is V8\'s Math.exp bit for bit', () => {
    const exp = wasmExp();
    expect(exp).not.toBeNull();
    const f = exp ?? Math.exp;
    const rand = prng(1);
    const xs = [0, -0, 1, -1, 0.5, 1e-300, -1e-300, 5e-324, 709.78, 709.79, -745.1, -745.2, Infinity, -Infinity, Number.NaN];
    for (let i = 0; i < 200_000; i++) xs.push((rand() - 0.5) * (i % 2 ? 1500 : 40));
    expect(xs.filter((x) => !Object.is(f(x), Math.exp(x)))).toEqual([]);
  });
  it('the stepper equals the plain stepper bit for bit, float64 and float32, with and without z0', () => {
    fc.assert(
      fc.property(problem, fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 30 }), ({ m, seed }, float32, withZ0, count) => {
        const rand = prng(seed);
        const A = Float64Array.from({ length: m * m }, () => rand());
        // A Gram matrix: symmetric, positive semi-definite.
        const G = new Float64Array(m * m);
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) G[i * m + j] = (G[i * m + j] as number) + (A[k * m + i] as number) * (A[k * m + j] as number);
        const y = Float64Array.from({ length: m }, () => (rand() < 0.5 ? 0 : 1));
        const settings = { learningRate: 0.1, float32, ...(withZ0 ? { z0: Float64Array.from({ length: m }, () => rand() - 0.5) } : {}) };
        const plain = jsGramStepper(G, y, settings);
        const simd = wasmGramStepper(G, y, settings);
        expect(simd).not.toBeNull();
        if (simd === null) return;
        let bPlain = 0.25;
        let bSimd = 0.25;
        for (let run = 0; run < 3; run++) {
          for (let it = 0; it < count; it++) {
            bPlain = plain.step(bPlain);
            bSimd = simd.step(bSimd);
          }
          expect(bSimd).toBe(bPlain);
          expect(Array.from(simd.c)).toEqual(Array.from(plain.c));
          expect(Array.from(simd.a0)).toEqual(Array.from(plain.a0));
          expect(Array.from(simd.dZ)).toEqual(Array.from(plain.dZ));
          expect(simd.db).toBe(plain.db);
        }
      }),
      RUNS,
    );
  });
});

/** The notes' cost -1/m Σ (y log a + (1-y) log(1-a)), from scratch. */
function naiveCost(a: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < y.length; j++) s += (y[j] as number) * Math.log(a[j] as number) + (1 - (y[j] as number)) * Math.log(1 - (a[j] as number));
  return -s / y.length;
}

// The notes' gradient descent in weight space, written from scratch over the (n, m) X.
function naiveDescent(x: Float64Array, y: Float64Array, n: number, m: number, iterations: number, lr: number, every: number) {
  const w = new Float64Array(n);
  let b = 0;
  const costs: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const a = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let z = b;
      for (let k = 0; k < n; k++) z += (w[k] as number) * (x[k * m + j] as number);
      a[j] = 1 / (1 + Math.exp(-z));
    }
    if (it % every === 0) {
      let s = 0;
      for (let j = 0; j < m; j++) s += (y[j] as number) * Math.log(a[j] as number) + (1 - (y[j] as number)) * Math.log(1 - (a[j] as number));
      costs.push(-s / m);
    }
    let db = 0;
    for (let j = 0; j < m; j++) db += (a[j] as number) - (y[j] as number);
    for (let k = 0; k < n; k++) {
      let dw = 0;
      for (let j = 0; j < m; j++) dw += (x[k * m + j] as number) * ((a[j] as number) - (y[j] as number));
      w[k] = (w[k] as number) - (lr * dw) / m;
    }
    b -= (lr * db) / m;
  }
  return { w, b, costs };
}

describe('the steppers follow gradient descent in weight space', () => {
  it('w = X c: the costs of each iteration (from A) and the bias of the naive descent, both steppers', () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 60 }), ({ m, n, seed }, iterations) => {
        const u = pixels(m, n, seed);
        const x = columns(u, m, n);
        const rand = prng(seed + 7);
        const y = Float64Array.from({ length: m }, () => (rand() < 0.5 ? 0 : 1));
        const expected = naiveDescent(x, y, n, m, iterations, 0.05, 7);
        const g = new Float64Array(m * m);
        gramFromPixels(u, m, n, 255, g);
        const settings = { learningRate: 0.05, float32: false };
        for (const stepper of [jsGramStepper(g, y, settings), wasmGramStepper(g, y, settings) ?? jsGramStepper(g, y, settings)]) {
          const costs: number[] = [];
          let b = 0;
          for (let it = 0; it < iterations; it++) {
            b = stepper.step(b);
            if (it % 7 === 0) costs.push(naiveCost(stepper.a0, y));
          }
          expect(maxRelDiff(costs, expected.costs)).toBeLessThan(1e-12);
          const w = new Float64Array(n);
          weightsFromPixels(u, m, n, stepper.c, 255, w);
          expect(maxRelDiff(w, expected.w)).toBeLessThan(1e-12);
          expect(Math.abs(b - expected.b)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(expected.b), 1e-3));
        }
      }),
      { seed: 42, numRuns: 60 },
    );
  });
  it('starts from Xᵀw0 when given z0', () => {
    // One sample, one feature: z = G c + z0 + b with G = [1].
    const y = new Float64Array([1]);
    const stepper = jsGramStepper(new Float64Array([1]), y, { learningRate: 1, float32: false, z0: new Float64Array([Math.log(3)]) });
    const b = stepper.step(0);
    // A = σ(ln 3) = 3/4: cost -ln(3/4), dZ = -1/4.
    expect(stepper.a0[0]).toBeCloseTo(0.75, 15);
    expect(stepper.dZ[0]).toBeCloseTo(-0.25, 15);
    expect(stepper.c[0]).toBeCloseTo(0.25, 15);
    expect(b).toBeCloseTo(0.25, 15);
  });
  it('saturated tells a cost that is not finite from A: some A at 0 or 1 (log 0 in the cost), or NaN', () => {
    expect(saturated(Float64Array.of(0.5, 1e-300))).toBe(false);
    expect(saturated(Float64Array.of(0.5, 1))).toBe(true);
    expect(saturated(Float64Array.of(0, 0.5))).toBe(true);
    expect(saturated(Float64Array.of(Number.NaN))).toBe(true);
  });
});

describe('the kernel layer in the browser', () => {
  it('imports no Node-only module', () => {
    for (const file of ['logistic-gram.ts', 'logistic-wasm.ts', 'logistic-wasm-module.ts']) {
      const text = readFileSync(new URL(`../../src/kernels/${file}`, import.meta.url), 'utf8');
      expect(text).not.toMatch(/from\s+'node:|require\(|process\.|Buffer\./);
    }
  });
  it('falls back to the plain kernels where WebAssembly is missing', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const wasm = await import('../../src/kernels/logistic-wasm.js');
      expect(wasm.wasmSimdAvailable()).toBe(false);
      expect(wasm.wasmGramFromPixels(new Uint8Array(4), 2, 2, 255, new Float64Array(4))).toBe(false);
      expect(wasm.wasmGramStepper(new Float64Array(4), new Float64Array(2), { learningRate: 0.1, float32: false })).toBeNull();
      expect(wasm.wasmExp()).toBeNull();
    } finally {
      vi.unstubAllGlobals();
      vi.resetModules();
    }
  });
});
