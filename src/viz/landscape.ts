/**
 * Pictures and files of a loss landscape (src/train/landscape.ts): the 1-D interpolation as a
 * line chart, the 2-D surface as a filled contour plot, and the raw numbers as CSV and JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Spec as VegaSpec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { ArgumentError } from '../core/errors.js';
import { interpolationCsv, landscapeJson, surfaceCsv, type Landscape } from '../train/landscape.js';
import { CHART_CONFIG, renderVega, renderVegaLite, writeFigure } from './chart.js';

/** What the charts say about the model: its description and settings, one line each. */
export interface LandscapeCaption {
  model: string;
  settings: string[];
}

function subtitle(c: LandscapeCaption, extra: string[]): string[] {
  return [c.model, c.settings.join(' · '), ...extra].filter((s) => s !== '');
}

/**
 * The 1-D interpolation: train (and test) loss against α, with the initial and trained
 * parameters marked.
 * @example const svg = await interpolationSvg(landscape, caption);
 */
export async function interpolationSvg(l: Landscape, c: LandscapeCaption): Promise<string> {
  const { alpha, train, test } = l.interpolation;
  const values = alpha.flatMap((a, i) => [
    { alpha: a, set: 'train', loss: finiteOrNull(train[i]) },
    ...(test === null ? [] : [{ alpha: a, set: 'test', loss: finiteOrNull(test[i]) }]),
  ]);
  const marks = [
    { alpha: 0, label: 'initial θ₀' },
    { alpha: 1, label: 'trained θ*' },
  ].filter((m) => m.alpha >= (alpha[0] ?? 0) && m.alpha <= (alpha.at(-1) ?? 1));
  const spec: TopLevelSpec = {
    title: {
      text: 'Loss along the line from the initial to the trained parameters',
      subtitle: subtitle(c, [`θ(α) = (1 − α)·θ₀ + α·θ*, ${alpha.length} points; loss at θ*: train ${fmt(l.trained.train)}${l.trained.test === null ? '' : `, test ${fmt(l.trained.test)}`}`]),
    },
    width: 520,
    height: 300,
    layer: [
      {
        data: { values: marks },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { field: 'alpha', type: 'quantitative' } },
      },
      {
        data: { values: marks },
        mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'bottom', color: '#555', fontSize: 11 },
        encoding: { x: { field: 'alpha', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 20 }, strokeWidth: 2 },
        encoding: {
          x: { field: 'alpha', type: 'quantitative', title: 'α (interpolation coefficient: 0 = initial, 1 = trained)' },
          y: { field: 'loss', type: 'quantitative', title: 'loss (mean cross-entropy, nats)' },
          color: { field: 'set', type: 'nominal', title: 'data set', sort: ['train', 'test'], scale: { range: ['#1f77b4', '#d62728'] } },
        },
      },
    ],
  };
  return renderVegaLite(spec);
}

function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}

/**
 * Contour levels for losses from `lo` to `hi`: evenly spaced, or evenly spaced in log when
 * the range covers more than a factor of 10, so the basin is not one flat colour.
 */
export function contourLevels(lo: number, hi: number, count = 16): number[] {
  if (!(hi > lo)) return [lo];
  const logScale = lo > 0 && hi / lo > 10;
  return Array.from({ length: count }, (_, k) => {
    const t = k / (count - 1);
    return logScale ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
  });
}

/**
 * The 2-D surface as filled contours on the (δ, η) plane, the trained point marked.
 * @example const svg = await surfaceSvg(landscape, caption);
 */
export async function surfaceSvg(l: Landscape, c: LandscapeCaption, set: 'train' | 'test' = 'train'): Promise<string> {
  const s = l.surface;
  const grid = set === 'train' ? s.train : s.test;
  if (grid === null) throw new ArgumentError('surfaceSvg', 'set', `no ${set} surface was computed (computeLandscape's testSurface option)`);
  const n = s.x.length;
  const finite = grid.flat().filter((v) => Number.isFinite(v));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  // Raster rows run top to bottom, so the largest y comes first; a diverged point (inf) is drawn as the highest level.
  const raster = [...grid].reverse().flatMap((row) => row.map((v) => (Number.isFinite(v) ? v : hi)));
  const xs = s.x;
  const step = n > 1 ? ((xs.at(-1) ?? 0) - (xs[0] ?? 0)) / (n - 1) : 1;
  // The contour raster treats each value as a unit square centred on its grid point.
  const domain = [(xs[0] ?? 0) - step / 2, (xs.at(-1) ?? 0) + step / 2];
  const levels = contourLevels(lo, hi);
  const logScale = lo > 0 && hi / lo > 10;
  const size = 420;
  const spec: VegaSpec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: size,
    height: size,
    padding: 8,
    autosize: 'pad',
    background: 'white',
    config: { ...CHART_CONFIG, title: { ...CHART_CONFIG.title, fontWeight: 'bold' } },
    title: {
      text: `${set === 'train' ? 'Training' : 'Test'} loss surface around the trained parameters`,
      subtitle: subtitle(c, [
        `θ* + x·δ + y·η, δ and η random Gaussian, filter-normalised (Li et al. 2018); ${s.includeBiases ? 'biases included' : 'biases left out'}`,
        `${n} x ${n} grid, seed ${s.seed}; at the trained point (0, 0): ${fmt(set === 'train' ? l.trained.train : (l.trained.test ?? Number.NaN))}; range ${fmt(lo)} to ${fmt(hi)}${logScale ? ' (log-spaced levels)' : ''}`,
      ]),
    },
    data: [
      {
        name: 'grid',
        values: [{ width: n, height: n, values: raster }],
        transform: [{ type: 'isocontour', thresholds: levels, scale: { expr: `width / ${n}` }, smooth: true }],
      },
      { name: 'trained', values: [{ x: 0, y: 0 }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain, range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain, range: 'height', zero: false, nice: false },
      { name: 'color', type: logScale ? 'log' : 'linear', domain: [lo, hi], range: { scheme: 'viridis' }, zero: false },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: 'x along direction δ (filter-normalised units)', grid: false, tickCount: 5 },
      { scale: 'y', orient: 'left', title: 'y along direction η (filter-normalised units)', grid: false, tickCount: 5 },
    ],
    legends: [{ fill: 'color', type: 'gradient', title: `${set} loss (nats)`, gradientLength: size - 40, format: '.3~g' }],
    marks: [
      {
        type: 'shape',
        from: { data: 'grid' },
        encode: { enter: { fill: { scale: 'color', field: 'contour.value' }, stroke: { value: '#ffffff' }, strokeWidth: { value: 0.4 }, strokeOpacity: { value: 0.6 } } },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'symbol',
        from: { data: 'trained' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'y' },
            shape: { value: 'cross' },
            size: { value: 120 },
            fill: { value: '#d62728' },
            stroke: { value: 'white' },
            strokeWidth: { value: 1 },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'trained' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'x', offset: 9 },
            y: { scale: 'y', field: 'y', offset: -9 },
            text: { value: 'trained θ*' },
            fill: { value: 'white' },
            fontSize: { value: 12 },
          },
        },
      },
    ],
  };
  return renderVega(spec);
}

/**
 * Writes everything of a landscape into `dir`: interpolation.svg/.png, surface.svg/.png (and
 * surface-test.svg/.png when computed), interpolation.csv, surface.csv and landscape.json
 * (`meta` goes into the JSON, e.g. the model file's path).
 * @example await writeLandscape('landscape', l, caption, { model: 'cat.json' });
 */
export async function writeLandscape(dir: string, l: Landscape, c: LandscapeCaption, meta: Record<string, unknown> = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, text: string): Promise<void> => {
    const f = path.join(dir, name);
    await writeFile(f, text);
    files.push(f);
  };
  files.push(...(await writeFigure(dir, 'interpolation', await interpolationSvg(l, c))));
  files.push(...(await writeFigure(dir, 'surface', await surfaceSvg(l, c, 'train'))));
  if (l.surface.test !== null) files.push(...(await writeFigure(dir, 'surface-test', await surfaceSvg(l, c, 'test'))));
  await put('interpolation.csv', interpolationCsv(l));
  await put('surface.csv', surfaceCsv(l));
  await put('landscape.json', landscapeJson(l, { ...meta, caption: c }));
  return files;
}
