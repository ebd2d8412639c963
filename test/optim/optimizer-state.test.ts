/**
 * Optimiser state for checkpoints: an optimiser resumed from `getState()` takes exactly the
 * steps the original would have taken; a state of another kind is refused.
 */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { RandomState } from '../../src/core/rng.js';
import { createOptimizer, OPTIMIZER_NAMES } from '../../src/optim/index.js';
import { fromArray, type Tensor } from '../../src/tensor/index.js';

const rng = new RandomState(11);
const params = (): Tensor[] => [fromArray(rng.randnArray(6), [2, 3]), fromArray(rng.randnArray(2), [2, 1])];
const bits = (ts: Tensor[]): string[] => ts.map((t) => Buffer.from(Float64Array.from(t.values()).buffer).toString('hex'));

describe('optimizer getState / setState', () => {
  it.each(OPTIMIZER_NAMES)('%s: 3 steps, a resumed copy, 3 more steps: the same bits as 6 steps', (name) => {
    const grads = Array.from({ length: 6 }, params);
    const settings = { learningRate: 0.01 };
    const a = createOptimizer(name, settings);
    let pa = params();
    const start = pa;
    for (const g of grads.slice(0, 3)) pa = a.step(pa, [g[0] as Tensor, g[1] as Tensor]);
    const b = createOptimizer(name, settings);
    b.setState(a.getState());
    expect(b.steps).toBe(3);
    let pb = pa;
    for (const g of grads.slice(3)) {
      pa = a.step(pa, [g[0] as Tensor, g[1] as Tensor]);
      pb = b.step(pb, [g[0] as Tensor, g[1] as Tensor]);
    }
    expect(bits(pb)).toEqual(bits(pa));
    expect(bits(pa)).not.toEqual(bits(start));
  });

  it('refuses the state of another optimiser', () => {
    const adam = createOptimizer('adam', { learningRate: 0.01 });
    const momentum = createOptimizer('momentum', { learningRate: 0.01 });
    let err: unknown;
    try {
      momentum.setState(adam.getState());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toBe('momentum.setState: name: a state of adam cannot resume momentum');
  });
});
