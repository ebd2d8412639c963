/**
 * Writing a drawn picture (RGBA bytes, as src/viz/heatmap.ts makes them) as a PNG file:
 * encoded by sharp (through ./image.ts, the one file that imports it) and written atomically,
 * so a failed or killed write never leaves half a picture.
 */
import { ArgumentError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { encodePng } from './image.js';

/**
 * Writes `rgba` (width · height · 4 bytes, row-major) to `file` as a PNG.
 * @example await writePng('out/cat-saliency.png', picture.data, picture.width, picture.height);
 */
export async function writePng(file: string, rgba: Uint8Array, width: number, height: number): Promise<void> {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0) {
    throw new ArgumentError('writePng', 'size', `must be positive whole numbers of pixels, got ${width}x${height}`);
  }
  await writeFileAtomic(file, await encodePng(rgba, width, height, 4));
}
