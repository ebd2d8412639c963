/**
 * The cost chart with a read-out under the pointer (as TensorBoard and TensorFlow Playground
 * show values where the pointer is): the recorded point nearest the pointer's x, its train and
 * test cost, raw and smoothed, in a label above the chart, and the point marked on it.
 */
import { drawCostChart, type ChartGeometry, type CostPoint } from './draw.js';
import { smoothCosts } from './smoothing.js';

/** The chart's canvas and the label that shows the values under the pointer. */
export interface ChartElements {
  chart: HTMLCanvasElement;
  readout: HTMLElement;
}

const fmt = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? x.toFixed(4) : '–');

/** The index of the point whose iteration is nearest `at` (points in increasing iterations). */
function nearest(points: readonly CostPoint[], at: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as CostPoint).iteration <= at) lo = mid;
    else hi = mid;
  }
  const d = (i: number): number => Math.abs((points[i] as CostPoint).iteration - at);
  return d(hi) < d(lo) ? hi : lo;
}

/**
 * Wires the chart: `show` draws the curve (and keeps a read-out where the pointer is).
 * @example const chart = costChart({ chart: canvas, readout: label }); chart.show(points, 2000, 'iteration');
 */
export function costChart(els: ChartElements): { show(points: readonly CostPoint[], maxIteration: number, unit: string): void } {
  let points: readonly CostPoint[] = [];
  let maxIteration = 1;
  let unit = 'iteration';
  let geometry: ChartGeometry | null = null;
  /** The pointer on the canvas (CSS pixels), or null when it is elsewhere. */
  let pointerX: number | null = null;
  let pointerY = 0;

  const draw = (): void => {
    let hover: number | null = null;
    if (pointerX !== null && geometry !== null && points.length > 0) {
      const at = ((pointerX - geometry.left) / geometry.width) * geometry.xMax;
      hover = nearest(points, Math.min(geometry.xMax, Math.max(0, at)));
    }
    geometry = drawCostChart(els.chart, points, maxIteration, unit, hover);
    const p = hover === null ? undefined : points[hover];
    if (p === undefined || hover === null || geometry === null) {
      els.readout.hidden = true;
      return;
    }
    const i = hover;
    const smoothTrain = smoothCosts(points, 'cost')[i];
    // The test cost is measured at fewer points (every 50 iterations with the span step): the nearest one.
    const measured = points.flatMap((q, k) => (Number.isFinite(q.testCost) ? [k] : []));
    const t = measured.reduce<number | undefined>((best, k) => (best === undefined || Math.abs((points[k] as CostPoint).iteration - p.iteration) < Math.abs((points[best] as CostPoint).iteration - p.iteration) ? k : best), undefined);
    const q = t === undefined ? undefined : points[t];
    const smoothTest = t === undefined ? undefined : smoothCosts(points, 'testCost')[t];
    const test = q === undefined ? '' : `; test${q.iteration === p.iteration ? '' : ` (at ${q.iteration})`} ${fmt(q.testCost)} (smoothed ${fmt(smoothTest)})`;
    els.readout.textContent = `${unit === 'epoch' ? 'Epoch' : 'Iteration'} ${p.iteration}: train ${fmt(p.cost)} (smoothed ${fmt(smoothTrain)})${test}`;
    els.readout.dataset['iteration'] = String(p.iteration);
    els.readout.dataset['cost'] = String(p.cost);
    els.readout.hidden = false;
    // Beside the marked point, kept inside the figure.
    const x = geometry.left + (p.iteration / geometry.xMax) * geometry.width;
    const room = els.chart.clientWidth - els.readout.offsetWidth;
    els.readout.style.left = `${Math.max(0, Math.min(room, x - els.readout.offsetWidth / 2))}px`;
    // Away from the pointer (and the finger): at the bottom when it is in the upper half.
    const low = pointerY < els.chart.clientHeight / 2;
    els.readout.style.top = low ? `${Math.max(0, els.chart.clientHeight - 44 - els.readout.offsetHeight)}px` : '0px';
  };

  const move = (e: PointerEvent): void => {
    const box = els.chart.getBoundingClientRect();
    pointerX = e.clientX - box.left;
    pointerY = e.clientY - box.top;
    draw();
  };
  els.chart.addEventListener('pointermove', move);
  els.chart.addEventListener('pointerdown', move);
  for (const end of ['pointerleave', 'pointercancel'] as const) {
    els.chart.addEventListener(end, () => {
      pointerX = null;
      draw();
    });
  }

  return {
    show(next, max, u) {
      [points, maxIteration, unit] = [next, max, u];
      draw();
    },
  };
}
