import { describe, expect, it } from 'vitest';
import { largest, smallest } from '../../src/core/numbers.js';

describe('largest and smallest', () => {
  it('agree with Math.max and Math.min, NaN and empty lists included', () => {
    for (const list of [[3, 1, 2], [-0, 0], [1, Number.NaN, 2], [], [-Infinity]]) {
      expect(largest(list)).toBe(Math.max(...list));
      expect(smallest(list)).toBe(Math.min(...list));
    }
  });
  it('take lists longer than a call takes arguments', () => {
    const big = Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 500_000);
    expect(largest(big)).toBe(499_999);
    expect(smallest(big)).toBe(0);
  });
});
