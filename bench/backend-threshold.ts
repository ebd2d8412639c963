/**
 * Where the BLAS backend starts to pay: square products of growing size with each backend
 * forced, medians of many calls. Chose `BLAS_MIN` in src/tensor/linalg.ts.
 *
 *   node out/bench/bench/backend-threshold.js
 */
import { performance } from 'node:perf_hooks';
import '../src/kernels/blas-node.js';
import { setBackend, type BackendName } from '../src/kernels/backend.js';
import { RandomState } from '../src/core/rng.js';
import { fromArray, matmul, transpose } from '../src/tensor/index.js';

function median(f: () => void, count: number): number {
  for (let r = 0; r < count; r++) f();
  const times: number[] = [];
  for (let r = 0; r < count; r++) {
    const t0 = performance.now();
    f();
    times.push((performance.now() - t0) * 1000);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(count / 2)] as number;
}

const rng = new RandomState(1);
const rows: string[] = ['| size | transposed b | ' + (['blas', 'wasm', 'js'] as const).join(' µs | ') + ' µs |'];
for (const s of [2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128]) {
  for (const t of [false, true]) {
    const a = fromArray(rng.randArray(s * s), [s, s]);
    const b0 = fromArray(rng.randArray(s * s), [s, s]);
    const b = t ? transpose(b0) : b0;
    const cells = (['blas', 'wasm', 'js'] as BackendName[]).map((name) => {
      setBackend(name);
      return median(() => matmul(a, b), s <= 32 ? 20001 : 201).toFixed(2);
    });
    rows.push(`| ${s}³ | ${t} | ${cells.join(' | ')} |`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
