/**
 * The image-folder options (`--image-size`, `--resize`, `--channels`, `--no-cache`, `--skip-bad-images`) as the
 * data request's `images`, with a progress bar on stderr while a large folder is decoded and
 * warnings and notes on stderr.
 */
import type { DataRequest } from '../app/data.js';
import type { ImageFolderOptions } from '../data/image-folder.js';
import type { ResizeFit } from '../data/image.js';
import { startProgress } from './progress.js';

/** Folders with fewer images to decode than this take well under a few seconds: no bar. */
export const PROGRESS_FROM = 500;

/** The options as commander parses them (`cache` is false with --no-cache). */
export interface ImageCliOptions {
  imageSize?: number;
  resize?: ResizeFit;
  channels?: 1 | 3;
  cache?: boolean;
  skipBadImages?: boolean;
}

/**
 * The data request's image-folder part.
 * @example imageRequest({ imageSize: 32, cache: false }) // { images: { size: 32, cacheDir: false, progress, warn } }
 */
export function imageRequest(o: ImageCliOptions): Pick<DataRequest, 'images'> {
  const images: ImageFolderOptions = {
    ...(o.imageSize !== undefined ? { size: o.imageSize } : {}),
    ...(o.resize !== undefined ? { fit: o.resize } : {}),
    ...(o.channels !== undefined ? { channels: o.channels } : {}),
    ...(o.cache === false ? { cacheDir: false } : {}),
    ...(o.skipBadImages === true ? { skipBadImages: true } : {}),
    progress: (total) => (total >= PROGRESS_FROM ? startProgress('decoding images', total) : undefined),
    warn: (line) => void process.stderr.write(`tsgrad: warning: ${line}\n`),
    note: (line) => void process.stderr.write(`tsgrad: note: ${line}\n`),
  };
  return { images };
}
