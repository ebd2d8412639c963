import { describe, expect, it } from 'vitest';
import { dotOperands, loopDot, timeDot, vectorisedGradient } from '../../src/analysis/vectorise.js';
import { ArgumentError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';

function argumentError(run: () => unknown): ArgumentError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return e as ArgumentError;
  }
  throw new Error('expected an ArgumentError');
}

describe('timeDot: the notes’ loop against tsgrad’s dot', () => {
  it('times both on the same seeded vectors, and both give the same sum', () => {
    const t = timeDot(1000, 3);
    const [a, b] = dotOperands(1000);
    // a is the first 1000 draws of RandomState(1).random(), b the next 1000.
    const rng = new RandomState(1);
    expect(a[0]).toBe(rng.random());
    for (let i = 1; i < 1000; i++) rng.random();
    expect(b[0]).toBe(rng.random());
    expect(t.loopValue).toBe(loopDot(a, b));
    let exact = 0;
    for (let i = 0; i < 1000; i++) exact += (a[i] as number) * (b[i] as number);
    expect(t.loopValue).toBe(exact);
    expect(Math.abs(t.dotValue - t.loopValue) / t.loopValue).toBeLessThan(1e-13);
    // Independent uniform [0, 1) numbers: E[a·b] = 1/4 per product.
    expect(t.loopValue / 1000).toBeGreaterThan(0.2);
    expect(t.loopValue / 1000).toBeLessThan(0.3);
    expect([t.size, t.repeat]).toEqual([1000, 3]);
    for (const ms of [t.loopMs, t.dotMs]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });
  it('refuses sizes and repeats out of range, naming them', () => {
    expect(argumentError(() => timeDot(0, 5)).argument).toBe('size');
    expect(argumentError(() => timeDot(2.5, 5)).message).toBe('timeDot: size: expected an integer from 1 to 10000000, got 2.5');
    expect(argumentError(() => timeDot(10, 0)).message).toBe('timeDot: repeat: expected an integer from 1 to 1000, got 0');
  });
});

describe('vectorisedGradient: the notes’ 3.2 for 10 samples and 2 features', () => {
  const g = vectorisedGradient();
  it('has the notes’ shapes', () => {
    expect([g.m, g.nx]).toEqual([10, 2]);
    expect(g.X.shape).toEqual([2, 10]);
    expect(g.Y.shape).toEqual([1, 10]);
    expect(g.w.shape).toEqual([2, 1]);
    for (const t of [g.Z, g.A, g.dZ]) expect(t.shape).toEqual([1, 10]);
    expect(g.dW.shape).toEqual([2, 1]);
    expect(g.X.rows.map((r) => r.length)).toEqual([10, 10]);
  });
  it('is seeded with numpy’s RandomState(1): X = randn(2, 10) row by row', () => {
    expect(g.X.rows[0]?.[0]).toBe(1.6243453636632417);
    expect(g.X.rows[0]?.[1]).toBe(-0.6117564136500754);
    expect(g.Y.rows[0]?.every((y) => y === 0 || y === 1)).toBe(true);
    expect(vectorisedGradient(2).X.rows[0]?.[0]).not.toBe(g.X.rows[0]?.[0]);
  });
  it('computes Z, A, dZ, dW, db as the notes write them, element by element', () => {
    const { X, Y, w, b } = g;
    for (let j = 0; j < 10; j++) {
      const z = (w.rows[0]?.[0] as number) * (X.rows[0]?.[j] as number) + (w.rows[1]?.[0] as number) * (X.rows[1]?.[j] as number) + b;
      expect(g.Z.rows[0]?.[j]).toBeCloseTo(z, 15);
      expect(g.A.rows[0]?.[j]).toBeCloseTo(1 / (1 + Math.exp(-z)), 15);
      expect(g.dZ.rows[0]?.[j]).toBe((g.A.rows[0]?.[j] as number) - (Y.rows[0]?.[j] as number));
    }
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let j = 0; j < 10; j++) s += (X.rows[i]?.[j] as number) * (g.dZ.rows[0]?.[j] as number);
      expect(g.dW.rows[i]?.[0]).toBeCloseTo(s / 10, 15);
    }
    expect(g.db).toBeCloseTo((g.dZ.rows[0] ?? []).reduce((p, q) => p + q, 0) / 10, 15);
  });
  it('equals autodiff’s gradient and the cost’s central differences', () => {
    expect(g.maxDifference).toBeLessThan(1e-15);
    expect(g.autodiff.cost).toBe(g.cost);
    const cost = (w0: number, w1: number, b: number): number => {
      let s = 0;
      for (let j = 0; j < 10; j++) {
        const a = 1 / (1 + Math.exp(-(w0 * (g.X.rows[0]?.[j] as number) + w1 * (g.X.rows[1]?.[j] as number) + b)));
        const y = g.Y.rows[0]?.[j] as number;
        s -= y * Math.log(a) + (1 - y) * Math.log(1 - a);
      }
      return s / 10;
    };
    const [w0, w1, b, h] = [g.w.rows[0]?.[0] as number, g.w.rows[1]?.[0] as number, g.b, 1e-6];
    expect(cost(w0, w1, b)).toBeCloseTo(g.cost, 14);
    expect(g.dW.rows[0]?.[0]).toBeCloseTo((cost(w0 + h, w1, b) - cost(w0 - h, w1, b)) / (2 * h), 8);
    expect(g.dW.rows[1]?.[0]).toBeCloseTo((cost(w0, w1 + h, b) - cost(w0, w1 - h, b)) / (2 * h), 8);
    expect(g.db).toBeCloseTo((cost(w0, w1, b + h) - cost(w0, w1, b - h)) / (2 * h), 8);
  });
  it('refuses a bad seed', () => {
    expect(argumentError(() => vectorisedGradient(-1)).message).toBe('vectorisedGradient: seed: expected an integer in 0..2**32-1, got -1');
  });
});
