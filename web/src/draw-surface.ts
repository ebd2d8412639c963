/**
 * The 2-D loss surface on a canvas: filled contour bands at the CLI's levels
 * (`contourLevels`: log-spaced when the losses span more than a factor of 10), white level
 * lines, the current parameters (0, 0) marked, axes from -range to range.
 */
import { contourLevels } from '../../src/viz/levels.js';
import type { Surface } from './protocol.js';
import { largest, smallest } from '../../src/core/numbers.js';

/** Dark (low loss) to light (high loss): viridis' end points and three stops between. */
const STOPS: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i] as [number, number, number];
  const b = STOPS[i + 1] as [number, number, number];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Which band a loss falls in: 0 below the second level … levels.length - 1 at the top (NaN/∞ on top). */
function band(levels: readonly number[], v: number): number {
  if (!Number.isFinite(v)) return levels.length - 1;
  let k = 0;
  while (k < levels.length - 1 && v >= (levels[k + 1] as number)) k++;
  return k;
}

/** The loss at (u, v) in grid units, bilinear between the four grid points around it. */
function sample(values: readonly (readonly number[])[], u: number, v: number): number {
  const n = values.length;
  const i = Math.min(n - 2, Math.max(0, Math.floor(v)));
  const j = Math.min(n - 2, Math.max(0, Math.floor(u)));
  const fu = u - j;
  const fv = v - i;
  const at = (r: number, c: number): number => values[r]?.[c] ?? NaN;
  return (1 - fv) * ((1 - fu) * at(i, j) + fu * at(i, j + 1)) + fv * ((1 - fu) * at(i + 1, j) + fu * at(i + 1, j + 1));
}

/**
 * Draws `s.train` (rows along y, columns along x) as filled contours.
 * @example drawSurface(canvas, { x, y, train, trained });
 */
export function drawSurface(canvas: HTMLCanvasElement, s: Surface): void {
  const cssW = Math.max(200, canvas.clientWidth);
  const pad = { left: 44, right: 12, top: 10, bottom: 36 };
  const plot = Math.max(100, Math.min(cssW - pad.left - pad.right, 420));
  const cssH = plot + pad.top + pad.bottom;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  canvas.style.height = `${cssH}px`;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  const finite = s.train.flat().filter(Number.isFinite);
  const lo = smallest(finite);
  const hi = largest(finite);
  const levels = contourLevels(lo, hi);
  const n = s.x.length;
  // The raster in device pixels, each pixel's loss interpolated from the grid.
  const size = Math.round(plot * dpr);
  const img = ctx.createImageData(size, size);
  const bands = new Int32Array(size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const u = (px / (size - 1)) * (n - 1);
      const v = (1 - py / (size - 1)) * (n - 1);
      const k = band(levels, sample(s.train, u, v));
      bands[py * size + px] = k;
      const [r, g, b] = colour(levels.length > 1 ? k / (levels.length - 1) : 0);
      const o = (py * size + px) * 4;
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  }
  // Level lines: white where the band changes from the pixel to its right or below.
  for (let py = 0; py < size - 1; py++) {
    for (let px = 0; px < size - 1; px++) {
      const k = bands[py * size + px];
      if (k !== bands[py * size + px + 1] || k !== bands[(py + 1) * size + px]) {
        const o = (py * size + px) * 4;
        img.data[o] = img.data[o + 1] = img.data[o + 2] = 255;
      }
    }
  }
  ctx.putImageData(img, Math.round(pad.left * dpr), Math.round(pad.top * dpr));
  // Axes and the current parameters.
  const range = s.x.at(-1) ?? 1;
  const X = (x: number): number => pad.left + ((x + range) / (2 * range)) * plot;
  const Y = (y: number): number => pad.top + plot - ((y + range) / (2 * range)) * plot;
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(X(0) - 7, Y(0));
  ctx.lineTo(X(0) + 7, Y(0));
  ctx.moveTo(X(0), Y(0) - 7);
  ctx.lineTo(X(0), Y(0) + 7);
  ctx.stroke();
  ctx.fillStyle = '#222';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of [-range, 0, range]) ctx.fillText(String(t), X(t), pad.top + plot + 4);
  ctx.fillText('x (along δ)', pad.left + plot / 2, pad.top + plot + 18);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of [-range, 0, range]) ctx.fillText(String(t), pad.left - 6, Y(t));
  ctx.save();
  ctx.translate(12, pad.top + plot / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('y (along η)', 0, 0);
  ctx.restore();
}

const rgb = (c: readonly number[]): string => `rgb(${c.map((v) => Math.round(v)).join(', ')})`;

/** A level's label: as many digits as telling neighbours apart needs. */
const label = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

/**
 * The surface's colour legend in `el`: the bands of `drawSurface` as a bar from the lowest
 * train cost (dark) to the highest (light), the levels' values under it, and whether they are
 * spaced in log (as `contourLevels` spaces them when the losses span more than a factor of 10).
 * @example surfaceLegend(document.getElementById('surface-legend'), reply.surface);
 */
export function surfaceLegend(el: HTMLElement, s: Surface): void {
  const finite = s.train.flat().filter(Number.isFinite);
  const lo = smallest(finite);
  const hi = largest(finite);
  const levels = contourLevels(lo, hi);
  const bands = Math.max(1, levels.length - 1);
  // One hard-edged stop per band, as the raster paints them.
  const stops = Array.from({ length: bands }, (_, k) => {
    const c = rgb(colour(levels.length > 1 ? k / (levels.length - 1) : 0));
    return `${c} ${((100 * k) / bands).toFixed(2)}% ${((100 * (k + 1)) / bands).toFixed(2)}%`;
  });
  const log = lo > 0 && hi / lo > 10;
  const ticks = levels.length > 1 ? [0, 5, 10, 15].map((k) => levels[Math.min(k, levels.length - 1)] as number) : [lo];
  el.replaceChildren();
  const bar = document.createElement('div');
  bar.className = 'legend-bar';
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const scale = document.createElement('div');
  scale.className = 'legend-ticks';
  for (const t of ticks) {
    const span = document.createElement('span');
    span.textContent = label(t);
    scale.append(span);
  }
  const name = document.createElement('div');
  name.className = 'legend-name';
  name.textContent = `Train cost, ${levels.length} contour levels${log ? ' spaced in log' : ''}: dark is low, yellow is high.`;
  el.append(bar, scale, name);
  el.dataset['lo'] = String(lo);
  el.dataset['hi'] = String(hi);
  el.dataset['bands'] = String(bands);
  el.setAttribute('aria-label', `Colour legend: train cost from ${label(lo)} (dark) to ${label(hi)} (yellow)${log ? ', levels spaced in log' : ''}.`);
  el.hidden = false;
}
