// Shared by the tensor and kernel tests: exact float comparison, ulp distance, typed errors.
import { expect } from 'vitest';
import type { Tensor } from '../../src/tensor/index.js';

/** Same IEEE value: NaN equals NaN, +0 and -0 differ. */
export function sameFloat(a: number, b: number): boolean {
  return Object.is(a, b);
}

const view = new DataView(new ArrayBuffer(16));
/** Distance in units in the last place between two float64s (0 for equal, Infinity across NaN). */
export function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  // Map the bit patterns onto a line where consecutive doubles are consecutive integers.
  const ord = (off: number): bigint => {
    const v = view.getBigInt64(off);
    return v < 0n ? -(v & 0x7fffffffffffffffn) : v;
  };
  const d = ord(0) - ord(8);
  return Number(d < 0n ? -d : d);
}

/** Asserts shape, dtype and every element bit for bit (NaN matches NaN). */
export function expectTensor(t: Tensor, shape: readonly number[], dtype: string, values: readonly number[]): void {
  expect(t.shape).toEqual(shape);
  expect(t.dtype).toBe(dtype);
  const got = Array.from(t.values());
  expect(got.length).toBe(values.length);
  got.forEach((g, i) => {
    if (!sameFloat(g, values[i] ?? Number.NaN)) expect.fail(`element ${i}: got ${g}, want ${values[i]}`);
  });
}

type ErrorClass<E> = new (...args: never[]) => E;

/**
 * Runs `fn`, asserts it throws an instance of `cls` (via toThrow) and that the error carries
 * `fields` (op, argument, shapes, message, ...). Returns the error for further checks.
 */
export function expectError<E extends Error>(fn: () => unknown, cls: ErrorClass<E>, fields: Partial<E> & { message?: string }): E {
  expect(fn).toThrow(cls);
  try {
    fn();
  } catch (e) {
    if (!(e instanceof cls)) throw e;
    expect(e).toMatchObject(fields);
    return e;
  }
  throw new Error('unreachable: toThrow passed but the second call did not throw');
}
