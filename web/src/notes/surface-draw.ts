/**
 * Cost surfaces on a canvas: filled contour bands at src/viz's levels (dark: low cost), the
 * axes with their ticks, and the mapping between (w, b) and pixels for paths and dragging;
 * and a turnable 3-D wireframe of the same grid. Drawing only: the numbers come from
 * src/analysis/descent.ts.
 */
import { largest, smallest } from '../../../src/core/numbers.js';
import { contourLevels } from '../../../src/viz/levels.js';
import { fmt } from './dom.js';

/** A grid of costs: cost[i][j] at (xs[j], ys[i]). */
export interface Grid {
  xs: readonly number[];
  ys: readonly number[];
  cost: readonly (readonly number[])[];
}

/** Where a plot sits on its canvas and how (x, y) maps to pixels. */
export interface Frame {
  x: [number, number];
  y: [number, number];
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Dark (low) to light (high): viridis' ends and three stops between, as the training page. */
const STOPS: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i] as [number, number, number];
  const b = STOPS[i + 1] as [number, number, number];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The pixel of (x, y) in a frame. */
export function toPixel(f: Frame, x: number, y: number): [number, number] {
  return [f.left + ((x - f.x[0]) / (f.x[1] - f.x[0])) * f.width, f.top + ((f.y[1] - y) / (f.y[1] - f.y[0])) * f.height];
}

/** The (x, y) under a pixel of a frame. */
export function fromPixel(f: Frame, px: number, py: number): [number, number] {
  return [f.x[0] + ((px - f.left) / f.width) * (f.x[1] - f.x[0]), f.y[1] - ((py - f.top) / f.height) * (f.y[1] - f.y[0])];
}

/** The plot frame of a canvas: room on the left and below for the tick labels. */
export function frameOf(canvas: HTMLCanvasElement, x: [number, number], y: [number, number]): Frame {
  return { x, y, left: 52, top: 10, width: canvas.width - 64, height: canvas.height - 50 };
}

/** The cost at fractional grid coordinates (u along xs, v along ys), bilinear. */
function sample(g: Grid, u: number, v: number): number {
  const n = g.ys.length;
  const m = g.xs.length;
  const i = Math.min(n - 2, Math.max(0, Math.floor(v)));
  const j = Math.min(m - 2, Math.max(0, Math.floor(u)));
  const fu = u - j;
  const fv = v - i;
  const at = (r: number, c: number): number => g.cost[r]?.[c] ?? Number.NaN;
  return (1 - fv) * ((1 - fu) * at(i, j) + fu * at(i, j + 1)) + fv * ((1 - fu) * at(i + 1, j) + fu * at(i + 1, j + 1));
}

/** The grid's finite range and its contour levels (log-spaced when it spans more than 10×). */
export function levelsOf(g: Grid): { lo: number; hi: number; levels: number[] } {
  const finite = g.cost.flat().filter(Number.isFinite);
  const lo = smallest(finite);
  const hi = largest(finite);
  return { lo, hi, levels: contourLevels(lo, hi, 16) };
}

/**
 * Fills `f` with the grid's contour bands and draws the axes named `xName` and `yName`.
 * The grid must span exactly the frame's ranges.
 */
export function drawContours(ctx: CanvasRenderingContext2D, f: Frame, g: Grid, xName: string, yName: string): void {
  const { levels } = levelsOf(g);
  const bandOf = (v: number): number => {
    if (!Number.isFinite(v)) return levels.length - 1;
    let k = 0;
    while (k < levels.length - 1 && v >= (levels[k + 1] as number)) k++;
    return k;
  };
  const w = Math.round(f.width);
  const h = Math.round(f.height);
  const bands = new Int16Array(w * h);
  const m = g.xs.length - 1;
  const n = g.ys.length - 1;
  for (let py = 0; py < h; py++) {
    // Row 0 of the picture is the top: the largest y.
    const v = n * (1 - (py + 0.5) / h);
    for (let px = 0; px < w; px++) bands[py * w + px] = bandOf(sample(g, (m * (px + 0.5)) / w, v));
  }
  const img = ctx.createImageData(w, h);
  const top = Math.max(1, levels.length - 1);
  for (let k = 0; k < w * h; k++) {
    const band = bands[k] as number;
    const px = k % w;
    const edge = (px + 1 < w && bands[k + 1] !== band) || (k + w < w * h && bands[k + w] !== band);
    const [r, gr, b] = colour(band / top);
    const mix = edge ? 0.45 : 0;
    img.data[4 * k] = r + (255 - r) * mix;
    img.data[4 * k + 1] = gr + (255 - gr) * mix;
    img.data[4 * k + 2] = b + (255 - b) * mix;
    img.data[4 * k + 3] = 255;
  }
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.putImageData(img, Math.round(f.left), Math.round(f.top));
  drawAxes(ctx, f, xName, yName);
}

function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((s) => s * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function drawAxes(ctx: CanvasRenderingContext2D, f: Frame, xName: string, yName: string): void {
  ctx.save();
  ctx.strokeStyle = '#555';
  ctx.lineWidth = 1;
  ctx.strokeRect(f.left, f.top, f.width, f.height);
  ctx.fillStyle = '#1d1d1f';
  ctx.font = '13px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of ticks(f.x[0], f.x[1])) {
    const [px] = toPixel(f, t, f.y[0]);
    ctx.fillRect(px, f.top + f.height, 1, 5);
    ctx.fillText(fmt(Number(t.toPrecision(6)), 3), px, f.top + f.height + 7);
  }
  ctx.fillText(xName, f.left + f.width / 2, f.top + f.height + 24);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of ticks(f.y[0], f.y[1])) {
    const [, py] = toPixel(f, f.x[0], t);
    ctx.fillRect(f.left - 5, py, 5, 1);
    ctx.fillText(fmt(Number(t.toPrecision(6)), 3), f.left - 8, py);
  }
  ctx.translate(14, f.top + f.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(yName, 0, 0);
  ctx.restore();
}

/** A path of (x, y) points in a frame, clipped to it. */
export function drawPath(ctx: CanvasRenderingContext2D, f: Frame, points: readonly { x: number; y: number }[], colour: string, start: boolean): void {
  if (points.length === 0) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(f.left, f.top, f.width, f.height);
  ctx.clip();
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  ctx.lineWidth = 2.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  points.forEach((p, k) => {
    const [px, py] = toPixel(f, p.x, p.y);
    if (k === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  });
  ctx.stroke();
  for (const p of points) {
    const [px, py] = toPixel(f, p.x, p.y);
    ctx.fillRect(px - 1.5, py - 1.5, 3, 3);
  }
  const last = points[points.length - 1] as { x: number; y: number };
  const [ex, ey] = toPixel(f, last.x, last.y);
  ctx.beginPath();
  ctx.arc(ex, ey, 5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  if (start) {
    const first = points[0] as { x: number; y: number };
    const [sx, sy] = toPixel(f, first.x, first.y);
    ctx.beginPath();
    ctx.arc(sx, sy, 8, 0, 2 * Math.PI);
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fill();
    ctx.strokeStyle = '#1d1d1f';
    ctx.lineWidth = 2;
    ctx.stroke();
  }
  ctx.restore();
}

/** A 3-D view of a grid: turned `turn` degrees about the vertical, seen from 30° above. */
export interface View3d {
  turn: number;
  /** The grid's x and y ranges and the cost range mapped to the height. */
  x: [number, number];
  y: [number, number];
  z: [number, number];
}

/** Where (x, y, cost) lands on the canvas in a 3-D view. */
export function project(ctx: CanvasRenderingContext2D, v: View3d, x: number, y: number, z: number): [number, number, number] {
  const W = ctx.canvas.width;
  const H = ctx.canvas.height;
  // The grid as the unit square centred on 0, the cost up to 0.8, clipped at the top.
  const gx = (x - v.x[0]) / (v.x[1] - v.x[0]) - 0.5;
  const gy = (y - v.y[0]) / (v.y[1] - v.y[0]) - 0.5;
  const gz = Math.min(1, Math.max(0, (z - v.z[0]) / (v.z[1] - v.z[0]))) * 0.8;
  const t = (v.turn * Math.PI) / 180;
  const rx = gx * Math.cos(t) - gy * Math.sin(t);
  const ry = gx * Math.sin(t) + gy * Math.cos(t);
  const e = Math.PI / 6;
  const scale = Math.min(W, H * 1.4) * 0.6;
  const sx = W / 2 + rx * scale;
  const sy = H * 0.76 - (ry * Math.sin(e) + gz * Math.cos(e)) * scale;
  return [sx, sy, ry];
}

/** The grid as a wireframe, lines coloured by height (cut flat at the view's top), drawn back to front. */
export function drawWireframe(ctx: CanvasRenderingContext2D, v: View3d, g: Grid): void {
  const W = ctx.canvas.width;
  const H = ctx.canvas.height;
  ctx.clearRect(0, 0, W, H);
  const segments: { a: [number, number, number]; b: [number, number, number]; t: number }[] = [];
  const step = Math.max(1, Math.floor((g.xs.length - 1) / 30));
  const zAt = (i: number, j: number): number => g.cost[i]?.[j] ?? Number.NaN;
  for (let i = 0; i < g.ys.length; i += step) {
    for (let j = 0; j < g.xs.length; j += step) {
      const here = project(ctx, v, g.xs[j] as number, g.ys[i] as number, zAt(i, j));
      const t = Math.min(1, (zAt(i, j) - v.z[0]) / (v.z[1] - v.z[0]));
      if (j + step < g.xs.length) segments.push({ a: here, b: project(ctx, v, g.xs[j + step] as number, g.ys[i] as number, zAt(i, j + step)), t });
      if (i + step < g.ys.length) segments.push({ a: here, b: project(ctx, v, g.xs[j] as number, g.ys[i + step] as number, zAt(i + step, j)), t });
    }
  }
  // Far (large ry) first, so the near side of the bowl is drawn over the far side.
  segments.sort((p, q) => q.a[2] + q.b[2] - (p.a[2] + p.b[2]));
  ctx.lineWidth = 1;
  for (const s of segments) {
    const [r, gr, b] = colour(s.t);
    ctx.strokeStyle = `rgb(${r | 0},${gr | 0},${b | 0})`;
    ctx.beginPath();
    ctx.moveTo(s.a[0], s.a[1]);
    ctx.lineTo(s.b[0], s.b[1]);
    ctx.stroke();
  }
}
