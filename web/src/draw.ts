/** Canvas drawing for the page: the cost curve, the weight pictures, the images and the worker's pictures. */
import type { Picture } from './protocol.js';
import { smoothCosts } from './smoothing.js';

/** One point of the cost curve. @example { iteration: 100, cost: 0.58, testCost: 0.51 } */
export interface CostPoint {
  iteration: number;
  cost: number;
  testCost: number;
}

const TRAIN = '#1f5fbf';
const TEST = '#c2410c';

/** A canvas sized to its CSS box in device pixels; returns its 2D context and CSS size. */
function fit(canvas: HTMLCanvasElement, aspect: number): { ctx: CanvasRenderingContext2D; w: number; h: number } | null {
  const w = Math.max(200, canvas.clientWidth);
  const h = Math.round(w * aspect);
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

/** A round step for about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/** Horizontal grid lines with their labels at nice steps from 0 to yMax (both charts). */
function drawYGrid(ctx: CanvasRenderingContext2D, yMax: number, left: number, width: number, y: (v: number) => number): void {
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yStep = niceStep(yMax, 5);
  for (let v = 0; v <= yMax + 1e-12; v += yStep) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(left + width, y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(yStep < 0.1 ? 2 : 1), left - 6, y(v));
  }
}

/** A chart's canvas cleared, its plot area inside the axes' padding, and the y grid drawn from 0 to the largest finite value. */
function chartArea(canvas: HTMLCanvasElement, aspect: number, values: readonly number[], yLabel: string): { ctx: CanvasRenderingContext2D; left: number; top: number; pw: number; ph: number; y: (v: number) => number } | null {
  const f = fit(canvas, aspect);
  if (f === null) return null;
  const { ctx, w, h } = f;
  const pad = { left: 52, right: 24, top: 12, bottom: 40 };
  const pw = w - pad.left - pad.right;
  const ph = h - pad.top - pad.bottom;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillStyle = '#222';
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  const yMax = Math.max(0.1, ...values.filter(Number.isFinite)) * 1.05;
  const y = (c: number): number => pad.top + ph - (Math.min(c, yMax) / yMax) * ph;
  drawYGrid(ctx, yMax, pad.left, pw, y);
  ctx.save();
  ctx.translate(4, pad.top + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  return { ctx, left: pad.left, top: pad.top, pw, ph, y };
}

/** Where a cost chart's plot lies on its canvas (CSS pixels), to turn the pointer's x into an iteration. */
export interface ChartGeometry {
  left: number;
  width: number;
  xMax: number;
}

/** Strokes one series through its finite values (a gap in the data is bridged, as a sparse test cost needs). */
function strokeSeries(ctx: CanvasRenderingContext2D, xs: readonly number[], values: readonly number[], y: (v: number) => number): void {
  ctx.beginPath();
  let started = false;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (started) ctx.lineTo(xs[i] as number, y(v));
    else ctx.moveTo(xs[i] as number, y(v));
    started = true;
  });
  ctx.stroke();
}

/**
 * The train and test cost against the iteration (or epoch), x from 0 to `maxIteration`: each
 * curve smoothed (`smoothed`), with the raw one faint behind it, as TensorBoard draws them;
 * `hover` marks one point (the read-out under the pointer). Returns the plot's geometry.
 * @example drawCostChart(canvas, [{ iteration: 0, cost: 0.69, testCost: 0.69 }], 2000);
 */
export function drawCostChart(canvas: HTMLCanvasElement, points: readonly CostPoint[], maxIteration: number, unit = 'iteration', hover: number | null = null): ChartGeometry | null {
  const area = chartArea(canvas, 0.6, points.flatMap((p) => [p.cost, p.testCost]), 'cost');
  if (area === null) return null;
  const { ctx, left, top, pw, ph, y } = area;
  const xMax = Math.max(1, maxIteration);
  const x = (it: number): number => left + (it / xMax) * pw;
  // Iterations and epochs are whole numbers: no tick between two of them.
  const xStep = Math.max(1, niceStep(xMax, 5));
  for (let v = 0; v <= xMax; v += xStep) ctx.fillText(String(v), x(v), top + ph + 6);
  ctx.fillText(unit, left + pw / 2, top + ph + 22);

  const xs = points.map((p) => x(p.iteration));
  const hovered = hover === null ? undefined : points[hover];
  if (hovered !== undefined) {
    ctx.strokeStyle = '#888';
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x(hovered.iteration), top);
    ctx.lineTo(x(hovered.iteration), top + ph);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  for (const [key, color] of [['testCost', TEST], ['cost', TRAIN]] as const) {
    const raw = points.map((p) => p[key]);
    ctx.strokeStyle = color;
    ctx.globalAlpha = 0.25;
    ctx.lineWidth = 1;
    strokeSeries(ctx, xs, raw, y);
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2;
    strokeSeries(ctx, xs, smoothCosts(points, key), y);
    const v = hovered?.[key];
    if (hovered !== undefined && v !== undefined && Number.isFinite(v)) {
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(x(hovered.iteration), y(v), 3.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.fillStyle = '#222';
  return { left, width: pw, xMax };
}

/** One unit's weights as RGB bytes: each channel scaled from its lowest weight (black) to its highest (full intensity). */
function weightPixels(w: Float64Array, channels: number): Uint8Array {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let k = 0; k < w.length; k++) {
    const c = k % channels;
    const v = w[k] as number;
    if (v < (lo[c] as number)) lo[c] = v;
    if (v > (hi[c] as number)) hi[c] = v;
  }
  const rgb = new Uint8Array(w.length);
  for (let k = 0; k < w.length; k++) {
    const c = k % channels;
    const span = (hi[c] as number) - (lo[c] as number);
    rgb[k] = span > 0 ? Math.round((((w[k] as number) - (lo[c] as number)) / span) * 255) : 128;
  }
  return rgb;
}

/** Pixels (h, w, c), c = 3 (RGB) or 1 (grey), as canvas image data. */
function imageData(ctx: CanvasRenderingContext2D, pixels: Uint8Array, width: number, height: number, channels: number): ImageData {
  const img = ctx.createImageData(width, height);
  for (let i = 0, k = 0; k < pixels.length; i += 4, k += channels) {
    img.data[i] = pixels[k] as number;
    img.data[i + 1] = pixels[channels === 1 ? k : k + 1] as number;
    img.data[i + 2] = pixels[channels === 1 ? k : k + 2] as number;
    img.data[i + 3] = 255;
  }
  return img;
}

/**
 * The weights as images of `shape` (h, w, c), one per unit (the neuron's w, or each row of a
 * network's first layer), tiled in a square grid with a 1-pixel gap; at most `maxUnits`.
 * @example drawWeights(canvas, w, 1, [64, 64, 3]);
 */
export function drawWeights(canvas: HTMLCanvasElement, values: Float64Array, units: number, shape: readonly number[], maxUnits = 25): void {
  const [height, width, channels = 1] = shape as [number, number, number?];
  const size = height * width * channels;
  const shown = Math.min(units, maxUnits);
  const cols = Math.ceil(Math.sqrt(shown));
  const rows = Math.ceil(shown / cols);
  canvas.width = cols * (width + 1) - 1;
  canvas.height = rows * (height + 1) - 1;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let u = 0; u < shown; u++) {
    const img = imageData(ctx, weightPixels(values.subarray(u * size, (u + 1) * size), channels), width, height, channels);
    ctx.putImageData(img, (u % cols) * (width + 1), Math.floor(u / cols) * (height + 1));
  }
}

/**
 * A picture drawn in the worker (RGBA bytes) onto a canvas of its size.
 * @example putPicture(canvas, msg.saliency);
 */
export function putPicture(canvas: HTMLCanvasElement, p: Picture): void {
  canvas.width = p.width;
  canvas.height = p.height;
  canvas.getContext('2d')?.putImageData(new ImageData(p.data, p.width, p.height), 0, 0);
}

/**
 * Pixels (h, w, c), RGB or grey, onto a canvas of that size.
 * @example drawImage(canvas, photo, 64, 64);
 */
export function drawImage(canvas: HTMLCanvasElement, pixels: Uint8Array, width: number, height: number, channels = 3): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx !== null) ctx.putImageData(imageData(ctx, pixels, width, height, channels), 0, 0);
}

/**
 * The 1-D loss landscape: train and test cost against α, with θ₀ (α = 0) and θ* (α = 1) marked.
 * @example drawInterpolation(canvas, { alpha, train, test });
 */
export function drawInterpolation(canvas: HTMLCanvasElement, line: { alpha: readonly number[]; train: readonly number[]; test: readonly number[] }): void {
  const area = chartArea(canvas, 0.5, [...line.train, ...line.test], 'cost');
  if (area === null) return;
  const { ctx, left, top, pw, ph, y } = area;
  const lo = line.alpha[0] ?? 0;
  const hi = line.alpha.at(-1) ?? 1;
  const x = (a: number): number => left + ((a - lo) / (hi - lo)) * pw;
  for (const [a, name] of [[0, 'α = 0 (start)'], [1, 'α = 1 (now)']] as const) {
    ctx.strokeStyle = '#888';
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(x(a), top);
    ctx.lineTo(x(a), top + ph);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(name, x(a), top + ph + 6);
  }
  ctx.fillText(`α from ${lo} to ${hi}`, left + pw / 2, top + ph + 22);
  for (const [values, color] of [[line.test, TEST], [line.train, TRAIN]] as const) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    values.forEach((v, i) => {
      const px = x(line.alpha[i] ?? 0);
      if (i === 0) ctx.moveTo(px, y(v));
      else ctx.lineTo(px, y(v));
    });
    ctx.stroke();
  }
}
