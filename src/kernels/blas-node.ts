/**
 * The system BLAS through koffi (an FFI with prebuilt binaries in its npm package): cblas_dgemm,
 * cblas_sgemm and cblas_ddot of OpenBLAS (Debian's libopenblas0-pthread), a CBLAS-carrying
 * libblas, or macOS's Accelerate. Node-only: importing this module registers the probe into
 * the browser-safe registry (./backend.ts) with TSGRAD_BACKEND; the library is loaded at the
 * first product (TSGRAD_BLAS_LIBRARY names another file). Only Node entry points (src/cli/main.ts, src/index.ts) import it.
 *
 * Typed arrays are passed to C as pointers to their own memory (koffi copies nothing), so a
 * product costs about 0.2 µs more than the BLAS call itself; strided views go in place
 * through the transpose flags and leading dimensions, only other layouts are copied.
 */
import { createRequire } from 'node:module';
import type { TypedArray } from '../core/dtype.js';
import { registerNativeBackend, type NativeKernels, type NativeProbe } from './backend.js';
import type { MatrixOperand } from './matmul.js';

type KoffiModule = typeof import('koffi');

// Tried in order: OpenBLAS first (threaded, the fastest here), then the generic names that
// Debian's alternatives point at whichever BLAS is installed.
const LIBRARIES: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ['libopenblas.so.0', 'libcblas.so.3', 'libblas.so.3'],
  darwin: ['/System/Library/Frameworks/Accelerate.framework/Accelerate', 'libopenblas.dylib'],
  win32: ['libopenblas.dll'],
};
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

type Gemm = (
  order: number, ta: number, tb: number, m: number, n: number, k: number, alpha: number,
  a: TypedArray, lda: number, b: TypedArray, ldb: number, beta: number, c: TypedArray, ldc: number,
) => void;
type Ddot = (n: number, x: Float64Array, incx: number, y: Float64Array, incy: number) => number;
type SetThreads = (n: number) => void;

// Products under this many multiply-adds run on one OpenBLAS thread. A mini-batch's products
// (128 x 784 x 128: 12.8M, 1 ms) gain little from a second thread, which then waits for a
// core: when other work holds it (a shared machine, a second process) each call waits for the
// scheduler. On this 2-core machine at load 20, the notes' first layer (209 x 12288 x 20,
// 51M) took 155 ms a call on two threads, against about 3 ms on one. From 512³ (2^27) on, every thread.
const ONE_THREAD_BELOW = 1 << 27;

/**
 * OpenBLAS's thread count, set only when it changes (`openblas_set_num_threads`); a no-op for
 * libraries without it (the reference BLAS, Accelerate). The count at load is the most used.
 */
function threadControl(lib: ReturnType<KoffiModule['load']>): (macs: number) => void {
  let set: SetThreads;
  let max: number;
  try {
    set = lib.func('void openblas_set_num_threads(int)') as SetThreads;
    max = (lib.func('int openblas_get_num_threads()') as () => number)();
  } catch {
    return () => {};
  }
  let now = max;
  return (macs) => {
    const want = macs < ONE_THREAD_BELOW ? 1 : max;
    if (want !== now) {
      set(want);
      now = want;
    }
  };
}

/** A BLAS operand: the array from the first element on, transposed or not, and its leading dimension. */
interface BlasOperand {
  readonly data: TypedArray;
  readonly trans: number;
  readonly ld: number;
}

/**
 * How BLAS reads a (rows x cols) strided operand in place: row-major (contiguous rows, as
 * NoTrans) or column-major (a transposed view, as Trans with the stored leading dimension);
 * else a row-major copy. Strides of an axis of length 1 are never used, so they do not count.
 */
function blasOperand(op: MatrixOperand, rows: number, cols: number, make: (n: number) => TypedArray): BlasOperand {
  const { data, offset, rowStride: rs, colStride: cs } = op;
  if ((cols <= 1 || cs === 1) && (rows <= 1 || rs >= Math.max(1, cols))) {
    return { data: data.subarray(offset), trans: NO_TRANS, ld: rows <= 1 ? Math.max(1, cols) : rs };
  }
  if ((rows <= 1 || rs === 1) && (cols <= 1 || cs >= Math.max(1, rows))) {
    return { data: data.subarray(offset), trans: TRANS, ld: cols <= 1 ? Math.max(1, rows) : cs };
  }
  const copy = make(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) copy[i * cols + j] = data[offset + i * rs + j * cs] as number;
  return { data: copy, trans: NO_TRANS, ld: Math.max(1, cols) };
}

/** Widens a non-float64 operand to a float64 copy (exact), keeping the float64 ones as they are. */
function asFloat64(op: MatrixOperand, rows: number, cols: number): MatrixOperand {
  if (op.data instanceof Float64Array) return op;
  const copy = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) copy[i * cols + j] = op.data[op.offset + i * op.rowStride + j * op.colStride] as number;
  return { data: copy, offset: 0, rowStride: cols, colStride: 1 };
}

function kernelsOf(koffi: KoffiModule, file: string): NativeKernels {
  const lib = koffi.load(file);
  const dgemm = lib.func('void cblas_dgemm(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int)') as Gemm;
  const sgemm = lib.func('void cblas_sgemm(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int)') as Gemm;
  const ddot = lib.func('double cblas_ddot(int, const double *, int, const double *, int)') as Ddot;
  const threadsFor = threadControl(lib);
  return {
    library: file,
    gemm(m, n, k, a, b, out) {
      if (m === 0 || n === 0) return true;
      if (k === 0) {
        out.fill(0, 0, m * n);
        return true;
      }
      threadsFor(m * n * k);
      if (out instanceof Float32Array) {
        // sgemm only for float32 @ float32; other mixes keep the wasm kernel's float64 sums.
        if (!(a.data instanceof Float32Array && b.data instanceof Float32Array)) return false;
        const A = blasOperand(a, m, k, (s) => new Float32Array(s));
        const B = blasOperand(b, k, n, (s) => new Float32Array(s));
        sgemm(ROW_MAJOR, A.trans, B.trans, m, n, k, 1, A.data, A.ld, B.data, B.ld, 0, out, n);
        return true;
      }
      if (!(out instanceof Float64Array)) return false;
      const A = blasOperand(asFloat64(a, m, k), m, k, (s) => new Float64Array(s));
      const B = blasOperand(asFloat64(b, k, n), k, n, (s) => new Float64Array(s));
      dgemm(ROW_MAJOR, A.trans, B.trans, m, n, k, 1, A.data, A.ld, B.data, B.ld, 0, out, n);
      return true;
    },
    dot(n, x, xo, y, yo) {
      // OpenBLAS splits a dot from 10,000 elements; 100,000 run faster on one thread (14 against 18 µs).
      threadsFor(n);
      return ddot(n, x.subarray(xo, xo + n), 1, y.subarray(yo, yo + n), 1);
    },
  };
}

/**
 * Loads koffi and the first BLAS library of this platform that has the CBLAS symbols.
 * @example probeBlas().detail // 'libopenblas.so.0 loaded through koffi'
 */
export function probeBlas(): NativeProbe {
  let koffi: KoffiModule;
  try {
    koffi = createRequire(import.meta.url)('koffi') as KoffiModule;
  } catch (e) {
    return { kernels: null, detail: `koffi did not load: ${firstLine(e)}` };
  }
  // TSGRAD_BLAS_LIBRARY names one library to load instead (another CBLAS, e.g. MKL's), or a
  // missing file to run without BLAS.
  const chosen = process.env['TSGRAD_BLAS_LIBRARY'];
  const files = chosen !== undefined && chosen !== '' ? [chosen] : (LIBRARIES[process.platform] ?? []);
  const failures: string[] = [];
  for (const file of files) {
    try {
      return { kernels: kernelsOf(koffi, file), detail: `${file} loaded through koffi` };
    } catch (e) {
      failures.push(`${file}: ${firstLine(e)}`);
    }
  }
  return { kernels: null, detail: files.length === 0 ? `no BLAS library names known for ${process.platform}` : `no BLAS library found (${failures.join('; ')})` };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

registerNativeBackend(probeBlas, process.env['TSGRAD_BACKEND']);
