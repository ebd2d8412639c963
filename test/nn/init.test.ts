import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { caught } from '../course/helpers.js';
import { checkLayerSizes, initWeights, parseInitializer, type Initializer } from '../../src/nn/init.js';

const argumentError = (run: () => unknown): ArgumentError => caught(ArgumentError, run);

describe('initialisers by name', () => {
  it('parses every name', () => {
    for (const name of ['zeros', 'xavier', 'glorot', 'he', 'course']) expect(parseInitializer(name)).toEqual({ kind: name });
    expect(parseInitializer('scaled:10')).toEqual({ kind: 'scaled', scale: 10 });
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

describe('checkLayerSizes', () => {
  it('needs an input and an output size, each a positive integer', () => {
    expect(argumentError(() => checkLayerSizes('initializeParametersDeep', [5])).argument).toBe('layers');
    expect(argumentError(() => checkLayerSizes('initializeParametersDeep', [5, 0, 1])).message).toContain('got 0 in [5, 0, 1]');
    expect(argumentError(() => checkLayerSizes('initializeParametersDeep', [5, 2.5, 1])).message).toContain('2.5');
  });
});
