/**
 * The figures of `tsgrad saliency` and `tsgrad features`, drawn as pixel buffers from the
 * analysis results: the photo beside its saliency map and the map laid over it; a layer's
 * feature maps in a grid; the first layer's filters in a grid. No files (src/data/png.ts
 * writes them), no Node.
 */
import type { Filters } from '../analysis/feature-maps.js';
import { ArgumentError } from '../core/errors.js';
import { blank, enlarge, fromPixels, grid, heatmap, inferno, minMaxTile, overlay, quantile, row, scaleFor, type Rgba } from './heatmap.js';

/** How `saliencyPicture` draws. */
export interface SaliencyPictureOptions {
  /**
   * The map value drawn brightest; larger values are clipped to it. Default: the map's
   * 99th percentile, so that a handful of extreme pixels do not leave the rest dark.
   */
  top?: number;
  /** How strongly the map covers the photo where it is highest (default 0.85). */
  alpha?: number;
  /** Each pixel as a scale x scale square (default: about 256 pixels a side). */
  scale?: number;
}

/** Pixels between the panels of a figure, and their colour. */
const GAP = 4;
const WHITE = [255, 255, 255] as const;

/**
 * Three panels side by side: the photo as the model saw it, the saliency map (inferno: black
 * where the class score does not care about the pixel, bright yellow where it is most
 * sensitive), the map over the photo; then a colour bar (bottom 0, top `top`).
 * @example saliencyPicture(img.pixels, 64, 64, s.map.values())
 */
export function saliencyPicture(pixels: ArrayLike<number>, height: number, width: number, map: ArrayLike<number>, opts: SaliencyPictureOptions = {}): Rgba {
  const top = opts.top ?? saliencyTop(map);
  if (!(top >= 0)) throw new ArgumentError('saliencyPicture', 'top', `must be a number >= 0, got ${top}`);
  const scale = opts.scale ?? scaleFor(height, width, 256);
  // RGB photos, or grey ones for models of (h, w, 1) images.
  const photo = fromPixels(pixels, width, height, pixels.length === width * height ? 1 : 3);
  const panels = [photo, heatmap(map, width, height, 0, top), overlay(photo, map, 0, top, opts.alpha ?? 0.85)].map((p) => enlarge(p, scale));
  return row([...panels, colourBar(Math.max(8, Math.round(height * scale * 0.06)), height * scale)], GAP, WHITE);
}

/** The default top of a saliency map's colour scale: its 99th percentile, or its largest value when that is 0. */
export function saliencyTop(map: ArrayLike<number>): number {
  const q = quantile(map, 0.99);
  if (q > 0) return q;
  let m = 0;
  for (let i = 0; i < map.length; i++) m = Math.max(m, map[i] as number);
  return m;
}

/** A vertical strip of the colour map, the lowest value at the bottom. */
function colourBar(width: number, height: number): Rgba {
  const out = blank(width, height);
  for (let y = 0; y < height; y++) {
    const c = inferno(height > 1 ? 1 - y / (height - 1) : 1);
    for (let x = 0; x < width; x++) out.data.set([c[0], c[1], c[2], 255], (y * width + x) * 4);
  }
  return out;
}

/**
 * A layer's C feature maps (each H x W) in a near-square grid with 1-pixel gaps, each map
 * scaled from its own smallest value (black) to its largest (yellow); a constant map is black.
 * @example featureMapsPicture(channelMaps(out.value))
 */
export function featureMapsPicture(stack: { height: number; width: number; maps: readonly ArrayLike<number>[] }, target = 96): Rgba {
  const { height, width, maps } = stack;
  const scale = scaleFor(height, width, target);
  const tiles = maps.map((m) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < m.length; i++) {
      lo = Math.min(lo, m[i] as number);
      hi = Math.max(hi, m[i] as number);
    }
    return enlarge(heatmap(m, width, height, lo, hi), scale);
  });
  return grid(tiles, Math.ceil(Math.sqrt(tiles.length)));
}

/**
 * The first layer's filters in a near-square grid with 1-pixel gaps, each enlarged to about
 * `target` pixels and min-max scaled on its own (black the most negative weight, white the
 * most positive): RGB when the filters have 3 input channels, grey with 1; with another
 * count each filter is a row of one grey tile per input channel.
 * @example filtersPicture(firstLayerFilters(cnn)!)
 */
export function filtersPicture(f: Filters, target = 96): Rgba {
  const first = f.filters[0];
  if (first === undefined) throw new ArgumentError('filtersPicture', 'filters', 'no filters to draw');
  const [h, w, cin] = first.shape as [number, number, number];
  const scale = scaleFor(h, w, target);
  if (cin === 1 || cin === 3) {
    const tiles = f.filters.map((k) => enlarge(minMaxTile(k.values(), w, h, cin), scale));
    return grid(tiles, Math.ceil(Math.sqrt(tiles.length)));
  }
  const tiles = f.filters.flatMap((k) => {
    const v = k.values();
    return Array.from({ length: cin }, (_, c) => enlarge(minMaxTile(Array.from({ length: h * w }, (_, p) => v[p * cin + c] as number), w, h, 1), scale));
  });
  return grid(tiles, cin);
}
