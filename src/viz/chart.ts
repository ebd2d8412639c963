/**
 * Charts as files: Vega-Lite (or plain Vega) specifications rendered to SVG in Node, with no
 * browser and no canvas, then rasterised to PNG. One look for every tsgrad chart.
 */
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../data/atomic-write.js';
import path from 'node:path';
import { parse, View, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { svgToPng } from '../data/image.js';
import { installTextMetrics } from './text-width.js';

/** Shared styling: a readable font and size for every chart. */
export const CHART_CONFIG = {
  font: 'DejaVu Sans, Verdana, Helvetica, Arial, sans-serif',
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start' as const, offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const },
  background: 'white',
};

/**
 * Renders a Vega specification to an SVG document.
 * @example const svg = await renderVega({ ...vegaSpec });
 */
export async function renderVega(spec: VegaSpec): Promise<string> {
  installTextMetrics();
  const view = new View(parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite specification to an SVG document, with tsgrad's shared styling.
 * @example const svg = await renderVegaLite({ mark: 'line', data: { values }, encoding: { ... } });
 */
export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  const styled = { config: CHART_CONFIG, ...spec } as TopLevelSpec;
  return renderVega(compile(styled).spec);
}

/**
 * Writes `name.svg` and `name.png` (rasterised at twice the SVG's size) into `dir`, and
 * returns both paths.
 * @example await writeFigure('plots', 'cost', svg); // ['plots/cost.svg', 'plots/cost.png']
 */
export async function writeFigure(dir: string, name: string, svg: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const svgFile = path.join(dir, `${name}.svg`);
  const pngFile = path.join(dir, `${name}.png`);
  await writeFileAtomic(svgFile, svg);
  await writeFileAtomic(pngFile, await svgToPng(svg));
  return [svgFile, pngFile];
}

/** Escapes text for SVG element content and attribute values. @example escapeXml('a < b') // 'a &lt; b' */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** A percentage for titles: at most two decimals, no trailing zeros. @example percent(99.043) // '99.04%' */
export function percent(x: number): string {
  return `${Number(x.toFixed(2))}%`;
}
