// Pixel-buffer drawing: the colour map, scaling, overlay, enlarging, grids and rows, and the
// saliency, feature-map and filter figures' sizes.
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { blank, enlarge, fromPixels, grid, heatmap, inferno, minMaxTile, overlay, quantile, row, scaleFor, type Rgba } from '../../src/viz/heatmap.js';
import { featureMapsPicture, filtersPicture, saliencyPicture, saliencyTop } from '../../src/viz/pictures.js';
import { arange, fromArray } from '../../src/tensor/index.js';
import { caught } from '../course/helpers.js';

const px = (img: Rgba, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('colour map and scaling', () => {
  it('inferno runs from near-black to pale yellow, clamped', () => {
    expect(inferno(0)).toEqual([0, 0, 4]);
    expect(inferno(1)).toEqual([252, 255, 164]);
    expect(inferno(-3)).toEqual(inferno(0));
    expect(inferno(7)).toEqual(inferno(1));
    expect(inferno(Number.NaN)).toEqual(inferno(0));
    // Brighter as t grows.
    const lum = (t: number): number => inferno(t).reduce((s, v) => s + v, 0);
    for (let t = 0; t < 1; t += 0.125) expect(lum(t + 0.125)).toBeGreaterThan(lum(t));
  });

  it('heatmap maps lo to the darkest and hi and above to the brightest colour', () => {
    const h = heatmap([0, 1, 2, 5], 2, 2, 0, 2);
    expect(px(h, 0, 0)).toEqual([...inferno(0), 255]);
    expect(px(h, 1, 0)).toEqual([...inferno(0.5), 255]);
    expect(px(h, 0, 1)).toEqual([...inferno(1), 255]);
    expect(px(h, 1, 1)).toEqual([...inferno(1), 255]);
    expect(caught(ArgumentError, () => heatmap([1, 2, 3], 2, 2, 0, 1)).message).toBe('heatmap: values: expected 2x2x1 = 4 values, got 3');
  });

  it('minMaxTile scales the smallest value to black and the largest to white; a constant tile is grey', () => {
    const t = minMaxTile([-2, 0, 2, -2, 0, 2], 2, 1, 3);
    expect(px(t, 0, 0)).toEqual([0, 128, 255, 255]);
    expect(px(t, 1, 0)).toEqual([0, 128, 255, 255]);
    expect(px(minMaxTile([3, 3], 2, 1, 1), 1, 0)).toEqual([128, 128, 128, 255]);
  });

  it('quantile by nearest rank, NaN skipped; saliencyTop falls back to the largest value', () => {
    expect(quantile([0, 1, 2, 3, 100], 0.5)).toBe(2);
    expect(quantile([5, Number.NaN, 1], 1)).toBe(5);
    expect(quantile(new Float64Array(100).map((_, i) => i), 0.99)).toBe(98);
    const sparse = new Float64Array(1000);
    sparse[3] = 0.5;
    expect(saliencyTop(sparse)).toBe(0.5);
  });

  it('overlay shows the grey photo where the map is low and the map’s colour where it is highest', () => {
    const photo = fromPixels([100, 150, 200, 100, 150, 200], 2, 1, 3);
    const o = overlay(photo, [0, 1], 0, 1, 1);
    const grey = Math.round(0.8 * (0.299 * 100 + 0.587 * 150 + 0.114 * 200));
    expect(px(o, 0, 0)).toEqual([grey, grey, grey, 255]);
    expect(px(o, 1, 0)).toEqual([...inferno(1), 255]);
  });
});

describe('layout', () => {
  it('enlarge repeats each pixel as a square', () => {
    const e = enlarge(fromPixels([10, 20, 30, 40], 2, 2, 1), 3);
    expect([e.width, e.height]).toEqual([6, 6]);
    expect(px(e, 2, 2)[0]).toBe(10);
    expect(px(e, 3, 0)[0]).toBe(20);
    expect(px(e, 5, 5)[0]).toBe(40);
    expect(scaleFor(6, 6, 96)).toBe(16);
    expect(scaleFor(4, 4, 48)).toBe(12);
    expect(scaleFor(500, 500, 96)).toBe(1);
  });

  it('grid puts a 1-pixel gap of the background between and around the tiles', () => {
    const tiles = [0, 1, 2].map((v) => blank(2, 3, [v, v, v]));
    const g = grid(tiles, 2);
    expect([g.width, g.height]).toEqual([2 * 2 + 3, 2 * 3 + 3]);
    expect(px(g, 0, 0)).toEqual([200, 200, 200, 255]);
    expect(px(g, 1, 1)[0]).toBe(0);
    expect(px(g, 3, 1)[0]).toBe(200);
    expect(px(g, 4, 1)[0]).toBe(1);
    expect(px(g, 1, 5)[0]).toBe(2);
    expect(px(g, 4, 5)[0]).toBe(200);
  });

  it('row keeps each picture’s own width', () => {
    const r = row([blank(3, 2, [1, 1, 1]), blank(1, 4, [2, 2, 2])], 2, [9, 9, 9]);
    expect([r.width, r.height]).toEqual([2 + 3 + 2 + 1 + 2, 4 + 4]);
    expect(px(r, 2, 2)[0]).toBe(1);
    expect(px(r, 7, 5)[0]).toBe(2);
    expect(px(r, 2, 5)[0]).toBe(9);
  });
});

describe('figures', () => {
  it('the saliency picture: photo, map and overlay at 4x for 64x64, gaps of 4, a colour bar', () => {
    const pixels = new Uint8Array(64 * 64 * 3).map((_, i) => i % 251);
    const map = new Float64Array(64 * 64).map((_, i) => (i % 64) / 64);
    const p = saliencyPicture(pixels, 64, 64, map);
    expect([p.width, p.height]).toEqual([4 + 3 * (256 + 4) + 15 + 4, 256 + 8]);
    // The map panel's left edge is the smallest value, its right edge the top of the scale.
    expect(px(p, 4 + 260 + 1, 100)).toEqual([...inferno(0), 255]);
    expect(px(p, 4 + 260 + 255, 100)).toEqual([...inferno(1), 255]);
  });

  it('feature maps and filters tile into near-square grids of enlarged tiles', () => {
    const maps = Array.from({ length: 5 }, (_, c) => new Float64Array(36).map((_, i) => i * (c + 1)));
    const f = featureMapsPicture({ height: 6, width: 6, maps });
    expect([f.width, f.height]).toEqual([3 * 96 + 4, 2 * 96 + 3]);
    const kernels = [0, 1, 2, 3].map((k) => arange(48).add(k).reshape([4, 4, 3]));
    const fp = filtersPicture({ source: 'conv', parameter: 'W1', filters: kernels });
    expect([fp.width, fp.height]).toEqual([2 * 96 + 3, 2 * 96 + 3]);
    const odd = filtersPicture({ source: 'conv', parameter: 'W1', filters: [fromArray([1, 2, 3, 4]).reshape([1, 1, 4])] });
    expect([odd.width, odd.height]).toEqual([4 * 96 + 5, 96 + 2]);
  });
});
