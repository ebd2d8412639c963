import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('src/kernels/logistic-wasm-module.ts', () => {
  it('is what src/kernels/wasm/logistic.as compiles to (run npm run build:wasm after editing it)', () => {
    const r = spawnSync(process.execPath, ['src/kernels/wasm/build.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
