import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { initializeLayers, initializerName, initWeights, parseInitializer, type Initializer } from '../../src/nn/init.js';

function argumentError(run: () => unknown): ArgumentError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as Error).message).not.toContain('\n');
    return e as ArgumentError;
  }
  throw new Error('expected an ArgumentError');
}

describe('initialisers by name', () => {
  it('parses every name and reads back', () => {
    for (const name of ['zeros', 'xavier', 'glorot', 'he', 'course', 'scaled:0.01', 'scaled:10']) {
      expect(initializerName(parseInitializer(name))).toBe(name);
    }
    expect(parseInitializer('scaled:1e-2')).toEqual({ kind: 'scaled', scale: 0.01 });
  });
  it('refuses unknown names and scales that are not numbers', () => {
    const e = argumentError(() => parseInitializer('lecun', 'train'));
    expect([e.op, e.argument]).toEqual(['train', 'init']);
    expect(e.message).toBe("train: init: unknown initializer 'lecun', expected one of zeros, scaled:K, xavier, glorot, he, course");
    expect(argumentError(() => parseInitializer('scaled:')).message).toContain('scaled:K needs a finite number');
    expect(argumentError(() => parseInitializer('scaled:abc')).message).toContain('scaled:K needs a finite number');
  });
});

describe('initWeights', () => {
  // np.random.seed(1); np.random.randn(3) = [1.6243453636632417, -0.6117564136500754, -0.5281717522634557]
  const first = [1.6243453636632417, -0.6117564136500754, -0.5281717522634557];
  const w = (init: Initializer, nOut: number, nIn: number) => Array.from(initWeights(init, nOut, nIn, new RandomState(1)).values()).slice(0, 3);
  it("draws numpy's randn(n_out, n_in) row by row and scales it as the course writes it", () => {
    expect(w({ kind: 'scaled', scale: 0.01 }, 7, 12288)).toEqual(first.map((r) => r * 0.01));
    expect(w({ kind: 'course' }, 20, 12288)).toEqual(first.map((r) => r / Math.sqrt(12288)));
    expect(w({ kind: 'he' }, 20, 12288)).toEqual(first.map((r) => r * Math.sqrt(2 / 12288)));
    expect(w({ kind: 'xavier' }, 20, 12288)).toEqual(first.map((r) => r * Math.sqrt(1 / 12288)));
    expect(w({ kind: 'glorot' }, 20, 12288)).toEqual(first.map((r) => r * Math.sqrt(2 / 12308)));
  });
  it('draws nothing for zeros', () => {
    const rng = new RandomState(1);
    expect(Array.from(initWeights({ kind: 'zeros' }, 2, 3, rng).values())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(rng.randn()).toBe(first[0]);
  });
});

describe('initializeLayers', () => {
  it('draws layer after layer from one stream, biases zero', () => {
    const p = initializeLayers([3, 2, 1], { kind: 'scaled', scale: 1 }, 1);
    const all = new RandomState(1).randnArray(8);
    expect(p.map((l) => l.W.shape)).toEqual([[2, 3], [1, 2]]);
    expect(Array.from(p[0]!.W.values())).toEqual(Array.from(all.subarray(0, 6)));
    expect(Array.from(p[1]!.W.values())).toEqual(Array.from(all.subarray(6, 8)));
    expect(p.map((l) => l.b.toArray())).toEqual([[[0], [0]], [[0]]]);
  });
  it('refuses fewer than two sizes and sizes that are not positive integers', () => {
    expect(argumentError(() => initializeLayers([5], { kind: 'he' }, 1)).argument).toBe('layers');
    expect(argumentError(() => initializeLayers([5, 0, 1], { kind: 'he' }, 1)).message).toContain('got 0 in [5, 0, 1]');
    expect(argumentError(() => initializeLayers([5, 2.5, 1], { kind: 'he' }, 1)).message).toContain('2.5');
  });
});
