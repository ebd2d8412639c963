// Evaluation's first dense layer straight from uint8 pixels: the BLAS path (chunks of rows
// through gemm) against the per-unit pixel kernels and against the layer on prepared inputs.
import { afterAll, describe, expect, it } from 'vitest';
import { firstLayerOnPixels } from '../../src/accel/pixels.js';
import { RandomState } from '../../src/core/rng.js';
import '../../src/kernels/blas-node.js';
import { backendStatuses, setBackend } from '../../src/kernels/backend.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { fromArray, Tensor } from '../../src/tensor/index.js';

const blas = backendStatuses().find((b) => b.name === 'blas')?.available === true;

afterAll(() => setBackend(undefined));

describe.runIf(blas)('firstLayerOnPixels on the blas backend', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`equals the per-unit pixel kernels and the layer on pixels / 255 (${dtype}, 37 images of 7x9x2, 13 units)`, () => {
      setBackend('blas');
      const net = buildModel([7, 9, 2], parseArch('flatten,dense:13,relu,dense:3,softmax'), { init: { kind: 'he' }, seed: 4 });
      if (dtype === 'float32') for (const p of net.parameters()) p.value = p.value.astype('float32');
      const rng = new RandomState(5);
      const u = Uint8Array.from(rng.randArray(37 * 7 * 9 * 2), (r) => Math.floor(r * 256));
      const x = new Tensor(u, [37, 7, 9, 2], 'uint8');
      const viaBlas = firstLayerOnPixels(net, x, 255, 'auto');
      const perUnit = firstLayerOnPixels(net, x, 255, 'js');
      expect(viaBlas?.next).toBe(2);
      expect(viaBlas?.z.dtype).toBe(dtype);
      expect(viaBlas?.z.shape).toEqual([37, 13]);
      const W = net.parameters()[0]?.value as Tensor;
      const b = net.parameters()[1]?.value.values() as Float64Array;
      const xs = fromArray(Float64Array.from(u, (v) => v / 255), [37, 126]);
      const tol = dtype === 'float32' ? 1e-5 : 1e-12;
      const got = [...(viaBlas?.z.values() ?? [])];
      const other = [...(perUnit?.z.values() ?? [])];
      const Wv = W.astype('float64').values();
      for (let j = 0; j < 37; j++) {
        for (let k = 0; k < 13; k++) {
          let s = 0;
          let mag = 0;
          for (let p = 0; p < 126; p++) {
            const t = (xs.values()[j * 126 + p] as number) * (Wv[k * 126 + p] as number);
            s += t;
            mag += Math.abs(t);
          }
          s += b[k] as number;
          mag += Math.abs(b[k] as number);
          expect(Math.abs((got[j * 13 + k] as number) - s)).toBeLessThanOrEqual(tol * mag);
          expect(Math.abs((got[j * 13 + k] as number) - (other[j * 13 + k] as number))).toBeLessThanOrEqual(tol * mag);
        }
      }
    });
  }
});
