/**
 * Adam's fused update in WebAssembly SIMD (./wasm/optim.as): p, g, v and s are copied into wasm
 * memory, updated two float64 or four float32 lanes at a time, and p', v and s copied back.
 * The same IEEE operations in the same order as `adamUpdate` of ./optim.ts, so the same bits;
 * the float32 loop there spends most of its time on Math.fround after every operation (40 % of
 * a float32 MNIST run's training), which the float32 lanes do not need.
 *
 * No Node-only API: the module is embedded as base64 (./optim-wasm-module.ts). Without
 * WebAssembly SIMD `adamWasm` returns false and the caller runs the loop of ./optim.ts.
 */
import type { FloatArray } from '../core/dtype.js';
import type { AdamConstants } from './optim.js';
import { OPTIM_WASM_BASE64 } from './optim-wasm-module.js';

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
type Adam = (p: number, g: number, v: number, s: number, n: number, b1: number, b2: number, k1: number, k2: number, lr: number, eps: number, c1: number, c2: number) => void;
interface Kernel {
  memory: WasmMemory;
  adamF64: Adam;
  adamF32: Adam;
}

const PAGE = 65536;
// Below this many elements the copies and the call cost more than the loop saves (biases).
export const ADAM_WASM_MIN = 1024;

let kernel: Kernel | null | undefined;

function getKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return kernel;
  try {
    const bin = atob(OPTIM_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    if (!api.validate(bytes)) return kernel;
    const memory = new api.Memory({ initial: 1 });
    const { exports } = new api.Instance(new api.Module(bytes), { env: { memory } });
    kernel = { memory, adamF64: exports['adamF64'] as Adam, adamF32: exports['adamF32'] as Adam };
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * `adamUpdate` (same arguments, same results bit for bit) on the SIMD kernel; false (nothing
 * written) without WebAssembly SIMD or for fewer than ADAM_WASM_MIN elements.
 * @example if (!adamWasm(p, g, v, s, c, false, outP, outV, outS)) adamUpdate(p, g, v, s, c, false, outP, outV, outS);
 */
export function adamWasm(p: FloatArray, g: FloatArray, v: FloatArray | null, s: FloatArray | null, c: AdamConstants, f32: boolean, outP: FloatArray, outV: FloatArray, outS: FloatArray): boolean {
  const n = p.length;
  if (n < ADAM_WASM_MIN) return false;
  const k = getKernel();
  if (k === null) return false;
  const width = f32 ? 4 : 8;
  const bytes = n * width;
  const need = 4 * bytes;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / PAGE));
  const buffer = k.memory.buffer;
  const view = (at: number): FloatArray => (f32 ? new Float32Array(buffer, at, n) : new Float64Array(buffer, at, n));
  const [P, G, V, S] = [view(0), view(bytes), view(2 * bytes), view(3 * bytes)];
  P.set(p);
  G.set(g);
  if (v === null) V.fill(0);
  else V.set(v);
  if (s === null) S.fill(0);
  else S.set(s);
  const r = f32 ? Math.fround : (x: number) => x;
  const run = f32 ? k.adamF32 : k.adamF64;
  run(0, bytes, 2 * bytes, 3 * bytes, n, r(c.beta1), r(c.beta2), r(1 - c.beta1), r(1 - c.beta2), r(c.lr), r(c.epsilon), r(c.correction1), r(c.correction2));
  outP.set(P);
  outV.set(V);
  outS.set(S);
  return true;
}
