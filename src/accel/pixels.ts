/**
 * A model's first dense layer straight from uint8 pixels, for evaluation: Z1 = U W1ᵀ / scale
 * + b1 by the span kernels (integer pixel sums, WebAssembly SIMD), without making the float
 * inputs (20 MB and a pass of divisions for the notes' 209 images). Equal to the layer on
 * the prepared inputs to rounding (the sums are taken in another order).
 */
import { Dense } from '../nn/layers/dense.js';
import type { Sequential } from '../nn/sequential.js';
import { astype, Tensor } from '../tensor/index.js';
import { samplesOf, scoresOf, type FastBackend } from './samples.js';

/**
 * The index of the first layer with parameters when it is dense and only flattens come before
 * it (the layer the span steps and this evaluation reformulate), else -1.
 * @example firstDense(buildModel([64, 64, 3], parseArch('flatten,dense:7,relu,dense:1,sigmoid'), init)) // 1
 */
export function firstDense(model: Sequential): number {
  const i = model.layers.findIndex((l) => l.parameters().length > 0);
  return i >= 0 && model.layers[i] instanceof Dense && model.layers.slice(0, i).every((l) => l.config().kind === 'flatten') ? i : -1;
}

/**
 * The first dense layer's output on pixels x (N, ...) standing for x / scale, and the index
 * of the layer that takes it; null when x is not uint8 or the model does not start so.
 * @example const f = firstLayerOnPixels(net, test.x, 255); if (f) net.predict(f.z, f.next);
 */
export function firstLayerOnPixels(model: Sequential, x: Tensor, scale: number, backend: FastBackend = 'auto'): { z: Tensor; next: number } | null {
  const i = firstDense(model);
  if (x.dtype !== 'uint8' || i < 0) return null;
  const d = model.layers[i] as Dense;
  const s = samplesOf('evaluate', x, scale);
  const [units, n] = d.W.value.shape as [number, number];
  const W = Float64Array.from(d.W.value.values());
  const b = d.b.value.values();
  const out = new Float64Array(s.m * units);
  for (let u = 0; u < units; u++) {
    const z = scoresOf(s, W.subarray(u * n, (u + 1) * n), backend);
    for (let j = 0; j < s.m; j++) out[j * units + u] = (z[j] as number) + (b[u] as number);
  }
  const z = new Tensor(out, [s.m, units], 'float64');
  return { z: d.W.value.dtype === 'float64' ? z : astype(z, d.W.value.dtype), next: i + 1 };
}
