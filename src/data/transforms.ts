/**
 * Seeded data augmentation on a training batch of prepared images (N, H, W, C), as Keras's
 * RandomFlip / RandomTranslation / RandomBrightness layers and torchvision's
 * RandomHorizontalFlip / RandomCrop(padding) apply them: new draws for every batch of every
 * epoch, never on the test set. `--augment flip,crop:4,brightness:0.1`:
 * - `flip`: each image mirrored left-right with probability 1/2;
 * - `crop:K`: each image padded by K pixels of 0 on every side and cut back to H x W at a
 *   random offset (a shift of -K..K pixels in each direction);
 * - `brightness:D`: a random amount in [-D, D] added to every value of the image.
 * The draws of a batch come from a generator seeded by (seed, epoch, batch), so a run, and a
 * run stopped and resumed, augments the same way every time. Browser-safe.
 */
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** Which augmentations, and how strong. @example parseAugment('flip,crop:4') // { flip: true, crop: 4, brightness: 0 } */
export interface AugmentSpec {
  flip: boolean;
  crop: number;
  brightness: number;
}

const FORM = 'a comma-separated list of flip, crop:K (K pixels, an integer 1..64) and brightness:D (D in (0, 1])';

/**
 * Reads `flip,crop:4,brightness:0.1`; anything else is an ArgumentError naming the option.
 * @example parseAugment('flip,brightness:0.1') // { flip: true, crop: 0, brightness: 0.1 }
 */
export function parseAugment(text: string, option = '--augment'): AugmentSpec {
  const spec: AugmentSpec = { flip: false, crop: 0, brightness: 0 };
  const parts = text.split(',').map((p) => p.trim());
  for (const part of parts) {
    const [name = '', value, extra] = part.split(':');
    const n = value === undefined ? Number.NaN : Number(value);
    if (name === 'flip' && value === undefined) spec.flip = true;
    else if (name === 'crop' && extra === undefined && Number.isInteger(n) && n >= 1 && n <= 64) spec.crop = n;
    else if (name === 'brightness' && extra === undefined && n > 0 && n <= 1) spec.brightness = n;
    else throw new ArgumentError('train', option, `"${part}" is not an augmentation: expected ${FORM}`);
  }
  return spec;
}

/**
 * The spec as `--augment` takes it (for the model file). @example augmentText({ flip: true, crop: 4, brightness: 0 }) // 'flip,crop:4'
 */
export function augmentText(s: AugmentSpec): string {
  return [s.flip ? 'flip' : '', s.crop > 0 ? `crop:${s.crop}` : '', s.brightness > 0 ? `brightness:${s.brightness}` : ''].filter((p) => p !== '').join(',');
}

/** The generator of one batch's draws: (seed, epoch, batch) mixed into one 32-bit seed. */
function batchRng(seed: number, epoch: number, batch: number): RandomState {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  for (const v of [epoch, batch]) h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) ^ (h >>> 13);
  return new RandomState(h >>> 0);
}

/**
 * A new batch: `x` (N, H, W, C) floats augmented by `spec` with the draws of (seed, epoch, batch); `x` is not changed.
 * @example augmentBatch(xb, parseAugment('flip'), 1, epoch, batch).shape // xb.shape
 */
export function augmentBatch(x: Tensor, spec: AugmentSpec, seed: number, epoch: number, batch: number): Tensor {
  if (x.ndim !== 4) throw new ArgumentError('augment', 'x', `expected images (N, H, W, C), got rank ${x.ndim}: --augment is for image data`);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const src = x.contiguous().values();
  const out = new Float64Array(src.length);
  const rng = batchRng(seed, epoch, batch);
  const per = h * w * c;
  for (let i = 0; i < n; i++) {
    // Drawn in a fixed order per image, whichever are used: flip, shift y, shift x, brightness.
    const flip = spec.flip && rng.random() < 0.5;
    const dy = spec.crop > 0 ? Math.floor(rng.random() * (2 * spec.crop + 1)) - spec.crop : 0;
    const dx = spec.crop > 0 ? Math.floor(rng.random() * (2 * spec.crop + 1)) - spec.crop : 0;
    const delta = spec.brightness > 0 ? (rng.random() * 2 - 1) * spec.brightness : 0;
    const base = i * per;
    for (let r = 0; r < h; r++) {
      const sr = r + dy;
      for (let col = 0; col < w; col++) {
        const sc0 = col + dx;
        const sc = flip ? w - 1 - sc0 : sc0;
        const o = base + (r * w + col) * c;
        if (sr < 0 || sr >= h || sc0 < 0 || sc0 >= w) {
          for (let k = 0; k < c; k++) out[o + k] = delta;
          continue;
        }
        const s = base + (sr * w + sc) * c;
        for (let k = 0; k < c; k++) out[o + k] = (src[s + k] as number) + delta;
      }
    }
  }
  const t = new Tensor(out, x.shape, 'float64');
  return x.dtype === 'float32' ? new Tensor(Float32Array.from(out), x.shape, 'float32') : t;
}
