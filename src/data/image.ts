/**
 * Image files in and out, through sharp (libvips): reading a photo for a model (EXIF
 * orientation applied, alpha flattened, resized to the model's input), encoding raw pixels
 * as PNG, and rasterising SVG charts. The only file that imports sharp.
 *
 * Photos are untrusted input: the header is read first and images above a pixel limit are
 * refused before any pixel is decoded (decompression bombs); files that are not images, or
 * are truncated, are DataErrors naming the file.
 */
import { statSync } from 'node:fs';
import sharp, { type Metadata } from 'sharp';
import { ArgumentError, DataError } from '../core/errors.js';

/** The formats `readImageForModel` accepts by default (a photo to predict). */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const;
/** Every stored format an image folder may hold, by sharp's names: GIF (its first frame), TIFF (its first page), AVIF (`heif`). */
export const FOLDER_IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'] as const;
export type ImageFormat = (typeof FOLDER_IMAGE_FORMATS)[number];

/** What decodes the pixels, for caches of decoded images: another libvips may resize to other bytes. */
export const DECODER = `sharp ${sharp.versions.sharp ?? '?'} libvips ${sharp.versions.vips}`;

const FORMAT_NAMES: Record<ImageFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', tiff: 'TIFF', heif: 'AVIF' };

/** `JPEG, PNG or WebP`. */
function formatList(formats: readonly ImageFormat[]): string {
  const names = formats.map((f) => FORMAT_NAMES[f]);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Default pixel limit: 50 megapixels, above any phone photo, far below a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** How a photo of another aspect ratio becomes the model's square input. */
export type ResizeFit = 'fill' | 'cover' | 'contain';

export interface ReadImageOptions {
  /** Output width and height in pixels (the model's input, 64 x 64 for the cat data). */
  width: number;
  height: number;
  /** Refuse images with more pixels than this (width · height of the stored image). */
  maxPixels?: number;
  /**
   * `fill` (default) stretches to the size, as the notes' `imresize(image, (64, 64))` does;
   * `cover` scales and crops the centre; `contain` scales and pads with white.
   */
  fit?: ResizeFit;
  /** 3 (RGB, the default) or 1 (grayscale, for models of digits). */
  channels?: 1 | 3;
  /** The stored formats accepted (default `IMAGE_FORMATS`; an image folder takes `FOLDER_IMAGE_FORMATS`). */
  formats?: readonly ImageFormat[];
}

/** A decoded image: RGB bytes (or gray ones, with `channels: 1`) in row-major height x width x 3 order. */
export interface RgbImage {
  file: string;
  /** The stored format. */
  format: ImageFormat;
  /** Size of the stored image, before orientation and resizing. */
  originalWidth: number;
  originalHeight: number;
  /** EXIF orientation tag (1 = as stored), applied before resizing. */
  orientation: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Reads a JPEG, PNG or WebP file (or any of `opts.formats`) as RGB pixels of the given size: EXIF orientation applied,
 * transparency flattened onto white, colour converted to sRGB, then resized.
 * @example const img = await readImageForModel('cat.jpg', { width: 64, height: 64 });
 */
export async function readImageForModel(file: string, opts: ReadImageOptions): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const channels = opts.channels ?? 3;
  const formats = opts.formats ?? IMAGE_FORMATS;
  for (const [name, v] of [['width', opts.width], ['height', opts.height], ['maxPixels', maxPixels]] as const) {
    if (!Number.isSafeInteger(v) || v <= 0) throw new ArgumentError('readImageForModel', name, `must be a positive integer, got ${v}`);
  }
  // A FIFO or a device would block the decoder forever: only regular files are images.
  const st = statSync(file, { throwIfNoEntry: false });
  if (st !== undefined && !st.isFile()) throw new DataError(file, undefined, `is ${st.isDirectory() ? 'a folder' : 'not a regular file (a FIFO, device or socket)'}, expected an image file`);
  // Header only: format and size are known before anything is decoded.
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw imageError(file, e, formats);
  }
  const format = meta.format as string | undefined;
  if (format === undefined || !(formats as readonly string[]).includes(format)) {
    throw new DataError(file, undefined, `not a ${formatList(formats)} image${format === undefined ? '' : ` (found ${format})`}`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w <= 0 || h <= 0) throw new DataError(file, undefined, 'the image has no size in its header');
  if (w * h > maxPixels) {
    throw new DataError(file, undefined, `image is ${w}x${h} = ${megapixels(w * h)} megapixels, above the limit of ${megapixels(maxPixels)} megapixels (refused as a possible decompression bomb; raise the limit with --max-pixels)`);
  }
  try {
    const { data, info } = await sharp(file, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate() // no argument: apply the EXIF orientation, then drop the tag
      .flatten({ background: '#ffffff' })
      .toColourspace(channels === 1 ? 'b-w' : 'srgb')
      .resize(opts.width, opts.height, { fit: opts.fit ?? 'fill', background: '#ffffff', kernel: 'lanczos3' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== opts.width || info.height !== opts.height) {
      throw new DataError(file, undefined, `decoded to ${info.width}x${info.height}x${info.channels}, expected ${opts.width}x${opts.height}x${channels}`);
    }
    return {
      file,
      format: format as ImageFormat,
      originalWidth: w,
      originalHeight: h,
      orientation: meta.orientation ?? 1,
      width: info.width,
      height: info.height,
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw imageError(file, e, formats);
  }
}

function megapixels(n: number): string {
  return String(Math.round(n / 1e5) / 10);
}

/** sharp's messages, made one line and said in a user's words. */
function imageError(file: string, e: unknown, formats: readonly ImageFormat[] = IMAGE_FORMATS): DataError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new DataError(file, undefined, 'no such file');
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  if (/missing|no such file/i.test(msg)) return new DataError(file, undefined, 'no such file');
  if (/unsupported image format/i.test(msg)) return new DataError(file, undefined, `not a ${formatList(formats)} image`);
  if (/pixel limit/i.test(msg)) return new DataError(file, undefined, 'image is above the pixel limit (refused as a possible decompression bomb)');
  return new DataError(file, undefined, `cannot decode the image, it may be truncated or corrupt (${msg.replace(/^Input (file|buffer)\s*/i, '').trim()})`);
}

/**
 * Encodes raw 8-bit pixels (row-major, `channels` per pixel) as PNG. `scale` enlarges by an
 * integer factor with nearest-neighbour sampling, so every pixel stays a crisp square.
 * @example await encodePng(rgb, 64, 64, 3); // PNG bytes
 */
export async function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4, scale = 1): Promise<Uint8Array> {
  if (pixels.length !== width * height * channels) {
    throw new ArgumentError('encodePng', 'pixels', `expected ${width}x${height}x${channels} = ${width * height * channels} bytes, got ${pixels.length}`);
  }
  if (!Number.isInteger(scale) || scale < 1) throw new ArgumentError('encodePng', 'scale', `must be a positive integer, got ${scale}`);
  let img = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels } });
  if (scale > 1) img = img.resize(width * scale, height * scale, { kernel: 'nearest' });
  return img.png().toBuffer();
}

/**
 * Rasterises an SVG document to PNG. `density` is in dots per inch: 72 keeps the SVG's own
 * pixel size, 144 (default) doubles it for sharp text on high-density screens.
 * @example await svgToPng('<svg ...>...</svg>');
 */
export async function svgToPng(svg: string, density = 144): Promise<Uint8Array> {
  return sharp(Buffer.from(svg), { density }).flatten({ background: '#ffffff' }).png().toBuffer();
}

/** What a PNG (or any image) holds, for checks: size, channels and raw pixels. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

/**
 * Decodes an image file or buffer to raw pixels, keeping its channels.
 * @example const { width, height } = await decodeImage('cost.png');
 */
export async function decodeImage(input: string | Uint8Array): Promise<DecodedImage> {
  const name = typeof input === 'string' ? input : '(buffer)';
  try {
    const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    throw imageError(name, e);
  }
}
