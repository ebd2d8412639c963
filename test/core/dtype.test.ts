import { describe, expect, it } from 'vitest';
import { DTYPES, allocate, allocateFloat, isDType, isFloat, parseDType, promoteFloat, type DType } from '../../src/core/dtype.js';
import { DTypeError } from '../../src/core/errors.js';
import { expectError } from '../tensor/helpers.js';

describe('dtypes', () => {
  it('allocate zero-filled arrays of the right class', () => {
    const classes: Record<DType, unknown> = {
      float64: Float64Array, float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array,
    };
    for (const d of DTYPES) {
      const a = allocate(d, 3);
      expect(a).toBeInstanceOf(classes[d]);
      expect(Array.from(a)).toEqual([0, 0, 0]);
    }
    expect(allocateFloat('float32', 2)).toBeInstanceOf(Float32Array);
    expect(allocateFloat('float64', 0)).toBeInstanceOf(Float64Array);
  });

  it('isDType / isFloat', () => {
    expect(DTYPES.every(isDType)).toBe(true);
    expect(isDType('float16')).toBe(false);
    expect(isDType(3)).toBe(false);
    expect(DTYPES.filter(isFloat)).toEqual(['float64', 'float32']);
  });

  it('promoteFloat follows numpy: float32 only with float32 and narrower storage types', () => {
    expect(promoteFloat('float32')).toBe('float32');
    expect(promoteFloat('float32', 'uint8')).toBe('float32');
    expect(promoteFloat('bool', 'float32')).toBe('float32');
    expect(promoteFloat('float32', 'float64')).toBe('float64');
    expect(promoteFloat('int32', 'float32')).toBe('float64');
    expect(promoteFloat('uint8')).toBe('float64');
    expect(promoteFloat('bool', 'uint8')).toBe('float64');
    expect(promoteFloat()).toBe('float64');
  });

  it('parseDType names the op and lists the choices', () => {
    expect(parseDType('cli', 'float32')).toBe('float32');
    expectError(() => parseDType('--dtype', 'half'), DTypeError, {
      op: '--dtype', dtypes: ['half'], message: "--dtype: unknown dtype 'half', expected one of float64, float32, int32, uint8, bool",
    });
  });
});
