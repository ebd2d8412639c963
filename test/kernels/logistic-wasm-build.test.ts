import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOGISTIC_WASM_BASE64 } from '../../src/kernels/logistic-wasm-module.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('src/kernels/logistic-wasm-module.ts', () => {
  it('is what src/kernels/wasm/logistic.as compiles to (run npm run build:wasm after editing it)', () => {
    const r = spawnSync(process.execPath, ['src/kernels/wasm/build.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('stays under 4 KiB, the browsers\' limit for compiling synchronously on the main thread', () => {
    expect(atob(LOGISTIC_WASM_BASE64).length).toBeLessThanOrEqual(4096);
  });
});
