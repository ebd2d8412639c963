/**
 * Pictures and files of a loss landscape (src/analysis/landscape.ts): the 1-D interpolation as
 * a line chart, the 2-D surface as a filled contour plot, and the raw numbers as CSV and JSON.
 */
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../data/atomic-write.js';
import path from 'node:path';
import type { Spec as VegaSpec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { ArgumentError } from '../core/errors.js';
import type { Landscape } from '../analysis/landscape.js';
import { interpolationCsv, landscapeJson, surfaceCsv, trajectoryCsv } from '../analysis/landscape-csv.js';
import type { Trajectory } from '../analysis/trajectory.js';
import { CHART_CONFIG, renderVega, renderVegaLite, writeFigure } from './chart.js';
import { contourLevels } from './levels.js';
import { largest, smallest } from '../core/numbers.js';

export { contourLevels } from './levels.js';

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

/** A loss surface to draw as contours: values[i][j] at (x[j], y[i]), on an evenly spaced grid. */
export interface ContourView {
  x: number[];
  y: number[];
  values: number[][];
  title: string;
  subtitle: string[];
  xTitle: string;
  yTitle: string;
  legendTitle: string;
  /** A path drawn over the surface, e.g. the training trajectory, with optional point labels. */
  path?: { x: number; y: number; label?: string }[];
}

/**
 * Filled contours of a grid of losses with the trained point (0, 0) marked, and an optional
 * path over them. The levels are log-spaced when the losses span more than a factor of 10.
 * @example const svg = await contourSvg({ x, y, values, title: 'Loss', subtitle: [], xTitle: 'x', yTitle: 'y', legendTitle: 'loss' });
 */
export async function contourSvg(v: ContourView): Promise<string> {
  const nx = v.x.length;
  const ny = v.y.length;
  // One scale factor maps raster cells to pixels on both axes: the grid must be square.
  if (nx !== ny || v.values.length !== ny || v.values.some((r) => r.length !== nx)) {
    throw new ArgumentError('contourSvg', 'values', `expected a square ${nx} x ${nx} grid, got ${v.values.length} rows for ${nx} x and ${ny} y coordinates`);
  }
  const finite = v.values.flat().filter((x) => Number.isFinite(x));
  const lo = smallest(finite);
  const hi = largest(finite);
  // Raster rows run top to bottom, so the largest y comes first; a diverged point (inf) is drawn as the highest level.
  // The raster is padded by one copy of its edge on every side, so contours reach the plot's
  // edges instead of cutting its corners; the marks are clipped to the plot.
  const rows = [...v.values].reverse().map((row) => {
    const r = row.map((x) => (Number.isFinite(x) ? x : hi));
    return [r[0] ?? hi, ...r, r.at(-1) ?? hi];
  });
  const padded = [rows[0] ?? [], ...rows, rows.at(-1) ?? []];
  const raster = padded.flat();
  // The contour raster treats each value as a unit square centred on its grid point.
  const domainOf = (c: number[]): number[] => {
    const step = c.length > 1 ? ((c.at(-1) ?? 0) - (c[0] ?? 0)) / (c.length - 1) : 1;
    return [(c[0] ?? 0) - step / 2, (c.at(-1) ?? 0) + step / 2];
  };
  const logScale = lo > 0 && hi / lo > 10;
  const size = 420;
  const path = v.path ?? [];
  const spec: VegaSpec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: size,
    height: size,
    padding: 8,
    autosize: 'pad',
    background: 'white',
    config: { ...CHART_CONFIG, title: { ...CHART_CONFIG.title, fontWeight: 'bold' } },
    title: { text: v.title, subtitle: v.subtitle },
    data: [
      {
        name: 'grid',
        values: [{ width: nx + 2, height: ny + 2, values: raster }],
        transform: [{ type: 'isocontour', thresholds: contourLevels(lo, hi), scale: size / nx, translate: [-size / nx, -size / ny], smooth: true }],
      },
      { name: 'trained', values: [{ x: 0, y: 0 }] },
      { name: 'path', values: path.map((p, i) => ({ ...p, i })) },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: domainOf(v.x), range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: domainOf(v.y), range: 'height', zero: false, nice: false },
      { name: 'color', type: logScale ? 'log' : 'linear', domain: [lo, hi], range: { scheme: 'viridis' }, zero: false },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: v.xTitle, grid: false, tickCount: 5 },
      { scale: 'y', orient: 'left', title: v.yTitle, grid: false, tickCount: 5 },
    ],
    legends: [{ fill: 'color', type: 'gradient', title: v.legendTitle, gradientLength: size - 40, format: '.3~g' }],
    marks: [
      {
        type: 'shape',
        from: { data: 'grid' },
        clip: true,
        encode: { enter: { fill: { scale: 'color', field: 'contour.value' }, stroke: { value: '#ffffff' }, strokeWidth: { value: 0.4 }, strokeOpacity: { value: 0.6 } } },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'line',
        from: { data: 'path' },
        encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { value: '#ff7f0e' }, strokeWidth: { value: 2 } } },
      },
      {
        type: 'symbol',
        from: { data: 'path' },
        encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, size: { value: 24 }, fill: { value: '#ff7f0e' }, stroke: { value: 'white' }, strokeWidth: { value: 0.5 } } },
      },
      {
        type: 'text',
        from: { data: 'path' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'x', offset: 6 },
            y: { scale: 'y', field: 'y', offset: 12 },
            text: { field: 'label' },
            fill: { value: 'white' },
            fontSize: { value: 11 },
          },
        },
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

/** The range of a surface's finite values, for subtitles. */
function rangeText(values: number[][]): string {
  const finite = values.flat().filter((x) => Number.isFinite(x));
  const lo = smallest(finite);
  const hi = largest(finite);
  return `range ${fmt(lo)} to ${fmt(hi)}${lo > 0 && hi / lo > 10 ? ' (log-spaced levels)' : ''}`;
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
  return contourSvg({
    x: s.x,
    y: s.y,
    values: grid,
    title: `${set === 'train' ? 'Training' : 'Test'} loss surface around the trained parameters`,
    subtitle: subtitle(c, [
      `θ* + x·δ + y·η, δ and η random Gaussian, filter-normalised (Li et al. 2018); ${s.includeBiases ? 'biases included' : 'biases left out'}`,
      `${n} x ${n} grid, seed ${s.seed}; at the trained point (0, 0): ${fmt(set === 'train' ? l.trained.train : (l.trained.test ?? Number.NaN))}; ${rangeText(grid)}`,
    ]),
    xTitle: 'x along direction δ (filter-normalised units)',
    yTitle: 'y along direction η (filter-normalised units)',
    legendTitle: `${set} loss (nats)`,
  });
}

/**
 * The training trajectory projected on the plane of its first two PCA directions, over the
 * train loss on that plane.
 * @example const svg = await trajectorySvg(trajectory, caption);
 */
export async function trajectorySvg(t: Trajectory, c: LandscapeCaption): Promise<string> {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const n = t.surface.x.length;
  const last = t.steps.length - 1;
  const atTrained = t.surface.train[t.surface.y.indexOf(0)]?.[t.surface.x.indexOf(0)] ?? Number.NaN;
  const labelled = new Set([0, last]);
  return contourSvg({
    x: t.surface.x,
    y: t.surface.y,
    values: t.surface.train,
    title: 'Training trajectory on the loss surface',
    subtitle: subtitle(c, [
      `${t.steps.length} checkpoints (every ${t.steps[1] ?? 0} steps, replayed) projected on their first two PCA directions (Li et al. 2018); ${t.includeBiases ? 'biases included' : 'biases left out'}`,
      `${n} x ${n} grid; at the trained point (0, 0): ${fmt(atTrained)}; ${rangeText(t.surface.train)}`,
    ]),
    xTitle: `1st PCA direction (${pct(t.explainedVariance[0])} of the path's variance, parameter units)`,
    yTitle: `2nd PCA direction (${pct(t.explainedVariance[1])}, parameter units)`,
    legendTitle: 'train loss (nats)',
    path: t.steps.map((s, i) => ({ x: t.x[i] as number, y: t.y[i] as number, ...(labelled.has(i) && i !== last ? { label: `step ${s}` } : {}) })),
  });
}

/**
 * Writes everything of a landscape into `dir`: interpolation.svg/.png, surface.svg/.png (and
 * surface-test.svg/.png when computed), interpolation.csv, surface.csv and landscape.json
 * (`meta` goes into the JSON, e.g. the model file's path); with a trajectory also
 * trajectory.svg/.png and trajectory.csv, and the trajectory in the JSON.
 * @example await writeLandscape('landscape', l, caption, { model: 'cat.json' });
 */
export async function writeLandscape(dir: string, l: Landscape, c: LandscapeCaption, meta: Record<string, unknown> = {}, trajectory: Trajectory | null = null): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, text: string): Promise<void> => {
    const f = path.join(dir, name);
    await writeFileAtomic(f, text);
    files.push(f);
  };
  files.push(...(await writeFigure(dir, 'interpolation', await interpolationSvg(l, c))));
  files.push(...(await writeFigure(dir, 'surface', await surfaceSvg(l, c, 'train'))));
  if (l.surface.test !== null) files.push(...(await writeFigure(dir, 'surface-test', await surfaceSvg(l, c, 'test'))));
  await put('interpolation.csv', interpolationCsv(l));
  await put('surface.csv', surfaceCsv(l));
  if (trajectory !== null) {
    files.push(...(await writeFigure(dir, 'trajectory', await trajectorySvg(trajectory, c))));
    await put('trajectory.csv', trajectoryCsv(trajectory));
  }
  await put('landscape.json', landscapeJson(l, { ...meta, caption: c, ...(trajectory !== null ? { trajectory } : {}) }));
  return files;
}
