/**
 * Tensor printing against numpy 2.x with its default print options: the fixtures are the
 * texts numpy printed (test/tensor/fixtures/gen_print.py writes print_cases.json).
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../src/core/dtype.js';
import { fromArray, propagate, scalar, Tensor } from '../../src/index.js';
import { formatTensor } from '../../src/tensor/index.js';

interface Case {
  name: string;
  shape: number[];
  dtype: string;
  values: (number | string | null)[];
  repr: string;
  str: string;
}

const CASES = JSON.parse(readFileSync(new URL('./fixtures/print_cases.json', import.meta.url), 'utf8')) as Case[];
const STORAGE: Record<string, { dtype: DType; make: (n: number) => Float64Array | Float32Array | Int32Array | Uint8Array }> = {
  float64: { dtype: 'float64', make: (n) => new Float64Array(n) },
  float32: { dtype: 'float32', make: (n) => new Float32Array(n) },
  int32: { dtype: 'int32', make: (n) => new Int32Array(n) },
  uint8: { dtype: 'uint8', make: (n) => new Uint8Array(n) },
  bool: { dtype: 'bool', make: (n) => new Uint8Array(n) },
};

function tensorOf(c: Case): Tensor {
  const kind = STORAGE[c.dtype];
  if (kind === undefined) throw new Error(`no storage for ${c.dtype}`);
  const data = kind.make(c.values.length);
  c.values.forEach((v, i) => {
    data[i] = v === null ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : Number(v);
  });
  return new Tensor(data, c.shape, kind.dtype);
}

describe('formatTensor prints what numpy prints', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const t = tensorOf(c);
    expect(formatTensor(t)).toBe(c.repr);
    expect(t.toString()).toBe(c.repr);
    expect(formatTensor(t, 'str')).toBe(c.str);
  });
});

describe('console.log and util.inspect', () => {
  it('show the values, not the fields', () => {
    const t = fromArray([[0.99845601], [2.39507239]]);
    expect(inspect(t)).toBe('tensor([[0.99845601],\n        [2.39507239]], dtype=float64)');
    expect(inspect({ w: scalar(0.5) })).toBe('{ w: tensor(0.5, dtype=float64) }');
    expect(inspect(t)).not.toContain('strides');
  });
  it("prints the notes' propagate gradients as the notes do", () => {
    const { grads, cost } = propagate(fromArray([[1], [2]]), 2, fromArray([[1, 2, -1], [3, 4, -3.2]]), fromArray([[1, 0, 1]]));
    expect(formatTensor(grads.dw, 'str')).toBe('[[0.99845601]\n [2.39507239]]');
    expect(String(cost)).toBe('5.801545319394553');
  });
});
