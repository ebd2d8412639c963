/**
 * The optimisers' updates fused into one pass per parameter: the same operations in the same
 * order as the tensor expressions of src/optim/optimizers.ts, so the results are identical
 * bit for bit (float32: every constant and every intermediate rounded to float32, as the
 * tensor ops store them), without the eight temporaries an Adam step would allocate.
 */
import type { FloatArray } from '../core/dtype.js';

/** Adam's constants for one step: β₁, β₂, their complements, the bias corrections 1 − βᵗ, α and ε. */
export interface AdamConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly lr: number;
  readonly epsilon: number;
  readonly correction1: number;
  readonly correction2: number;
}

/**
 * v = β₁v + (1−β₁)g; s = β₂s + (1−β₂)g²; p' = p − α(v/c₁) / (√(s/c₂) + ε), elementwise.
 * `v` and `s` are null on the first step (zeros). Writes p', v and s into the `out` arrays.
 * @example adamUpdate(p, g, null, null, c, false, outP, outV, outS)
 */
export function adamUpdate(p: FloatArray, g: FloatArray, v: FloatArray | null, s: FloatArray | null, c: AdamConstants, f32: boolean, outP: FloatArray, outV: FloatArray, outS: FloatArray): void {
  const r = f32 ? Math.fround : (x: number) => x;
  const [b1, b2, lr, eps, c1, c2] = [c.beta1, c.beta2, c.lr, c.epsilon, c.correction1, c.correction2].map(r) as [number, number, number, number, number, number];
  const [k1, k2] = [r(1 - c.beta1), r(1 - c.beta2)];
  const n = p.length;
  if (!f32) {
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const vi = b1 * (v === null ? 0 : (v[i] as number)) + k1 * gi;
      const si = b2 * (s === null ? 0 : (s[i] as number)) + k2 * (gi * gi);
      outV[i] = vi;
      outS[i] = si;
      outP[i] = (p[i] as number) - (lr * (vi / c1)) / (Math.sqrt(si / c2) + eps);
    }
    return;
  }
  const f = Math.fround;
  for (let i = 0; i < n; i++) {
    const gi = g[i] as number;
    const vi = f(f(b1 * (v === null ? 0 : (v[i] as number))) + f(k1 * gi));
    const si = f(f(b2 * (s === null ? 0 : (s[i] as number))) + f(k2 * f(gi * gi)));
    outV[i] = vi;
    outS[i] = si;
    outP[i] = f((p[i] as number) - f(f(lr * f(vi / c1)) / f(f(Math.sqrt(f(si / c2))) + eps)));
  }
}

/**
 * Gradient descent's p' = p − αg in one pass: the tensor expression `sub(p, mul(α, g))`'s two
 * operations in its order (float32: α and the product rounded to float32, as the ops store
 * them), bit for bit, without its temporary.
 * @example sgdUpdate(p, g, 0.0075, false, outP)
 */
export function sgdUpdate(p: FloatArray, g: FloatArray, lr: number, f32: boolean, outP: FloatArray): void {
  const n = p.length;
  if (!f32) {
    for (let i = 0; i < n; i++) outP[i] = (p[i] as number) - lr * (g[i] as number);
    return;
  }
  const f = Math.fround;
  const a = f(lr);
  for (let i = 0; i < n; i++) outP[i] = f((p[i] as number) - f(a * (g[i] as number)));
}
