// The kernel backends: the registry's choice and its errors, and BLAS, wasm and js giving the
// same products (1e-12 of Σ|a||b| in float64) on random shapes, transposed, reversed and
// gapped views with offsets, through the public matmul and dot.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { backendInfo, backendStatuses, registerNativeBackend, setBackend, type BackendName } from '../../src/kernels/backend.js';
import { probeBlas } from '../../src/kernels/blas-node.js';
import { dot, matmul, Tensor } from '../../src/tensor/index.js';
import { prng, randomLayout, randomValue, type Layout } from './layout.js';

const blas = probeBlas();
// CI installs libopenblas0-pthread (.ci/run); elsewhere the BLAS cases say they were skipped.
const AVAILABLE: BackendName[] = blas.kernels === null ? ['wasm', 'js'] : ['blas', 'wasm', 'js'];

afterAll(() => {
  registerNativeBackend(probeBlas, undefined);
});

const tensorOf = (l: Layout): Tensor => new Tensor(l.data, l.shape, 'float64', l.strides, l.offset);

function withBackend<T>(name: BackendName, f: () => T): T {
  setBackend(name);
  try {
    return f();
  } finally {
    setBackend(undefined);
  }
}

/** Σ_p |a[i,p]| |b[p,j]| per output cell, from scratch: the scale of each cell's rounding. */
function absScale(a: Tensor, b: Tensor): number[] {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1] as number;
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += Math.abs(a.get(i, p) * b.get(p, j));
    out.push(s);
  }
  return out;
}

describe('the backend registry', () => {
  it(`chooses the first available of blas, wasm, js (here: ${AVAILABLE[0]})`, () => {
    registerNativeBackend(probeBlas, undefined);
    const info = backendInfo();
    expect(info.name).toBe(AVAILABLE[0]);
    expect(backendStatuses().map((s) => s.name)).toEqual(['blas', 'wasm', 'js']);
    if (info.name === 'blas') expect(info.library).toMatch(/blas|Accelerate/);
  });

  it('without a native library falls back to wasm and says why', () => {
    registerNativeBackend(() => ({ kernels: null, detail: 'no BLAS library found (test)' }), undefined);
    const info = backendInfo();
    expect(info.name).toBe('wasm');
    expect(info.reason).toContain('blas: no BLAS library found (test)');
    registerNativeBackend(probeBlas, undefined);
  });

  it('a forced backend that is not available is an ArgumentError naming TSGRAD_BACKEND and why', () => {
    registerNativeBackend(() => ({ kernels: null, detail: 'no BLAS library found (test)' }), 'blas');
    try {
      backendInfo();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ArgumentError);
      const err = e as ArgumentError;
      expect([err.op, err.argument]).toEqual(['TSGRAD_BACKEND', 'blas']);
      expect(err.message).toBe('TSGRAD_BACKEND: blas: not available: no BLAS library found (test)');
    }
    registerNativeBackend(probeBlas, 'cuda');
    expect(() => backendInfo()).toThrow(new ArgumentError('TSGRAD_BACKEND', 'cuda', 'expected one of blas, wasm, js'));
    let probes = 0;
    registerNativeBackend(() => ((probes += 1), blas), ' js ');
    expect(backendInfo()).toMatchObject({ name: 'js', reason: 'forced by TSGRAD_BACKEND=js', requested: 'js' });
    expect(probes).toBe(0);
    registerNativeBackend(probeBlas, undefined);
  });
});

describe.each(AVAILABLE.filter((b) => b !== 'js'))('matmul on the %s backend against the js backend', (name) => {
  it('float64: 1e-12 of Σ|a||b| on random sizes, transposed, reversed and gapped views with offsets', () => {
    const dim = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 13 }) },
      { weight: 2, arbitrary: fc.integer({ min: 30, max: 70 }) },
      { weight: 1, arbitrary: fc.constantFrom(255, 257) },
    );
    fc.assert(
      fc.property(dim, dim, dim, fc.nat(), (m, n, k, seed) => {
        fc.pre(m * n * k <= 300_000);
        const rand = prng(seed);
        const a = tensorOf(randomLayout(rand, [m, k], () => randomValue(rand)));
        const b = tensorOf(randomLayout(rand, [k, n], () => randomValue(rand)));
        const want = withBackend('js', () => [...matmul(a, b).values()]);
        const got = withBackend(name, () => [...matmul(a, b).values()]);
        const scale = absScale(a, b);
        got.forEach((g, i) => expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual(1e-12 * Math.max(scale[i] as number, Number.MIN_VALUE)));
      }),
      { seed: 16, numRuns: 150 },
    );
  });

  it('float32 @ float32 stays float32, within float32 rounding of the js backend; NaN stays in its row', () => {
    const rand = prng(4);
    for (const [m, n, k] of [[20, 9, 33], [64, 64, 64], [7, 209, 300]] as const) {
      const A = Float32Array.from({ length: m * k }, () => rand() - 0.5);
      A[k + 2] = Number.NaN;
      const a = new Tensor(A, [m, k], 'float32');
      const b = new Tensor(Float32Array.from({ length: k * n }, () => rand() - 0.5), [n, k], 'float32').T;
      const want = withBackend('js', () => matmul(a, b));
      const got = withBackend(name, () => matmul(a, b));
      expect(got.dtype).toBe('float32');
      const scale = absScale(a, b);
      const w = [...want.values()];
      [...got.values()].forEach((g, i) => {
        if (Math.floor(i / n) === 1) expect(g).toBeNaN();
        else expect(Math.abs(g - (w[i] as number))).toBeLessThanOrEqual(2e-6 * (scale[i] as number));
      });
    }
  });

  it('the 100,000-element dot agrees with the js backend to 1e-12 relative', () => {
    const rand = prng(9);
    const x = new Tensor(Float64Array.from({ length: 100_003 }, () => rand()), [100_003]);
    const y = new Tensor(Float64Array.from({ length: 100_000 }, () => rand()), [100_000]);
    const xs = new Tensor(x.data, [100_000], 'float64', [1], 3);
    const want = withBackend('js', () => dot(xs, y).item());
    const got = withBackend(name, () => dot(xs, y).item());
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * want);
  });
});

describe('layering', () => {
  it('the registry and linalg import nothing Node-only (the page bundles them); only Node entry points (and the landscape worker thread) import blas-node', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const src = (f: string) => readFileSync(new URL(`../../src/${f}`, import.meta.url), 'utf8');
    for (const f of ['kernels/backend.ts', 'tensor/linalg.ts', 'kernels/matmul.ts', 'kernels/matmul-wasm.ts']) {
      const imports = src(f).split('\n').filter((l) => /^import /.test(l));
      expect(imports.length).toBeGreaterThan(0);
      for (const l of imports) expect(l).not.toMatch(/'node:|blas-node|koffi/);
    }
    const importers: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(new URL(`../../src/${dir}`, import.meta.url), { withFileTypes: true })) {
        const rel = dir === '' ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (rel.endsWith('.ts') && rel !== 'kernels/blas-node.ts' && /^import .*blas-node\.js/m.test(src(rel))) importers.push(rel);
      }
    };
    walk('');
    expect(importers.sort()).toEqual(['analysis/landscape-worker.ts', 'cli/main.ts', 'index.ts']);
  });
});
