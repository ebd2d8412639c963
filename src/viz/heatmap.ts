/**
 * Pictures as pixel buffers: a colour map for values in [0, max], an overlay of a map on an
 * image, min-max scaled tiles, nearest-neighbour enlarging and grids with a gap. RGBA bytes
 * in row-major order, as a canvas's ImageData holds them; no files, no Node: PNG encoding is
 * in src/data/png.ts, and the page can draw the same buffers.
 */
import { ArgumentError } from '../core/errors.js';
import { largest } from '../core/numbers.js';

/** An opaque-or-not picture: `width · height · 4` bytes, RGBA, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A blank picture filled with one colour. @example blank(10, 5, [255, 255, 255]) */
export function blank(width: number, height: number, colour: readonly [number, number, number] = [255, 255, 255]): Rgba {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 0 || height < 0) throw new ArgumentError('blank', 'size', `must be whole numbers of pixels, got ${width}x${height}`);
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([colour[0], colour[1], colour[2], 255], p * 4);
  return { width, height, data };
}

// matplotlib's "inferno" at 0, 1/8, ..., 1: perceptually uniform, dark for low, bright
// yellow for high, and readable in grey print.
const INFERNO: readonly (readonly [number, number, number])[] = [
  [0, 0, 4], [27, 12, 65], [74, 12, 107], [120, 28, 109], [165, 44, 96],
  [207, 68, 70], [237, 105, 37], [251, 155, 6], [252, 255, 164],
];

/** The inferno colour of t in [0, 1] (clamped; NaN is 0). @example inferno(1) // [252, 255, 164] */
export function inferno(t: number): [number, number, number] {
  const u = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(u));
  const f = u - i;
  const a = INFERNO[i] as readonly [number, number, number];
  const b = INFERNO[i + 1] as readonly [number, number, number];
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

/**
 * Values (height x width, row-major) through the colour map, `lo` → darkest, `hi` and above
 * → brightest. With `lo = hi` every pixel is the darkest colour.
 * @example heatmap(map, 64, 64, 0, quantile(map, 0.99))
 */
export function heatmap(values: ArrayLike<number>, width: number, height: number, lo: number, hi: number): Rgba {
  checkSize('heatmap', values.length, width, height, 1);
  const out = blank(width, height);
  const span = hi - lo;
  for (let p = 0; p < width * height; p++) out.data.set(inferno(span > 0 ? ((values[p] as number) - lo) / span : 0), p * 4);
  return out;
}

/** RGB (3 bytes a pixel) or grayscale (1) bytes as an opaque RGBA picture. @example fromPixels(img.pixels, 64, 64, 3) */
export function fromPixels(pixels: ArrayLike<number>, width: number, height: number, channels: 1 | 3): Rgba {
  checkSize('fromPixels', pixels.length, width, height, channels);
  const out = blank(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) out.data[p * 4 + k] = pixels[p * channels + (channels === 3 ? k : 0)] as number;
  }
  return out;
}

/**
 * Float values (height x width x channels, channels 1 or 3) min-max scaled together to bytes:
 * the smallest → 0 (black), the largest → 255; a constant tile is mid-grey. For weights and
 * filters, whose sign and magnitude are arbitrary.
 * @example minMaxTile(filter.values(), 3, 3, 3)
 */
export function minMaxTile(values: ArrayLike<number>, width: number, height: number, channels: 1 | 3): Rgba {
  checkSize('minMaxTile', values.length, width, height, channels);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = span > 0 ? Math.round((255 * ((values[i] as number) - lo)) / span) : 128;
  return fromPixels(bytes, width, height, channels);
}

/**
 * A map laid over an image: each pixel moves from the image's grey towards the map's colour
 * by `alpha · t²` (t the map value scaled to [0, 1] by `lo`, `hi`), so where the map is low
 * the photo shows through, and only where it is high does the colour cover it (t² keeps a
 * dense, noisy map from tinting the whole photo). The photo is drawn in grey, slightly dimmed,
 * so that the colour stands out whatever the photo's own colours.
 * @example overlay(image, map, 0, hi, 0.85)
 */
export function overlay(image: Rgba, values: ArrayLike<number>, lo: number, hi: number, alpha = 0.85): Rgba {
  checkSize('overlay', values.length, image.width, image.height, 1);
  if (!(alpha >= 0 && alpha <= 1)) throw new ArgumentError('overlay', 'alpha', `must be in [0, 1], got ${alpha}`);
  const out = blank(image.width, image.height);
  const span = hi - lo;
  for (let p = 0; p < image.width * image.height; p++) {
    const d = image.data;
    const grey = 0.8 * (0.299 * (d[p * 4] as number) + 0.587 * (d[p * 4 + 1] as number) + 0.114 * (d[p * 4 + 2] as number));
    const t = span > 0 ? Math.min(1, Math.max(0, ((values[p] as number) - lo) / span)) : 0;
    const c = inferno(t);
    const a = alpha * t * t;
    for (let k = 0; k < 3; k++) out.data[p * 4 + k] = Math.round((1 - a) * grey + a * (c[k] as number));
  }
  return out;
}

/** Each pixel as a `factor` x `factor` square (nearest neighbour): a 6x6 map stays crisp. @example enlarge(tile, 16) */
export function enlarge(img: Rgba, factor: number): Rgba {
  if (!Number.isSafeInteger(factor) || factor < 1) throw new ArgumentError('enlarge', 'factor', `must be a positive integer, got ${factor}`);
  if (factor === 1) return img;
  const out = blank(img.width * factor, img.height * factor);
  for (let y = 0; y < out.height; y++) {
    const src = Math.floor(y / factor) * img.width;
    for (let x = 0; x < out.width; x++) {
      const s = (src + Math.floor(x / factor)) * 4;
      out.data.set(img.data.subarray(s, s + 4), (y * out.width + x) * 4);
    }
  }
  return out;
}

/** The whole-number enlargement that makes an h x w tile about `target` pixels on its longer side. @example scaleFor(4, 4, 48) // 12 */
export function scaleFor(height: number, width: number, target: number): number {
  return Math.max(1, Math.round(target / Math.max(height, width, 1)));
}

/**
 * Pictures in a grid, row by row, `columns` wide, with `gap` pixels of `background` between
 * and around them; cells take the largest picture's size, smaller ones sit at their top left.
 * @example grid(tiles, Math.ceil(Math.sqrt(tiles.length)))
 */
export function grid(tiles: readonly Rgba[], columns: number, gap = 1, background: readonly [number, number, number] = [200, 200, 200]): Rgba {
  if (tiles.length === 0) throw new ArgumentError('grid', 'tiles', 'needs at least one picture');
  if (!Number.isSafeInteger(columns) || columns < 1) throw new ArgumentError('grid', 'columns', `must be a positive integer, got ${columns}`);
  const cols = Math.min(columns, tiles.length);
  const rows = Math.ceil(tiles.length / cols);
  const cw = largest(tiles.map((t) => t.width));
  const ch = largest(tiles.map((t) => t.height));
  const out = blank(cols * cw + (cols + 1) * gap, rows * ch + (rows + 1) * gap, background);
  tiles.forEach((t, i) => paste(out, t, gap + (i % cols) * (cw + gap), gap + Math.floor(i / cols) * (ch + gap)));
  return out;
}

/**
 * Pictures side by side, top-aligned, each at its own width, with `gap` pixels of
 * `background` between and around them.
 * @example row([photo, map, bar], 4, [255, 255, 255])
 */
export function row(tiles: readonly Rgba[], gap = 1, background: readonly [number, number, number] = [200, 200, 200]): Rgba {
  if (tiles.length === 0) throw new ArgumentError('row', 'tiles', 'needs at least one picture');
  const width = tiles.reduce((w, t) => w + t.width + gap, gap);
  const out = blank(width, largest(tiles.map((t) => t.height)) + 2 * gap, background);
  let x = gap;
  for (const t of tiles) {
    paste(out, t, x, gap);
    x += t.width + gap;
  }
  return out;
}

/** Copies `img` into `into` with its top-left corner at (x, y), clipped to `into`. */
export function paste(into: Rgba, img: Rgba, x: number, y: number): void {
  for (let r = 0; r < img.height; r++) {
    const ty = y + r;
    if (ty < 0 || ty >= into.height) continue;
    const x0 = Math.max(0, x);
    const x1 = Math.min(into.width, x + img.width);
    if (x1 <= x0) continue;
    into.data.set(img.data.subarray((r * img.width + (x0 - x)) * 4, (r * img.width + (x1 - x)) * 4), (ty * into.width + x0) * 4);
  }
}

/**
 * The q-quantile of values (0 ≤ q ≤ 1, the nearest rank), NaN skipped: a robust top for a
 * colour scale that a few extreme pixels would otherwise squeeze into darkness.
 * @example quantile([0, 1, 2, 3, 100], 0.5) // 2
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new ArgumentError('quantile', 'q', `must be in [0, 1], got ${q}`);
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) kept.push(values[i] as number);
  const sorted = Float64Array.from(kept).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function checkSize(op: string, length: number, width: number, height: number, channels: number): void {
  if (length !== width * height * channels) throw new ArgumentError(op, 'values', `expected ${width}x${height}x${channels} = ${width * height * channels} values, got ${length}`);
}
