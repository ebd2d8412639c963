/**
 * Pictures of the notes' gradient descent (src/analysis/descent.ts): filled contours of a cost
 * over two parameters, with the optimisers' paths drawn over them from their start ○ to where
 * they stop ●. The same look as `tsgrad landscape`'s contour figures (src/viz/landscape.ts).
 */
import type { Spec as VegaSpec } from 'vega';
import type { DescentOptimizer, DescentPath } from '../analysis/descent.js';
import { ArgumentError } from '../core/errors.js';
import { largest, smallest } from '../core/numbers.js';
import { CHART_CONFIG, renderVega } from './chart.js';
import { contourLevels } from './levels.js';

/** Each optimiser's colour and name in the legend (Tableau 10, as the other figures). */
export const OPTIMIZER_STYLE: Record<DescentOptimizer, { colour: string; name: string }> = {
  gd: { colour: '#ff7f0e', name: 'gradient descent' },
  momentum: { colour: '#e377c2', name: 'momentum (β 0.9)' },
  adam: { colour: '#17becf', name: 'Adam' },
};

/** A grid of costs, cost[i][j] at (x[j], y[i]), and the optional paths over it. */
export interface DescentPicture {
  x: number[];
  y: number[];
  cost: number[][];
  title: string;
  subtitle: string[];
  xTitle: string;
  yTitle: string;
  legendTitle: string;
  paths?: readonly DescentPath[];
}

/**
 * Filled contours (dark: low) with each path as a line of its optimiser's colour, the start
 * as a ring and the last point as a dot; a path leaving the window is clipped at its edge.
 * @example const svg = await descentSvg({ x: s.w, y: s.b, cost: s.cost, title: 'J(w, b)', subtitle: [], xTitle: 'w', yTitle: 'b', legendTitle: 'J', paths });
 */
export async function descentSvg(v: DescentPicture): Promise<string> {
  const n = v.x.length;
  if (n < 2 || v.y.length !== n || v.cost.length !== n || v.cost.some((r) => r.length !== n)) {
    throw new ArgumentError('descentSvg', 'cost', `expected a square ${n} x ${n} grid, got ${v.cost.length} rows for ${n} x and ${v.y.length} y coordinates`);
  }
  const all = v.cost.flat();
  const finite = all.filter((c) => Number.isFinite(c));
  const infinite = all.length - finite.length;
  const subtitle = infinite === 0 ? v.subtitle : [...v.subtitle, `the cost is not a finite number at ${infinite} of the ${all.length} grid points (a probability rounds to 0 or 1): drawn as the highest level`];
  const lo = smallest(finite);
  const hi = largest(finite);
  // Raster rows run top to bottom (largest y first); a cost that is not finite draws as the
  // highest level; one copy of the edge on every side lets the contours reach the plot's edges.
  const rows = [...v.cost].reverse().map((row) => {
    const r = row.map((c) => (Number.isFinite(c) ? c : hi));
    return [r[0] ?? hi, ...r, r.at(-1) ?? hi];
  });
  const raster = [rows[0] ?? [], ...rows, rows.at(-1) ?? []].flat();
  const half = (c: number[]): number => ((c.at(-1) ?? 0) - (c[0] ?? 0)) / (c.length - 1) / 2;
  const size = 420;
  const paths = v.paths ?? [];
  const points = paths.flatMap((p) => p.points.map((q, i) => ({ optimizer: OPTIMIZER_STYLE[p.optimizer].name, x: q.w, y: q.b, i })));
  const ends = paths.flatMap((p) => {
    const [first, last] = [p.points[0], p.points.at(-1)];
    const name = OPTIMIZER_STYLE[p.optimizer].name;
    return first === undefined || last === undefined ? [] : [{ optimizer: name, x: first.w, y: first.b, end: 'start' }, { optimizer: name, x: last.w, y: last.b, end: 'last' }];
  });
  const used = paths.map((p) => p.optimizer);
  const spec: VegaSpec = {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: size,
    height: size,
    padding: 8,
    autosize: 'pad',
    background: 'white',
    config: { ...CHART_CONFIG, title: { ...CHART_CONFIG.title, fontWeight: 'bold' } },
    title: { text: v.title, subtitle },
    data: [
      {
        name: 'grid',
        values: [{ width: n + 2, height: n + 2, values: raster }],
        transform: [{ type: 'isocontour', thresholds: contourLevels(lo, hi), scale: size / n, translate: [-size / n, -size / n], smooth: true }],
      },
      { name: 'points', values: points },
      { name: 'ends', values: ends },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [(v.x[0] ?? 0) - half(v.x), (v.x.at(-1) ?? 0) + half(v.x)], range: 'width', zero: false, nice: false },
      { name: 'y', type: 'linear', domain: [(v.y[0] ?? 0) - half(v.y), (v.y.at(-1) ?? 0) + half(v.y)], range: 'height', zero: false, nice: false },
      { name: 'color', type: lo > 0 && hi / lo > 10 ? 'log' : 'linear', domain: [lo, hi], range: { scheme: 'viridis' }, zero: false },
      { name: 'path', type: 'ordinal', domain: used.map((o) => OPTIMIZER_STYLE[o].name), range: used.map((o) => OPTIMIZER_STYLE[o].colour) },
    ],
    axes: [
      { scale: 'x', orient: 'bottom', title: v.xTitle, grid: false, tickCount: 5 },
      { scale: 'y', orient: 'left', title: v.yTitle, grid: false, tickCount: 5 },
    ],
    legends: [
      { fill: 'color', type: 'gradient', title: v.legendTitle, gradientLength: size - 40, format: '.3~g' },
      ...(used.length > 0 ? [{ stroke: 'path', title: 'path (○ start, ● last)', symbolType: 'stroke', symbolStrokeWidth: 3 }] : []),
    ],
    marks: [
      {
        type: 'shape',
        from: { data: 'grid' },
        clip: true,
        encode: { enter: { fill: { scale: 'color', field: 'contour.value' }, stroke: { value: '#ffffff' }, strokeWidth: { value: 0.4 }, strokeOpacity: { value: 0.6 } } },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'group',
        from: { facet: { name: 'one', data: 'points', groupby: 'optimizer' } },
        clip: true,
        encode: { enter: { width: { signal: 'width' }, height: { signal: 'height' } } },
        marks: [
          {
            type: 'line',
            from: { data: 'one' },
            sort: { field: 'datum.i' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, stroke: { scale: 'path', field: 'optimizer' }, strokeWidth: { value: 2 } } },
          },
          {
            type: 'symbol',
            from: { data: 'one' },
            encode: { enter: { x: { scale: 'x', field: 'x' }, y: { scale: 'y', field: 'y' }, size: { value: 14 }, fill: { scale: 'path', field: 'optimizer' } } },
          },
        ],
      },
      {
        type: 'symbol',
        from: { data: 'ends' },
        clip: true,
        encode: {
          enter: {
            x: { scale: 'x', field: 'x' },
            y: { scale: 'y', field: 'y' },
            size: { value: 90 },
            fill: { signal: "datum.end === 'start' ? 'transparent' : scale('path', datum.optimizer)" },
            stroke: { value: 'white' },
            strokeWidth: { value: 2 },
          },
        },
      },
    ],
  };
  return renderVega(spec);
}
