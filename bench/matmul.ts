/**
 * The deep models' matrix products on the JavaScript side: tsgrad's `matmul` (the fast path
 * the library uses) and the plain reference `gemm`, on the notes' shapes, with inputs drawn
 * as numpy's `np.random.seed(s); np.random.rand(...)` (via RandomState) so that
 * bench/numpy_matmul.py multiplies the same matrices. Prints one JSON line per shape.
 *
 *   [TSGRAD_BACKEND=blas|wasm|js] node out/bench/bench/matmul.js [--repeats 9] [--plain]
 *
 * The kernel backend is the library's choice (the system BLAS registered as the Node entry
 * points register it), or the one TSGRAD_BACKEND forces; each line names it.
 *
 * The plain reference runs once a shape; its time is printed for the large shapes (one call
 * of seconds' scale is a fair measure there) and, with --plain, for all.
 *
 * Each shape: the median of `--repeats` calls after as many warm-up calls (1001 and 1001
 * for products under a million multiply-adds).
 */
import { performance } from 'node:perf_hooks';
import { RandomState } from '../src/core/rng.js';
import '../src/kernels/blas-node.js';
import { backendInfo } from '../src/kernels/backend.js';
import { gemm } from '../src/kernels/matmul.js';
import { fromArray, matmul, transpose, type Tensor } from '../src/tensor/index.js';
import { MATMUL_SHAPES } from './matmul-shapes.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const repeats = option('--repeats', 9);
// Small products take microseconds: many more calls, after as many warm-up calls, so that
// the median is of optimised code and not of the first calls' baseline code.
const SMALL = 1e6;
const SMALL_REPEATS = 1001;
const withPlain = process.argv.includes('--plain');

function medianSeconds(f: () => void, count: number): number {
  const times: number[] = [];
  for (let r = 0; r < count; r++) f();
  for (let r = 0; r < count; r++) {
    const t0 = performance.now();
    f();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)] as number;
}

function operand(t: Tensor) {
  return { data: t.data, offset: t.offset, rowStride: t.strides[0] ?? 0, colStride: t.strides[1] ?? 0 };
}

for (const shape of MATMUL_SHAPES) {
  const rng = new RandomState(shape.seed);
  // Stored as numpy stores them; a transposed operand is a view of the stored matrix.
  const [ar, ac] = shape.aTransposed ? [shape.k, shape.m] : [shape.m, shape.k];
  const [br, bc] = shape.bTransposed ? [shape.n, shape.k] : [shape.k, shape.n];
  const dtype = shape.dtype ?? 'float64';
  const aStored = fromArray(rng.randArray(ar * ac), [ar, ac], dtype);
  const bStored = fromArray(rng.randArray(br * bc), [br, bc], dtype);
  const a = shape.aTransposed ? transpose(aStored) : aStored;
  const b = shape.bTransposed ? transpose(bStored) : bStored;
  let y = matmul(a, b);
  const seconds = medianSeconds(() => {
    y = matmul(a, b);
  }, shape.m * shape.n * shape.k < SMALL ? SMALL_REPEATS : repeats);
  // The plain reference, once (it takes seconds on the large shapes): the largest
  // difference from the fast path, relative to Σ|a||b| (all inputs are positive here, so
  // that is the result itself).
  const plain = dtype === 'float32' ? new Float32Array(shape.m * shape.n) : new Float64Array(shape.m * shape.n);
  const t0 = performance.now();
  gemm(shape.m, shape.n, shape.k, operand(a), operand(b), plain);
  const plainSeconds = (performance.now() - t0) / 1000;
  let maxRel = 0;
  let sum = 0;
  for (let i = 0; i < plain.length; i++) {
    const v = y.data[i] as number;
    sum += v;
    maxRel = Math.max(maxRel, Math.abs(v - (plain[i] as number)) / Math.abs(plain[i] as number));
  }
  process.stdout.write(`${JSON.stringify({ name: shape.name, backend: backendInfo().name, medianSeconds: seconds, plainSeconds: withPlain || shape.m * shape.n * shape.k >= SMALL ? plainSeconds : undefined, sum, maxRelToPlain: maxRel, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}
