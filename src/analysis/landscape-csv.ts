/**
 * A landscape's numbers as files: CSV for spreadsheets, JSON with every number (non-finite
 * losses, a saturated sigmoid's log 0, become null). Browser-safe: text only.
 */
import type { Landscape } from './landscape.js';
import type { Trajectory } from './trajectory.js';

/** A number for CSV: shortest round-trip digits; `inf`, `-inf`, `nan` spelled out. */
function csvNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}

/** The interpolation as CSV: `alpha,train_loss[,test_loss]`. @example interpolationCsv(l).split('\n')[0] // 'alpha,train_loss,test_loss' */
export function interpolationCsv(l: Landscape): string {
  const { alpha, train, test } = l.interpolation;
  const head = test === null ? 'alpha,train_loss' : 'alpha,train_loss,test_loss';
  const rows = alpha.map((a, i) => [a, train[i] as number, ...(test === null ? [] : [test[i] as number])].map(csvNumber).join(','));
  return `${[head, ...rows].join('\n')}\n`;
}

/** The surface as CSV, one row per grid point: `x,y,train_loss[,test_loss]`. @example surfaceCsv(l).split('\n')[0] // 'x,y,train_loss' */
export function surfaceCsv(l: Landscape): string {
  const s = l.surface;
  const lines = [s.test === null ? 'x,y,train_loss' : 'x,y,train_loss,test_loss'];
  s.y.forEach((y, i) =>
    s.x.forEach((x, j) => {
      const cells = [x, y, s.train[i]?.[j] ?? Number.NaN, ...(s.test === null ? [] : [s.test[i]?.[j] ?? Number.NaN])];
      lines.push(cells.map(csvNumber).join(','));
    }),
  );
  return `${lines.join('\n')}\n`;
}

/** The trajectory as CSV: `step,x,y,train_loss`. @example trajectoryCsv(t).split('\n')[0] // 'step,x,y,train_loss' */
export function trajectoryCsv(t: Trajectory): string {
  return `${['step,x,y,train_loss', ...t.steps.map((s, i) => [s, t.x[i] as number, t.y[i] as number, t.loss[i] as number].map(csvNumber).join(','))].join('\n')}\n`;
}

/** The landscape as JSON, `extra` fields first. @example landscapeJson(l, { modelFile: 'cat.json' }) */
export function landscapeJson(l: Landscape, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...extra, ...l }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`;
}
