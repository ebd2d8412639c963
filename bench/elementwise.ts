/**
 * Elementwise ops and reductions on 1M float64 elements (random normal values, so signs
 * are unpredictable) against plain loops: the median of `--runs` (default 7) timings per
 * row, in milliseconds. Two tables: the public ops (each allocates its output, as a plain
 * loop writing a fresh array does) and their kernels writing into a preallocated output.
 * Every op first runs on float64, float32, int32, bool and uint8 inputs, as a training run
 * mixes them, so the timed calls meet call sites that have seen every dtype and kind
 * (`--f64-only` skips that).
 *
 *   npx tsc -p tsconfig.json && npx tsc -p bench/tsconfig.json && node out/bench/bench/elementwise.js
 */
import { performance } from 'node:perf_hooks';
import { RandomState } from '../src/core/rng.js';
import { binaryKernel, unaryKernel, whereKernel, type Operand } from '../src/kernels/elementwise.js';
import { reduceKernel } from '../src/kernels/reduce.js';
import {
  add, astype, div, equal, exp, fromArray, greater, less, log, max, maximum, min, minimum, mul, neg, reshape, sigmoid, sqrt, sub, sum, tanh, where,
  type Tensor,
} from '../src/tensor/index.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const n = option('--n', 1_000_000);
const runs = option('--runs', 7);
const rng = new RandomState(1);
const xs = rng.randnArray(n);
const ys = rng.randnArray(n);
const a = fromArray(xs);
const b = fromArray(ys);
const a2 = reshape(a, [n / 4, 4]);
const bias = fromArray(rng.randnArray(4));
const col = reshape(fromArray(xs.slice(0, n / 4)), [n / 4, 1]);
const pos = fromArray(xs.map(Math.abs));
const cond = greater(a, 0);
const preallocated = new Float64Array(n);

function plainAdd(x: Float64Array, y: Float64Array, o: Float64Array): Float64Array {
  for (let i = 0; i < o.length; i++) o[i] = (x[i] as number) + (y[i] as number);
  return o;
}

const OPS: [string, () => unknown][] = [
  ['plain loop o[i]=x[i]+y[i] (preallocated)', () => plainAdd(xs, ys, preallocated)],
  ['plain loop, allocating', () => plainAdd(xs, ys, new Float64Array(n))],
  ['add(a, b)', () => add(a, b)],
  ['sub(a, b)', () => sub(a, b)],
  ['mul(a, b)', () => mul(a, b)],
  ['div(a, b)', () => div(a, b)],
  ['mul(a, 2)', () => mul(a, 2)],
  ['sub(1, a)', () => sub(1, a)],
  ['maximum(a, 0)', () => maximum(a, 0)],
  ['minimum(a, b)', () => minimum(a, b)],
  ['bias add (n,4)+(4)', () => add(a2, bias)],
  ['column sub (n,4)-(n,1)', () => sub(a2, col)],
  ['equal(a (n,4), col (n,1))', () => equal(a2, col)],
  ['greater(a, 0)', () => greater(a, 0)],
  ['less(a, b)', () => less(a, b)],
  ['where(greater(a,0), a, 0)', () => where(greater(a, 0), a, 0)],
  ['where(c, dy, 0), c given', () => where(cond, b, 0)],
  ['neg(a)', () => neg(a)],
  ['exp(a)', () => exp(a)],
  ['log(|a|)', () => log(pos)],
  ['sqrt(|a|)', () => sqrt(pos)],
  ['tanh(a)', () => tanh(a)],
  ['sigmoid(a)', () => sigmoid(a)],
  ['astype(a, float32)', () => astype(a, 'float32')],
  ['sum (n/4,4) axis -1', () => sum(a2, { axis: -1 })],
  ['sum (n/4,4) axis 0', () => sum(a2, { axis: 0 })],
  ['sum (n/4,4) all', () => sum(a2)],
  ['max (n/4,4) axis -1', () => max(a2, { axis: -1 })],
  ['max (n/4,4) axis 0', () => max(a2, { axis: 0 })],
  ['min (n/4,4) all', () => min(a2)],
];

// The kernels alone, into preallocated outputs: what the loops cost without the allocation.
const vec = (t: Tensor, strides: number[]): Operand => ({ data: t.data, offset: 0, strides });
const zero: Operand = { data: new Float64Array([0]), offset: 0, strides: [0] };
const out64 = new Float64Array(n);
const outBool = new Uint8Array(n);
const rows = new Float64Array(n / 4);
const cols = new Float64Array(4);
const one = new Float64Array(1);
function plainExp(x: Float64Array, o: Float64Array): Float64Array {
  for (let i = 0; i < o.length; i++) o[i] = Math.exp(x[i] as number);
  return o;
}
function plainRelu(x: Float64Array, o: Float64Array): Float64Array {
  for (let i = 0; i < o.length; i++) {
    const v = x[i] as number;
    o[i] = v > 0 ? v : 0;
  }
  return o;
}
const KERNELS: [string, () => unknown][] = [
  ['plain loop o[i]=x[i]+y[i]', () => plainAdd(xs, ys, out64)],
  ['plain loop Math.exp', () => plainExp(xs, out64)],
  ['plain loop v > 0 ? v : 0', () => plainRelu(xs, out64)],
  ['add contiguous', () => binaryKernel('add', vec(a, [1]), vec(b, [1]), [n], out64)],
  ['mul contiguous', () => binaryKernel('mul', vec(a, [1]), vec(b, [1]), [n], out64)],
  ['mul by scalar', () => binaryKernel('mul', vec(a, [1]), zero, [n], out64)],
  ['maximum(a, 0)', () => binaryKernel('maximum', vec(a, [1]), zero, [n], out64)],
  ['minimum(a, b)', () => binaryKernel('minimum', vec(a, [1]), vec(b, [1]), [n], out64)],
  ['bias add (n,4)+(4)', () => binaryKernel('add', vec(a, [4, 1]), vec(bias, [0, 1]), [n / 4, 4], out64)],
  ['equal (n,4) vs (n,1)', () => binaryKernel('equal', vec(a, [4, 1]), vec(col, [1, 0]), [n / 4, 4], outBool)],
  ['greater(a, 0)', () => binaryKernel('greater', vec(a, [1]), zero, [n], outBool)],
  ['where(c, a, 0)', () => whereKernel(vec(cond, [1]), vec(a, [1]), zero, [n], out64)],
  ['exp', () => unaryKernel('exp', vec(a, [1]), [n], out64)],
  ['neg', () => unaryKernel('neg', vec(a, [1]), [n], out64)],
  ['sigmoid', () => unaryKernel('sigmoid', vec(a, [1]), [n], out64)],
  ['transposed copy (4,n/4)ᵀ', () => unaryKernel('identity', vec(a, [1, n / 4]), [n / 4, 4], out64)],
  ['sum axis -1', () => reduceKernel('sum', a.data, 0, [4, 1], [n / 4, 4], [false, true], rows)],
  ['sum axis 0', () => reduceKernel('sum', a.data, 0, [4, 1], [n / 4, 4], [true, false], cols)],
  ['sum all', () => reduceKernel('sum', a.data, 0, [4, 1], [n / 4, 4], [true, true], one)],
  ['max axis -1', () => reduceKernel('max', a.data, 0, [4, 1], [n / 4, 4], [false, true], rows)],
  ['max axis 0', () => reduceKernel('max', a.data, 0, [4, 1], [n / 4, 4], [true, false], cols)],
  ['max all', () => reduceKernel('max', a.data, 0, [4, 1], [n / 4, 4], [true, true], one)],
];

// Warm-up on every dtype the ops meet in practice: the timed calls then run at call sites
// that have seen them all.
function warm(t: Tensor, u: Tensor): void {
  const t2 = reshape(t, [t.size / 4, 4]);
  add(t, u); sub(t, u); mul(t, 2); div(t, u); maximum(t, 0); minimum(t, u); less(t, u);
  equal(t2, reshape(u, [u.size / 4, 4])); where(greater(t, 0), t, 0); exp(t); log(t); sqrt(t); tanh(t); sigmoid(t); neg(t);
  sum(t2, { axis: 0 }); sum(t2, { axis: -1 }); sum(t2); max(t2, { axis: 0 }); min(t2, { axis: -1 });
}
if (!process.argv.includes('--f64-only')) {
  const small = fromArray(xs.slice(0, 4096));
  const smallB = fromArray(ys.slice(0, 4096));
  for (const dt of ['float64', 'float32', 'int32', 'bool', 'uint8'] as const) warm(astype(small, dt), astype(smallB, dt));
}

function table(rowsIn: [string, () => unknown][]): { op: string; ms: number }[] {
  for (const [, f] of rowsIn) for (let r = 0; r < 3; r++) f();
  return rowsIn.map(([op, f]) => {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      f();
      times.push(performance.now() - t0);
    }
    times.sort((p, q) => p - q);
    return { op, ms: times[Math.floor(times.length / 2)] as number };
  });
}

const result = { n, runs, ops: table(OPS), kernels: table(KERNELS) };
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  for (const [title, rs] of [['op (allocates its output)', result.ops], ['kernel (preallocated output)', result.kernels]] as const) {
    const width = Math.max(title.length, ...rs.map((r) => r.op.length));
    process.stdout.write(`${title.padEnd(width)}  median ms\n`);
    for (const r of rs) process.stdout.write(`${r.op.padEnd(width)}  ${r.ms.toFixed(2).padStart(9)}\n`);
  }
}
