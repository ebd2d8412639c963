/**
 * Training plots: the cost curve, the learned weights as an image, a grid of the test images
 * the model gets wrong, and confusion matrices. Each chart is an SVG and a PNG; the charts
 * draw a `PlotData` (src/analysis/plot-data.ts), so any model gets all of them.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { plotData, type PlotData, type PlotSet } from '../analysis/plot-data.js';
import type { RunData, RunResult } from '../app/run.js';
import { writeFileAtomic } from '../data/atomic-write.js';
import { encodePng } from '../data/image.js';
import { PIXELS } from '../data/preprocess.js';
import type { Tensor } from '../tensor/index.js';
import { CHART_CONFIG, escapeXml, percent, renderVegaLite, writeFigure } from './chart.js';
import { wrapLines } from './text-width.js';

/** The subtitle every training chart carries: the model and its settings. */
function subtitle(pd: PlotData): string[] {
  return [pd.model, pd.settings.join(' · ')].filter((s) => s !== '');
}

function accuracies(pd: PlotData): string {
  return pd.sets.map((s) => `${s.name} accuracy ${percent(s.report.accuracy)}`).join(', ');
}

/**
 * The cost curve: cost J against the gradient descent iteration, as recorded in training.
 * @example const svg = await costCurveSvg(pd);
 */
export async function costCurveSvg(pd: PlotData): Promise<string> {
  const spec: TopLevelSpec = {
    title: { text: 'Cost during training', subtitle: [...subtitle(pd), accuracies(pd)] },
    width: 520,
    height: 300,
    data: { values: pd.costs.map((c) => ({ iteration: c.index, cost: c.cost })) },
    layer: [
      { mark: { type: 'line', color: '#1f77b4', strokeWidth: 2 } },
      { mark: { type: 'point', filled: true, color: '#1f77b4', size: 30 } },
    ],
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: pd.costUnit === 'epoch' ? 'epoch (passes over the training set)' : 'iteration (gradient descent steps)', axis: { tickMinStep: 1 } },
      y: { field: 'cost', type: 'quantitative', title: 'cost J (mean cross-entropy, nats)', scale: { zero: true } },
      tooltip: [{ field: 'iteration' }, { field: 'cost', format: '.6f' }],
    },
  };
  return renderVegaLite(spec);
}

/**
 * A float image (h, w, 3) as 8-bit RGB, min-max scaled over all channels: the smallest value
 * becomes 0 and the largest 255, so weights of any magnitude are visible.
 * @example const { pixels, min, max } = scaleToBytes(w.reshape([64, 64, 3]));
 */
export function scaleToBytes(image: Tensor): { pixels: Uint8Array; min: number; max: number } {
  const v = image.values();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const span = max - min;
  const pixels = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) pixels[i] = span > 0 ? Math.round((255 * ((v[i] as number) - min)) / span) : 128;
  return { pixels, min, max };
}

function imageBytes(images: Tensor, i: number): Uint8Array {
  const [, h, w, c] = images.shape as [number, number, number, number];
  const size = h * w * c;
  return Uint8Array.from(images.values().subarray(i * size, (i + 1) * size));
}

function dataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}

function svgDocument(width: number, height: number, title: string, sub: string[], body: string[]): string {
  const font = escapeXml(CHART_CONFIG.font);
  const lines = sub.map((s, i) => `<text x="16" y="${46 + i * 16}" font-size="12" fill="#444">${escapeXml(s)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="16" y="26" font-size="15">${escapeXml(title)}</text>`,
    ...lines,
    ...body,
    '</svg>',
  ].join('\n');
}

/** How many weight pictures (first-layer units) the figure shows at most. */
export const MAX_WEIGHT_IMAGES = 32;

/**
 * The weight pictures: the first one as a raw PNG of the input's size (min-max scaled), and a
 * captioned figure with each enlarged. The single neuron has one picture, its W1 itself; a
 * wider first layer has one per unit, each scaled on its own.
 * @example const w = await weightsImages(pd); if (w) await writeFile('weights.png', w.png);
 */
export async function weightsImages(pd: PlotData): Promise<{ png: Uint8Array; svg: string } | null> {
  const all = pd.weightImages.filter((x) => x.image.ndim === 3 && x.image.shape[2] === 3);
  const first = all[0];
  if (first === undefined) return null;
  const shown = all.slice(0, MAX_WEIGHT_IMAGES);
  const [h, w, c] = first.image.shape as [number, number, number];
  const one = shown.length === 1;
  const scale = one ? Math.max(1, Math.floor(384 / Math.max(h, w))) : 2;
  const cols = Math.min(8, shown.length);
  const cellW = w * scale + (one ? 0 : 16);
  const cellH = h * scale + (one ? 0 : 22);
  const scaled = shown.map((x) => ({ name: x.name, ...scaleToBytes(x.image) }));
  const png = await encodePng(scaled[0]?.pixels ?? new Uint8Array(0), w, h, 3);
  const range = (x: { min: number; max: number }): string => `${x.min.toPrecision(4)} → black, ${x.max.toPrecision(4)} → white, 0 → grey ${Math.round((255 * -x.min) / (x.max - x.min || 1))}`;
  const f0 = scaled[0] as (typeof scaled)[number];
  const what = one
    ? `${f0.name} reshaped to ${h}x${w}x${c}, min-max scaled: ${range(f0)}`
    : `${all.length} first-layer units${all.length > shown.length ? ` (first ${shown.length} shown)` : ''}, each reshaped to ${h}x${w}x${c} and min-max scaled on its own`;
  const width = Math.max(cols * cellW + 60, 560);
  const sub = wrapLines([...subtitle(pd), what], width - 32, 12);
  const top = 46 + sub.length * 16 + (one ? 0 : 8);
  const body: string[] = [];
  for (const [k, x] of scaled.entries()) {
    const big = dataUri(await encodePng(x.pixels, w, h, 3, scale));
    const px = 16 + (k % cols) * cellW;
    const py = top + Math.floor(k / cols) * cellH;
    body.push(`<image x="${px}" y="${py}" width="${w * scale}" height="${h * scale}" style="image-rendering:pixelated" xlink:href="${big}" href="${big}"/>`);
    if (!one) body.push(`<text x="${px}" y="${py + h * scale + 15}" font-size="11">${escapeXml(x.name)}</text>`);
  }
  const rows = Math.ceil(scaled.length / cols);
  const gridW = cols * cellW;
  const gridH = rows * cellH;
  if (one) {
    body.push(`<text x="${16 + gridW / 2}" y="${top + gridH + 20}" font-size="12" text-anchor="middle">pixel column (x, ${w} px)</text>`);
    body.push(`<text transform="translate(${gridW + 32} ${top + gridH / 2}) rotate(90)" font-size="12" text-anchor="middle">pixel row (y, ${h} px)</text>`);
  }
  const title = one ? `Learned weights (${f0.name}) as an image` : 'Learned first-layer weights as images';
  const svg = svgDocument(width, top + gridH + (one ? 36 : 12), title, sub, body);
  return { png, svg };
}

/** How many misclassified images the grid shows at most. */
export const MAX_GRID_IMAGES = 48;

/**
 * A grid of the images `set` gets wrong, each with its index, true label and prediction.
 * @example const svg = await misclassifiedSvg(pd, pd.sets[1]);
 */
export async function misclassifiedSvg(pd: PlotData, set: PlotSet): Promise<{ svg: string; count: number }> {
  // Two classes show P(class 1), as the notes do; more show the predicted class's probability.
  const shownClass = (pred: number): number => (pd.classes.length === 2 ? 1 : pred);
  const wrong = set.labels.map((t, i) => ({ i, t, pred: set.predicted[i] as number })).filter((r) => r.pred !== r.t)
    .map((r) => ({ ...r, p: set.probabilities[r.i]?.[shownClass(r.pred)] ?? Number.NaN }));
  const shown = wrong.slice(0, MAX_GRID_IMAGES);
  const [, h, w, c] = set.images.shape as [number, number, number, number];
  const channels = c === 1 ? 1 : 3;
  // Small images (28x28 digits) are enlarged more, so the grid stays readable.
  const scale = Math.max(2, Math.floor(64 / Math.max(h, w)));
  const cellW = Math.max(w * scale, 150) + 16;
  const cellH = h * scale + 64;
  const cols = Math.max(1, Math.min(6, shown.length));
  const rows = Math.max(1, Math.ceil(shown.length / cols));
  const m = set.labels.length;
  const width = Math.max(16 + cols * cellW, 620);
  const sub = wrapLines([...subtitle(pd), `${wrong.length} of ${m} ${set.name} images misclassified${shown.length < wrong.length ? ` (first ${shown.length} shown)` : ''}; p = the model's P(${pd.classes.length === 2 ? pd.classes[1] : 'predicted class'})`], width - 32, 12);
  const top = 46 + sub.length * 16 + 8;
  const body: string[] = [];
  for (const [k, r] of shown.entries()) {
    const x = 16 + (k % cols) * cellW;
    const y = top + Math.floor(k / cols) * cellH;
    const png = await encodePng(imageBytes(set.images, r.i), w, h, channels, scale);
    body.push(`<image x="${x}" y="${y}" width="${w * scale}" height="${h * scale}" xlink:href="${dataUri(png)}" href="${dataUri(png)}"/>`);
    const name = (c: number): string => escapeXml(pd.classes[c] ?? String(c));
    body.push(`<text x="${x}" y="${y + h * scale + 16}" font-size="12">#${r.i} true: ${name(r.t)}</text>`);
    body.push(`<text x="${x}" y="${y + h * scale + 32}" font-size="12" fill="#c0392b">predicted: ${name(r.pred)}</text>`);
    body.push(`<text x="${x}" y="${y + h * scale + 48}" font-size="12" fill="#555">p = ${r.p.toFixed(3)}</text>`);
  }
  if (shown.length === 0) body.push(`<text x="16" y="${top + 30}" font-size="14">no misclassified ${set.name} images</text>`);
  const svg = svgDocument(width, top + rows * cellH + 8, `Misclassified ${set.name} images`, sub, body);
  return { svg, count: wrong.length };
}

/**
 * Confusion matrices of every set side by side: rows the true class, columns the predicted.
 * @example const svg = await confusionSvg(pd);
 */
export async function confusionSvg(pd: PlotData): Promise<string> {
  const values = pd.sets.flatMap((s) => {
    const setName = `${s.name} set (${s.labels.length} images, accuracy ${percent(s.report.accuracy)})`;
    return s.report.confusion.flatMap((row, t) => row.map((count, p) => ({ set: setName, true: t, predicted: p, count, share: count / s.labels.length })));
  });
  // Classes by index, named by the axis. Vega looks names up in plain objects: a name of
  // Object.prototype's (`constructor`, `__proto__`, `toString`) gets a zero-width space so that
  // it reads the same but is not one of its keys.
  const names = pd.classes.map((n) => (n === '__proto__' || n in Object.prototype ? `${n}\u200b` : n));
  const labelExpr = `${JSON.stringify(names)}[datum.value]`;
  const spec: TopLevelSpec = {
    title: { text: 'Confusion matrix', subtitle: subtitle(pd) },
    data: { values },
    facet: { column: { field: 'set', type: 'nominal', title: null, sort: pd.sets.map((s) => s.name) } },
    spec: {
      width: 200,
      height: 200,
      encoding: {
        x: { field: 'predicted', type: 'ordinal', title: 'predicted class', axis: { labelAngle: 0, labelExpr } },
        y: { field: 'true', type: 'ordinal', title: 'true class', axis: { labelExpr } },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white' },
          encoding: { color: { field: 'share', type: 'quantitative', title: 'share of set', scale: { scheme: 'blues', domain: [0, 1] }, legend: { format: '.0%' } } },
        },
        {
          mark: { type: 'text', fontSize: 18 },
          encoding: {
            text: { field: 'count', type: 'quantitative' },
            color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
          },
        },
      ],
    },
    resolve: { scale: { color: 'shared' } },
  };
  return renderVegaLite(spec);
}

/** What `writePlots` wrote. */
export interface PlotsWritten {
  files: string[];
  misclassified: number;
  confusion: Record<string, number[][]>;
}

/**
 * Writes every training plot for `pd` into `dir` (created if missing): cost.svg/.png,
 * weights.png (64x64) and weights-figure.svg/.png when the model has weight images,
 * misclassified.svg/.png (test set) and confusion.svg/.png.
 * @example await writePlots('plots', plotData(model, data));
 */
export async function writePlots(dir: string, pd: PlotData): Promise<PlotsWritten> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  files.push(...(await writeFigure(dir, 'cost', await costCurveSvg(pd))));
  const weights = await weightsImages(pd);
  if (weights !== null) {
    const raw = path.join(dir, 'weights.png');
    await writeFileAtomic(raw, weights.png);
    files.push(raw, ...(await writeFigure(dir, 'weights-figure', weights.svg)));
  }
  const test = pd.sets.find((s) => s.name === 'test') ?? pd.sets[0];
  let misclassified = 0;
  if (test !== undefined) {
    const grid = await misclassifiedSvg(pd, test);
    misclassified = grid.count;
    files.push(...(await writeFigure(dir, 'misclassified', grid.svg)));
  }
  files.push(...(await writeFigure(dir, 'confusion', await confusionSvg(pd))));
  const confusion = Object.fromEntries(pd.sets.map((s) => [s.name, s.report.confusion]));
  return { files, misclassified, confusion };
}

/**
 * The plots of a run just finished, on its data: what `tsgrad train --plot DIR` writes.
 * @example const run = new TrainingRun(data, NEURON); run.advance(); await writeTrainingPlots('plots', run.result(), data);
 */
export async function writeTrainingPlots(dir: string, result: RunResult, data: RunData): Promise<PlotsWritten> {
  const s = result.settings;
  const source = { model: result.model, classes: result.classes, preprocessing: data.preprocessing ?? PIXELS, dtype: s.dtype, settings: s, engine: result.engine.engine, costs: result.records };
  return writePlots(dir, plotData(source, data));
}
