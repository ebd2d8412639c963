// `tsgrad info` and the CLI on each backend, as a user runs it (dist/cli/main.js, built by
// `npm test`): the README's command still trains without a BLAS library (TSGRAD_BLAS_LIBRARY
// names a missing file), and a forced backend that cannot run is one line and exit 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeBlas } from '../../src/kernels/blas-node.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const DATA = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const HAVE_BLAS = probeBlas().kernels !== null;
const NO_BLAS = { TSGRAD_BLAS_LIBRARY: '/nonexistent/libcblas.so.3' };

function tsgrad(args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env };
  delete clean['TSGRAD_BACKEND'];
  delete clean['TSGRAD_BLAS_LIBRARY'];
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...clean, ...env } });
}

interface Info { backend: string | null; reason: string; library: string | null; TSGRAD_BACKEND: string | null; tsgrad: string; node: string; backends: { name: string; available: boolean; detail: string }[] }

describe('tsgrad info', () => {
  it(`names the backend that runs and why (here ${HAVE_BLAS ? 'blas' : 'wasm'}), with Node's and tsgrad's versions`, () => {
    const r = tsgrad(['info', '--json']);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as Info;
    expect(info).toMatchObject({ backend: HAVE_BLAS ? 'blas' : 'wasm', tsgrad: '0.2.0', node: process.version, TSGRAD_BACKEND: null });
    expect(info.backends.map((b) => b.name)).toEqual(['blas', 'wasm', 'js']);
    const text = tsgrad(['info']);
    expect(text.stdout).toContain(`backend: ${info.backend}`);
    expect(text.stdout).toContain('TSGRAD_BACKEND: (unset');
  });

  it('without a BLAS library: wasm, saying which file was tried and why it failed', () => {
    const info = JSON.parse(tsgrad(['info', '--json'], NO_BLAS).stdout) as Info;
    expect(info.backend).toBe('wasm');
    expect(info.backends[0]).toMatchObject({ name: 'blas', available: false });
    expect(info.backends[0]?.detail).toContain('/nonexistent/libcblas.so.3');
  });

  it('a forced backend that cannot run: one line naming TSGRAD_BACKEND and why, exit 2 (info and train alike)', () => {
    const info = tsgrad(['info'], { ...NO_BLAS, TSGRAD_BACKEND: 'blas' });
    expect(info.status).toBe(2);
    expect(info.stdout).toContain('backend: none: TSGRAD_BACKEND: blas: not available: no BLAS library found (/nonexistent/libcblas.so.3:');
    const train = tsgrad(['train', '--data', DATA], { ...NO_BLAS, TSGRAD_BACKEND: 'blas' });
    expect(train.status).toBe(2);
    expect(train.stdout).toBe('');
    expect(train.stderr.trim().split('\n')).toHaveLength(1);
    expect(train.stderr).toMatch(/^tsgrad: error: TSGRAD_BACKEND: blas: not available: no BLAS library found/);
    const bad = tsgrad(['train', '--data', DATA], { TSGRAD_BACKEND: 'gpu' });
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'tsgrad: error: TSGRAD_BACKEND: gpu: expected one of blas, wasm, js']);
  });
});

describe("the README's command without BLAS and on each forced backend", () => {
  const cases: [string, Record<string, string>][] = [['no BLAS library', NO_BLAS], ['TSGRAD_BACKEND=wasm', { TSGRAD_BACKEND: 'wasm' }], ['TSGRAD_BACKEND=js', { TSGRAD_BACKEND: 'js' }]];
  if (HAVE_BLAS) cases.unshift(['TSGRAD_BACKEND=blas', { TSGRAD_BACKEND: 'blas' }]);
  for (const [name, env] of cases) {
    it(`${name}: tsgrad train prints the notes' last cost and accuracies`, () => {
      const r = tsgrad(['train', '--data', DATA], env);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Cost after iteration 1900: 0.140872');
      expect(r.stdout).toContain('train accuracy: 99.04306220095694 %');
      expect(r.stdout).toContain('test accuracy: 70.0 %');
    }, 120_000);
  }
});
