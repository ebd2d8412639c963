/**
 * WebAssembly SIMD versions of the Gram-space kernels of ./logistic-gram.ts, each giving the
 * same bits as its plain version: the integer Gram matrix of uint8 pixels
 * (i32x4.dot_i16x8_s, 8 multiply-adds an instruction), the descent's iterations (z = G c in
 * f64x2, σ with a port of V8's exp), w += X c and Xᵀw from the pixels. Sources: ./wasm/logistic.as.
 *
 * No Node-only API: the module's bytes are embedded as base64 and compiled synchronously
 * (under 3 KiB, inside the browsers' 4 KiB limit for synchronous compiles on the main
 * thread). Engines without WebAssembly or without SIMD get `null` here, and callers fall
 * back to the plain kernels.
 */
import type { FloatArray } from '../core/dtype.js';
import type { GramStepper, StepperSettings } from './logistic-gram.js';
import { LOGISTIC_WASM_BASE64 } from './logistic-wasm-module.js';

// The few parts of the WebAssembly JS API used here (tsgrad compiles without the DOM lib).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
type GramBlockU8 = (u: number, stride: number, rows: number, i0: number, g: number) => void;
type Step = (
  gp: number, cp: number, zp: number, z0p: number, yp: number, a0p: number, dzp: number, dbp: number,
  rows: number, m: number, lr: number, b: number, f32: number,
) => number;
type AddWeightsU8 = (u: number, stride: number, m: number, c: number, acc: number, w: number, scale: number) => void;
type ScoresU8 = (u: number, stride: number, m: number, w: number, out: number, scale: number) => void;
interface Kernels {
  memory: WasmMemory;
  gramBlockU8: GramBlockU8;
  step: Step;
  addWeightsU8: AddWeightsU8;
  scoresU8: ScoresU8;
  expV8: (x: number) => number;
}

const PAGE = 65536;
// Per int32 lane the kernel adds stride/4 products of at most 255·255.
const MAX_STRIDE = 4 * Math.floor(0x7fffffff / (255 * 255));

let compiled: { api: WasmApi; module: object } | null | undefined;

function compile(): { api: WasmApi; module: object } | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return compiled;
  const bytes = decodeBase64(LOGISTIC_WASM_BASE64);
  try {
    // validate() is false on engines without SIMD128.
    if (api.validate(bytes)) compiled = { api, module: new api.Module(bytes) };
  } catch {
    compiled = null;
  }
  return compiled;
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** True when this engine runs the SIMD kernels. @example wasmSimdAvailable() // true on Node 20 */
export function wasmSimdAvailable(): boolean {
  return compile() !== null;
}

// Each call gets its own memory, sized for its data and released with it.
function instantiate(bytes: number): Kernels | null {
  const c = compile();
  if (c === null) return null;
  const memory = new c.api.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
  const { exports } = new c.api.Instance(c.module, { env: { memory } });
  return {
    memory,
    gramBlockU8: exports['gramBlockU8'] as GramBlockU8,
    step: exports['step'] as Step,
    addWeightsU8: exports['addWeightsU8'] as AddWeightsU8,
    scoresU8: exports['scoresU8'] as ScoresU8,
    expV8: exports['expV8'] as (x: number) => number,
  };
}

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * The pixel kernels of ./logistic-gram.ts over one copy of the pixels in wasm memory, each
 * giving the same bits as its plain version: `gram` as `gramFromPixels`, `addWeights` as
 * `weightsFromPixels`, `scores` as `scoresFromPixels`.
 */
export interface WasmPixels {
  /** out (m x m) = U Uᵀ / scale²; false (out untouched) when a row is over 132,100 pixels. */
  gram(out: Float64Array): boolean;
  /** w (n) += X c. */
  addWeights(c: Float64Array, w: Float64Array): void;
  /** out (m) = Xᵀ w. */
  scores(w: FloatArray, out: Float64Array): void;
}

/**
 * Copies m samples of n uint8 pixels (standing for pixels / scale) into wasm memory for the
 * SIMD kernels; null without wasm SIMD.
 * @example const px = wasmPixels(u, 209, 12288, 255); px?.gram(G);
 */
export function wasmPixels(u: Uint8Array, m: number, n: number, scale: number): WasmPixels | null {
  // Zero padding changes no sum: rows to a multiple of 16 bytes, row count to 4.
  const stride = roundUp(Math.max(n, 1), 16);
  const rows = roundUp(Math.max(m, 1), 4);
  const at = { g: rows * stride, c: 0, w: 0, acc: 0, out: 0, end: 0 };
  at.c = at.g + rows * rows * 8;
  at.w = at.c + rows * 8;
  at.acc = at.w + stride * 8;
  at.out = at.acc + stride * 8;
  at.end = at.out + rows * 8;
  const k = instantiate(at.end);
  if (k === null) return null;
  const { buffer } = k.memory;
  const mem = new Uint8Array(buffer);
  if (stride === n) mem.set(u.subarray(0, m * n), 0);
  else for (let j = 0; j < m; j++) mem.set(u.subarray(j * n, j * n + n), j * stride);
  const w = new Float64Array(buffer, at.w, n);
  return {
    gram(out: Float64Array): boolean {
      if (stride > MAX_STRIDE) return false;
      // One call per block of 4 rows, not one call for all: V8 first runs wasm in its
      // baseline compiler's code and swaps in optimised code only between calls.
      for (let i0 = 0; i0 < rows; i0 += 4) k.gramBlockU8(0, stride, rows, i0, at.g);
      const g = new Float64Array(buffer, at.g, rows * rows);
      const s2 = scale * scale;
      for (let i = 0; i < m; i++) {
        for (let j = i; j < m; j++) {
          const v = (g[i * rows + j] as number) / s2;
          out[i * m + j] = v;
          out[j * m + i] = v;
        }
      }
      return true;
    },
    addWeights(c: Float64Array, wOut: Float64Array): void {
      new Float64Array(buffer, at.c, m).set(c);
      w.set(wOut.subarray(0, n));
      k.addWeightsU8(0, stride, m, at.c, at.acc, at.w, scale);
      wOut.set(w);
    },
    scores(wIn: FloatArray, out: Float64Array): void {
      w.set(wIn.subarray(0, n));
      k.scoresU8(0, stride, m, at.w, at.out, scale);
      out.set(new Float64Array(buffer, at.out, m));
    },
  };
}

/**
 * out (m x m) = U Uᵀ / scale² like `gramFromPixels`, in exact integer sums with SIMD.
 * Returns false (and leaves `out` alone) when wasm SIMD is missing or a row is too long
 * for int32 sums (over 132,100 pixels).
 * @example if (!wasmGramFromPixels(u, 209, 12288, 255, G)) gramFromPixels(u, 209, 12288, 255, G);
 */
export function wasmGramFromPixels(u: Uint8Array, m: number, n: number, scale: number, out: Float64Array): boolean {
  if (roundUp(Math.max(n, 1), 16) > MAX_STRIDE) return false;
  return wasmPixels(u, m, n, scale)?.gram(out) ?? false;
}

/**
 * `jsGramStepper` in WebAssembly: G, c and the vectors live in wasm memory, z = G c runs with
 * f64x2 SIMD, and σ uses a port of V8's own exp, so the results equal the plain stepper's
 * bit for bit. One call runs one iteration. null without wasm SIMD.
 * @example const s = wasmGramStepper(G, y, settings) ?? jsGramStepper(G, y, settings);
 */
export function wasmGramStepper(G: Float64Array, y: FloatArray, settings: StepperSettings): GramStepper | null {
  const m = y.length;
  const rows = roundUp(Math.max(m, 1), 4);
  const vec = rows * 8;
  const at = { c: rows * vec, z: rows * vec + vec, z0: rows * vec + 2 * vec, y: rows * vec + 3 * vec, a0: rows * vec + 4 * vec, dz: rows * vec + 5 * vec, db: rows * vec + 6 * vec };
  const k = instantiate(at.db + 8);
  if (k === null) return null;
  const { buffer } = k.memory;
  const g = new Float64Array(buffer, 0, rows * rows);
  for (let i = 0; i < m; i++) g.set(G.subarray(i * m, i * m + m), i * rows);
  new Float64Array(buffer, at.y, m).set(y);
  if (settings.z0 !== undefined) new Float64Array(buffer, at.z0, m).set(settings.z0);
  const db = new Float64Array(buffer, at.db, 1);
  const { step } = k;
  const lr = settings.learningRate;
  const f32 = settings.float32 ? 1 : 0;
  return {
    m,
    c: new Float64Array(buffer, at.c, m),
    a0: new Float64Array(buffer, at.a0, m),
    dZ: new Float64Array(buffer, at.dz, m),
    get db() {
      return db[0] as number;
    },
    step: (b: number) => step(0, at.c, at.z, at.z0, at.y, at.a0, at.dz, at.db, rows, m, lr, b, f32),
  };
}

/**
 * The wasm kernels' exp, a port of V8's Math.exp, for checking that the two agree.
 * @example wasmExp()?.(1) // 2.718281828459045
 */
export function wasmExp(): ((x: number) => number) | null {
  return instantiate(0)?.expV8 ?? null;
}
