/**
 * The notes' vectorisation demo on the JavaScript side: the dot product of two 100,000-element
 * float64 vectors (numpy's `np.random.seed(1); np.random.rand(n)` draws, via RandomState) as a
 * plain loop and as tsgrad's `dot` (on the library's backend, or TSGRAD_BACKEND's). Prints one JSON object with the median time of each.
 */
import { performance } from 'node:perf_hooks';
import { RandomState } from '../src/core/rng.js';
import '../src/kernels/blas-node.js';
import { backendInfo } from '../src/kernels/backend.js';
import { dot, fromArray } from '../src/tensor/index.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const n = option('--n', 100_000);
const repeats = option('--repeats', 101);
const rng = new RandomState(1);
const x1 = rng.randArray(n);
const x2 = rng.randArray(n);

// The notes' classic loop: for i in range(len(x1)): dot += x1[i] * x2[i]
function loopDot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function median(f: () => number): { value: number; medianSeconds: number } {
  const times: number[] = [];
  let value = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    value = f();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return { value, medianSeconds: times[Math.floor(times.length / 2)] as number };
}

const a = fromArray(x1);
const b = fromArray(x2);
const out = {
  n,
  backend: backendInfo().name,
  loop: median(() => loopDot(x1, x2)),
  tsgrad: median(() => dot(a, b).item()),
  maxRssBytes: process.resourceUsage().maxRSS * 1024,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
