/**
 * The matrix product in WebAssembly SIMD: both operands are copied into wasm memory (one
 * memcpy each when contiguous, row- or column-major, so transposed views cost nothing extra;
 * float32 is widened exactly to float64), then a 4 x 4 register-blocked f64x2 kernel
 * (./wasm/matmul.as) runs over blocks of KC steps of the inner dimension, MC panels of rows
 * and NC panels of columns. Sums are float64 throughout; float32 results are rounded once.
 *
 * No Node-only API: the module is embedded as base64 (./matmul-wasm-module.ts, under 1 KiB)
 * and compiled synchronously. Without WebAssembly SIMD `gemmWasm` returns false and the
 * caller runs the plain `gemm` of ./matmul.ts.
 */
import type { TypedArray } from '../core/dtype.js';
import type { MatrixOperand } from './matmul.js';
import { MATMUL_WASM_BASE64 } from './matmul-wasm-module.js';

// The few parts of the WebAssembly JS API used here (tsgrad compiles without the DOM lib).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
type Tiles = (
  a: number, aRow: number, aStep: number, b: number, ldb: number, panel: number, kc: number,
  mPanels: number, nPanels: number, c: number, ldc: number,
) => void;
type PackB = (src: number, lds: number, kc: number, nPanels: number, dst: number) => void;
type Dot = (x: number, y: number, n: number) => number;
interface Kernel {
  memory: WasmMemory;
  tiles: Tiles;
  packB: PackB;
  dot: Dot;
}

const PAGE = 65536;
// Inner-dimension block: one b panel (KC·32 bytes) and the a panels of a block stay in cache.
const KC = 256;
// a panels per call: 64 rows of a block stay in L2 while the b panels pass.
const MC = 16;
// b panels per call. V8 runs a wasm function in baseline code until it has been optimised,
// and swaps the optimised code in only between calls, so the work is cut into many calls.
const NC = 16;

// Packing the right operand's KC-row blocks into 4-column panels (read sequentially by the
// kernel) pays from about 8 panels of the left operand (32 rows) on: 512³ 20.6 -> 15.3 ms,
// 256³ 2.5 -> 2.0 ms; with fewer rows each packed panel is used too few times (7, 8 and 20
// rows by 12288 or 4096 were 10 to 40 % slower packed), and those products read b as it is.
const PACK_MIN = 8;

let kernel: Kernel | null | undefined;

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// One instance for the process, its memory grown to the largest product seen.
function getKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return kernel;
  try {
    const bytes = decodeBase64(MATMUL_WASM_BASE64);
    // validate() is false on engines without SIMD128.
    if (!api.validate(bytes)) return kernel;
    const memory = new api.Memory({ initial: 1 });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    kernel = { memory, tiles: exports['tiles'] as Tiles, packB: exports['packB'] as PackB, dot: exports['dot'] as Dot };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** True when this engine runs the SIMD matrix product. @example matmulWasmAvailable() // true on Node 20 */
export function matmulWasmAvailable(): boolean {
  return getKernel() !== null;
}

interface Placed {
  /** Element index in wasm memory. */
  readonly at: number;
  /** Strides in elements. */
  readonly rs: number;
  readonly cs: number;
}

/**
 * Copies a strided (rows x cols) operand to f64[at..], keeping a contiguous layout as it is
 * (row- or column-major: one memcpy) and else writing it row-major.
 */
function place(f64: Float64Array, at: number, op: MatrixOperand, rows: number, cols: number, rowMajorOnly: boolean): Placed {
  const { data, offset, rowStride: rs, colStride: cs } = op;
  const size = rows * cols;
  if ((cs === 1 || cols === 1) && (rs === cols || rows === 1)) {
    f64.set(data.subarray(offset, offset + size), at);
    return { at, rs: cols, cs: 1 };
  }
  if (!rowMajorOnly && (rs === 1 || rows === 1) && (cs === rows || cols === 1)) {
    f64.set(data.subarray(offset, offset + size), at);
    return { at, rs: 1, cs: rows };
  }
  if (cs === 1) {
    for (let i = 0; i < rows; i++) f64.set(data.subarray(offset + i * rs, offset + i * rs + cols), at + i * cols);
  } else {
    for (let i = 0; i < rows; i++) {
      const s = offset + i * rs;
      const d = at + i * cols;
      for (let j = 0; j < cols; j++) f64[d + j] = data[s + j * cs] as number;
    }
  }
  return { at, rs: cols, cs: 1 };
}

/** Grows the kernel's memory to at least `bytes`; false past the engine's limit. */
function reserve(kern: Kernel, bytes: number): boolean {
  const have = kern.memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    kern.memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    // Past the engine's memory limit (4 GiB, less in some browsers): the plain path.
    return false;
  }
}

/**
 * Σ x[xo + i]·y[yo + i] for i < n with the SIMD kernel, bit for bit the plain `dotF64Plain` of
 * ./matmul.ts (the same four partial sums in the same order); undefined (nothing done)
 * without WebAssembly SIMD. Both vectors are copied into wasm memory first, which costs
 * about as much as the SIMD sum itself: worth it from about 2,000 elements (measured).
 * @example dotWasm(3, x, 0, y, 0) ?? plainDot(x, y)
 */
export function dotWasm(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): number | undefined {
  const kern = getKernel();
  if (kern === null) return undefined;
  const at = even(n);
  if (!reserve(kern, at * 16)) return undefined;
  const f64 = new Float64Array(kern.memory.buffer, 0, 2 * at);
  f64.set(x.subarray(xo, xo + n), 0);
  f64.set(y.subarray(yo, yo + n), at);
  return kern.dot(0, at * 8, n);
}

const transposed = (op: MatrixOperand): MatrixOperand => ({ data: op.data, offset: op.offset, rowStride: op.colStride, colStride: op.rowStride });
const even = (x: number): number => x + (x & 1);

/**
 * out (m x n, contiguous) = a (m x k) @ b (k x n) with the SIMD kernel; false (out untouched)
 * when WebAssembly SIMD is missing. Same contract as `gemm`, whose results it matches to
 * rounding (the sums are taken in another order).
 * @example if (!gemmWasm(m, n, k, a, b, out)) gemm(m, n, k, a, b, out);
 */
export function gemmWasm(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: TypedArray): boolean {
  const kern = getKernel();
  if (kern === null) return false;
  if (m === 0 || n === 0) return true;
  if (k === 0) {
    out.fill(0, 0, m * n);
    return true;
  }
  // The kernel reads 4 consecutive elements of a row of its right operand: use b as it is
  // when its rows are contiguous, else compute outᵀ = bᵀ aᵀ when aᵀ's rows are (a is a
  // transposed view), else copy the smaller operand row by row.
  const flip = b.colStride !== 1 && (a.rowStride === 1 || m < n);
  const [M, N, left, right] = flip ? [n, m, transposed(b), transposed(a)] : [m, n, a, b];
  const mPanels = Math.ceil(M / 4);
  const nPanels = Math.ceil(N / 4);
  const ldc = nPanels * 4;
  // Element counts, each region padded so that the padding rows and columns read in bounds.
  const leftSize = even(M * k + 3 * Math.max(k, M));
  const rightSize = even(k * N + 4);
  const cSize = mPanels * 4 * ldc;
  // One block of KC rows of the right operand, packed in panels of 4 columns.
  const pack = mPanels >= PACK_MIN;
  const packSize = pack ? Math.min(KC, k) * ldc : 0;
  const total = (leftSize + rightSize + cSize + packSize) * 8;
  if (!reserve(kern, total)) return false;
  const buffer = kern.memory.buffer;
  const f64 = new Float64Array(buffer, 0, total / 8);
  const L = place(f64, 0, left, M, k, false);
  const R = place(f64, leftSize, right, k, N, true);
  const c = leftSize + rightSize;
  f64.fill(0, c, c + cSize);
  const packed = (c + cSize) * 8;
  const { tiles, packB } = kern;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    if (pack) packB((R.at + p0 * N) * 8, N * 8, kc, nPanels, packed);
    for (let i0 = 0; i0 < mPanels; i0 += MC) {
      const aAt = (L.at + i0 * 4 * L.rs + p0 * L.cs) * 8;
      const mc = Math.min(MC, mPanels - i0);
      for (let j0 = 0; j0 < nPanels; j0 += NC) {
        const cAt = (c + i0 * 4 * ldc + j0 * 4) * 8;
        const nc = Math.min(NC, nPanels - j0);
        if (pack) tiles(aAt, L.rs * 8, L.cs * 8, packed + j0 * kc * 32, 32, kc * 32, kc, mc, nc, cAt, ldc * 8);
        else tiles(aAt, L.rs * 8, L.cs * 8, (R.at + p0 * N + j0 * 4) * 8, N * 8, 32, kc, mc, nc, cAt, ldc * 8);
      }
    }
  }
  const cv = new Float64Array(buffer, c * 8, cSize);
  if (flip) {
    // Read the product outᵀ in order; the writes go to m sequential streams.
    for (let j = 0; j < n; j++) {
      const row = j * ldc;
      for (let i = 0; i < m; i++) out[i * n + j] = cv[row + i] as number;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const row = i * ldc;
      const o = i * n;
      for (let j = 0; j < n; j++) out[o + j] = cv[row + j] as number;
    }
  }
  return true;
}
