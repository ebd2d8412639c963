/**
 * The single neuron's gradient descent in the span of the samples: plain typed-array kernels
 * (./logistic-wasm.ts has the WebAssembly SIMD versions).
 *
 * Why it is exact: from w = w0, every step w -= (α/m) X (A - Y) adds a combination of the
 * columns of X (the samples), so w = w0 + X c at every iteration, with c (one number per
 * sample) starting at 0 and following c -= (α/m)(A - Y). The scores need only
 * z = Xᵀw + b = Xᵀw0 + G c + b with the Gram matrix G = XᵀX (m x m). With 209 samples of
 * 12288 features, one iteration costs 209² instead of 2·12288·209 multiply-adds; X is read
 * once to build G and once at the end to recover w.
 *
 * Layout: samples one after another (sample j's n features at u[j·n .. j·n+n-1], the raw
 * images' (m, h, w, c) order), uint8 pixels standing for X = pixels / scale, or float rows.
 */
import type { FloatArray } from '../core/dtype.js';

/**
 * One iteration of the descent at a time on the coefficients c (w = w0 + X c) over a fixed
 * Gram matrix, labels and settings (the loop is the trainer's). Two implementations do the same arithmetic in the same
 * order, so they agree bit for bit: `jsGramStepper` here and `wasmGramStepper` (SIMD).
 */
export interface GramStepper {
  readonly m: number;
  /** The coefficients, from 0. */
  readonly c: Float64Array;
  /** A of the last iteration (its cost is the one recorded). */
  readonly a0: Float64Array;
  /** A - Y of the last iteration. */
  readonly dZ: Float64Array;
  /** Σ(A - Y)/m of the last iteration. */
  readonly db: number;
  /** One iteration from bias `b`, forward and update; returns the new bias. */
  step(b: number): number;
}

/** What a stepper is built with besides G and Y. */
export interface StepperSettings {
  learningRate: number;
  /** Round where the plain path stores into float32 tensors (Math.fround). */
  float32: boolean;
  /** Xᵀw0 when starting from non-zero weights w0. */
  z0?: Float64Array;
}

/**
 * z = G c for the row-major m x m G, each row summed in two interleaved partial sums (even
 * and odd columns) added at the end: the order of the f64x2 SIMD kernel.
 * @example gemv2(new Float64Array([1, 2, 3, 4]), new Float64Array([1, 1]), z, 2) // z = [3, 7]
 */
export function gemv2(G: Float64Array, c: Float64Array, z: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    const row = i * m;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < m; j += 2) {
      s0 += (G[row + j] as number) * (c[j] as number);
      s1 += (G[row + j + 1] as number) * (c[j + 1] as number);
    }
    if (j < m) s0 += (G[row + j] as number) * (c[j] as number);
    z[i] = s0 + s1;
  }
}

/**
 * The plain TypeScript stepper. One iteration: z = G c; A = σ(z + z0 + b) with the notes'
 * 1/(1+e⁻ᶻ); dZ = A - Y; c -= α (dZ/m); db = Σ dZ / m (summed in order); b -= α db.
 * @example const s = jsGramStepper(G, y, { learningRate: 0.005, float32: false }); b = s.step(b);
 */
export function jsGramStepper(G: Float64Array, y: FloatArray, settings: StepperSettings): GramStepper {
  const m = y.length;
  const r = settings.float32 ? Math.fround : (x: number) => x;
  const lr = settings.learningRate;
  const inv = 1 / m;
  const z0 = settings.z0 ?? new Float64Array(m);
  const c = new Float64Array(m);
  const z = new Float64Array(m);
  const a0 = new Float64Array(m);
  const dZ = new Float64Array(m);
  const stepper = {
    m,
    c,
    a0,
    dZ,
    db: 0,
    step(b: number): number {
      gemv2(G, c, z, m);
      let sum = 0;
      for (let j = 0; j < m; j++) {
        const zj = r((z[j] as number) + (z0[j] as number));
        const a = r(1 / (1 + Math.exp(-r(zj + b))));
        a0[j] = a;
        const d = r(a - (y[j] as number));
        dZ[j] = d;
        c[j] = r((c[j] as number) - r(lr * r(inv * d)));
        sum += d;
      }
      stepper.db = inv * r(sum);
      return r(b - lr * stepper.db);
    },
  };
  return stepper;
}

/**
 * out (m x m) = U Uᵀ / scale², U the m x n uint8 pixels. Sums are exact integers (below 2⁵³),
 * so each entry is the exact Gram entry rounded once. Plain loops, two rows by two.
 * @example gramFromPixels(new Uint8Array([1, 2, 3, 4]), 2, 2, 1, out) // out = [5, 11, 11, 25]
 */
export function gramFromPixels(u: Uint8Array | FloatArray, m: number, n: number, scale: number, out: Float64Array): void {
  const s2 = scale * scale;
  for (let i = 0; i < m; i += 2) {
    const i1 = Math.min(i + 1, m - 1);
    const a0 = i * n;
    const a1 = i1 * n;
    for (let j = i; j < m; j += 2) {
      const j1 = Math.min(j + 1, m - 1);
      const b0 = j * n;
      const b1 = j1 * n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < n; k++) {
        const x0 = u[a0 + k] as number;
        const x1 = u[a1 + k] as number;
        const y0 = u[b0 + k] as number;
        const y1 = u[b1 + k] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      // Clamped indices at an odd edge rewrite an entry with the same value.
      setSymmetric(out, m, i, j, s00 / s2);
      setSymmetric(out, m, i, j1, s01 / s2);
      setSymmetric(out, m, i1, j, s10 / s2);
      setSymmetric(out, m, i1, j1, s11 / s2);
    }
  }
}

function setSymmetric(out: Float64Array, m: number, i: number, j: number, v: number): void {
  out[i * m + j] = v;
  out[j * m + i] = v;
}

/**
 * The uint8 pixels behind float samples x (m, n), sample after sample, when x is exactly
 * pixels / scale (or that rounded to float32); null as soon as one entry is not.
 * @example pixelsFromRows(new Float64Array([0, 1]), 255, false) // Uint8Array [0, 255]
 */
export function pixelsFromRows(x: FloatArray, scale: number, float32: boolean): Uint8Array | null {
  const values = new Float64Array(256);
  for (let p = 0; p < 256; p++) values[p] = float32 ? Math.fround(p / scale) : p / scale;
  const u = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    const p = (v * scale + 0.5) | 0;
    if ((p & ~255) !== 0 || values[p] !== v) return null;
    u[i] = p;
  }
  return u;
}

/**
 * w += X c for pixels: w[k] += (Σ_j u[j,k]·c[j]) / scale.
 * @example weightsFromPixels(new Uint8Array([2, 4]), 1, 2, new Float64Array([0.5]), 2, w) // w += [0.5, 1]
 */
export function weightsFromPixels(u: Uint8Array | FloatArray, m: number, n: number, c: Float64Array, scale: number, w: Float64Array): void {
  const acc = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    const cj = c[j] as number;
    const row = j * n;
    for (let k = 0; k < n; k++) acc[k] = (acc[k] as number) + (u[row + k] as number) * cj;
  }
  for (let k = 0; k < n; k++) w[k] = (w[k] as number) + (acc[k] as number) / scale;
}

/**
 * out = Xᵀ w for pixels: out[j] = (Σ_k u[j,k]·w[k]) / scale, one score per sample. Each sum
 * in four partial sums over k ≡ 0, 1, 2, 3 (mod 4), combined as (s0 + s2) + (s1 + s3): the
 * order of the SIMD kernel.
 * @example scoresFromPixels(new Uint8Array([2, 4]), 1, 2, new Float64Array([1, 1]), 2, out) // out = [3]
 */
export function scoresFromPixels(u: Uint8Array | FloatArray, m: number, n: number, w: FloatArray, scale: number, out: Float64Array): void {
  const n4 = n - (n % 4);
  for (let j = 0; j < m; j++) {
    const row = j * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < n4; k += 4) {
      s0 += (u[row + k] as number) * (w[k] as number);
      s1 += (u[row + k + 1] as number) * (w[k + 1] as number);
      s2 += (u[row + k + 2] as number) * (w[k + 2] as number);
      s3 += (u[row + k + 3] as number) * (w[k + 3] as number);
    }
    // At most three left over, k ≡ 0, 1, 2 (mod 4).
    if (n4 < n) s0 += (u[row + n4] as number) * (w[n4] as number);
    if (n4 + 1 < n) s1 += (u[row + n4 + 1] as number) * (w[n4 + 1] as number);
    if (n4 + 2 < n) s2 += (u[row + n4 + 2] as number) * (w[n4 + 2] as number);
    out[j] = (s0 + s2 + (s1 + s3)) / scale;
  }
}


/** True when some A is not strictly inside (0, 1) (or is NaN): the cost is then not finite. */
export function saturated(a: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) {
    const v = a[j] as number;
    if (!(v > 0 && v < 1)) return true;
  }
  return false;
}
