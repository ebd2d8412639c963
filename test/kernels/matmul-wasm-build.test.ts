import { describe, expect, it } from 'vitest';
import { MATMUL_WASM_BASE64 } from '../../src/kernels/matmul-wasm-module.js';

// build.mjs --check (run by logistic-wasm-build.test.ts) checks this module's staleness too.
describe('src/kernels/matmul-wasm-module.ts', () => {
  it('stays under 4 KiB, the browsers\' limit for compiling synchronously on the main thread', () => {
    expect(atob(MATMUL_WASM_BASE64).length).toBeLessThanOrEqual(4096);
  });
});
