/**
 * Which kernels run the matrix products: a native BLAS (registered by a Node entry point,
 * ./blas-node.ts), the WebAssembly SIMD kernels (./matmul-wasm.ts), or plain TypeScript
 * (./matmul.ts). The first that is available is chosen at first use, unless a program (or
 * `TSGRAD_BACKEND`, passed in by the Node registrar) forces one.
 *
 * Browser-safe: nothing here imports Node. The browser build never registers a native
 * backend, so it runs wasm (or js); the FFI lives only in ./blas-node.ts.
 */
import type { TypedArray } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import type { MatrixOperand } from './matmul.js';
import { matmulWasmAvailable } from './matmul-wasm.js';

/** The kernel backends, fastest first. */
export const BACKEND_NAMES = ['blas', 'wasm', 'js'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Products a native library computes. Operands and `out` follow `gemm`'s contract (./matmul.ts). */
export interface NativeKernels {
  /** The library file that was loaded (e.g. `libopenblas.so.0`). */
  readonly library: string;
  /** out = a @ b; false (out untouched) when it does not take these operands (dtypes). */
  gemm(m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, out: TypedArray): boolean;
  /** Σ x[xo + i]·y[yo + i], i < n, unit strides. */
  dot(n: number, x: Float64Array, xo: number, y: Float64Array, yo: number): number;
}

/** What probing for a native library found: the kernels, or why there are none. */
export interface NativeProbe {
  readonly kernels: NativeKernels | null;
  /** Which file was loaded, or what was tried and why each failed (one line). */
  readonly detail: string;
}

/** One backend's availability, for `tsgrad info`. */
export interface BackendStatus {
  readonly name: BackendName;
  readonly available: boolean;
  readonly detail: string;
}

/** The backend that runs, and why. */
export interface BackendInfo {
  readonly name: BackendName;
  readonly reason: string;
  /** The value of TSGRAD_BACKEND (or of `setBackend`), when one was given. */
  readonly requested: string | undefined;
  /** The native library, when the BLAS backend runs. */
  readonly library: string | undefined;
}

/** The choice linalg reads on every product: the name and, for blas, its kernels. */
export interface ActiveBackend {
  readonly name: BackendName;
  readonly native: NativeKernels | null;
}

let probeNative: (() => NativeProbe) | undefined;
let probed: NativeProbe | undefined;
let requested: { value: string; source: string } | undefined;
let active: (ActiveBackend & { info: BackendInfo }) | undefined;

function nativeProbe(): NativeProbe {
  if (probed !== undefined) return probed;
  probed = probeNative === undefined
    ? { kernels: null, detail: 'no native backend registered (the browser build, or code that imports src/ without the Node entry points)' }
    : probeNative();
  return probed;
}

/**
 * Each backend's availability; probes the native library once (it loads on the first call),
 * unless `probe` is false.
 * @example backendStatuses().map((s) => s.name) // ['blas', 'wasm', 'js']
 */
export function backendStatuses(probe = true): readonly BackendStatus[] {
  const native = probe ? nativeProbe() : { kernels: null, detail: 'not loaded (another backend is forced)' };
  const wasm = matmulWasmAvailable();
  return [
    { name: 'blas', available: native.kernels !== null, detail: native.detail },
    { name: 'wasm', available: wasm, detail: wasm ? 'WebAssembly SIMD runs on this engine' : 'this engine has no WebAssembly SIMD' },
    { name: 'js', available: true, detail: 'plain TypeScript loops, always available' },
  ];
}

function choose(): ActiveBackend & { info: BackendInfo } {
  const make = (name: BackendName, reason: string) => {
    const native = name === 'blas' ? nativeProbe().kernels : null;
    return { name, native, info: { name, reason, requested: requested?.value, library: native?.library } };
  };
  if (requested !== undefined) {
    const { value, source } = requested;
    // A forced wasm or js backend never loads the native library.
    const backends = value === 'wasm' || value === 'js' ? backendStatuses(false) : backendStatuses();
    const status = backends.find((s) => s.name === value);
    if (status === undefined) throw new ArgumentError(source, value, `expected one of ${BACKEND_NAMES.join(', ')}`);
    if (!status.available) throw new ArgumentError(source, value, `not available: ${status.detail}`);
    return make(status.name, `forced by ${source}=${value}`);
  }
  const backends = backendStatuses();
  const first = backends.find((s) => s.available) as BackendStatus;
  const skipped = backends.filter((s) => s.name !== first.name && BACKEND_NAMES.indexOf(s.name) < BACKEND_NAMES.indexOf(first.name));
  const why = skipped.map((s) => `${s.name}: ${s.detail}`).join('; ');
  return make(first.name, `the first available of ${BACKEND_NAMES.join(', ')}${why === '' ? '' : ` (${why})`}`);
}

/**
 * Registers the native library's probe (Node entry points only) and the TSGRAD_BACKEND value.
 * The probe runs at the first product or `backendInfo()` call, so programs that never
 * multiply matrices never load the library.
 * @example registerNativeBackend(probeBlas, process.env['TSGRAD_BACKEND'])
 */
export function registerNativeBackend(probe: () => NativeProbe, request: string | undefined): void {
  probeNative = probe;
  probed = undefined;
  active = undefined;
  requested = request === undefined || request.trim() === '' ? undefined : { value: request.trim(), source: 'TSGRAD_BACKEND' };
}

/**
 * Forces a backend in this process (tests, benchmarks, programs); `undefined` returns to the
 * automatic choice. Throws an `ArgumentError` when the backend is not available here.
 * @example setBackend('wasm'); matmul(a, b); setBackend(undefined)
 */
export function setBackend(name: BackendName | undefined): BackendInfo {
  requested = name === undefined ? undefined : { value: name, source: 'setBackend' };
  active = undefined;
  return backendInfo();
}

/** The backend that runs and why; throws an `ArgumentError` when a forced one is not available. @example backendInfo().name // 'blas' */
export function backendInfo(): BackendInfo {
  active ??= choose();
  return active.info;
}

/** The running backend, chosen once. @example activeBackend().name === 'blas' */
export function activeBackend(): ActiveBackend {
  active ??= choose();
  return active;
}
