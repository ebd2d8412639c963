/**
 * "A network's cost is not a bowl": the 1-2-1 tanh network's cost over two of its weights
 * (src/analysis/descent.ts's networkSurface) as contours, its valleys marked and described.
 */
import { networkSurface, type DescentData, type DescentLoss } from '../../../src/analysis/descent.js';
import { fmt } from './format.js';
import { drawContours, drawPath, frameOf, levelsOf, type Grid } from './surface-draw.js';

/** The picture's range for both weights: wide enough to hold both of its valleys on the notes' data. */
const SLICE_RANGE: [number, number] = [-8, 8];

/** Draws the network's surface on `canvas` for this data and loss, and says what it shows. */
export function drawNetworkSlice(canvas: HTMLCanvasElement, text: HTMLElement, caption: HTMLElement, data: DescentData, loss: DescentLoss): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const s = networkSurface({ data, loss, n: 81, u: SLICE_RANGE, v: SLICE_RANGE });
  const g: Grid = { xs: s.u, ys: s.v, cost: s.cost };
  const f = frameOf(canvas, SLICE_RANGE, SLICE_RANGE);
  drawContours(ctx, f, g, s.names[0], s.names[1]);
  const minima = localMinima(g).sort((a, b) => a.cost - b.cost);
  for (const m of minima) drawPath(ctx, f, [{ x: m.x, y: m.y }], '#fff', false);
  const { lo, hi } = levelsOf(g);
  const n = s.network;
  const at = (m: { x: number; y: number; cost: number }): string => `J = ${fmt(m.cost, 4)} at (${fmt(m.x, 3)}, ${fmt(m.y, 3)})`;
  const valleys =
    minima.length >= 2
      ? `On this ${s.u.length} × ${s.v.length} grid it has ${minima.length} separate valleys (white dots): the lowest ${at(minima[0] as (typeof minima)[0])}, ` +
        `and ${minima.slice(1).map(at).join(', ')}, higher: descent started near ${minima.length > 2 ? 'one of those' : 'that one'} stays there.`
      : minima.length === 1
        ? `On this grid it has one valley (white dot), ${at(minima[0] as (typeof minima)[0])}, but long flat plateaus where the gradient all but vanishes and a curved floor: no bowl.`
        : 'On this grid its lowest points lie on the edge: the cost keeps falling outward, along flat plateaus.';
  text.textContent =
    `The cost of a tiny 1-2-1 network, h = tanh(w1·x + c1), s = v·h + c2, on the same data and loss, over two of its seven weights: ` +
    `the first hidden unit's input weight w1[0] and output weight v[0], the other five held at seed 1 (w1[1] = ${fmt(n.w1[1], 4)}, c1 = [${fmt(n.c1[0], 4)}, ${fmt(n.c1[1], 4)}], ` +
    `v[1] = ${fmt(n.v[1], 4)}, c2 = ${fmt(n.c2, 4)}). ${valleys}`;
  caption.textContent = `J over w1[0] and v[0], from ${fmt(lo, 4)} (dark) to ${fmt(hi, 4)} (light); each white dot a local minimum of the grid.`;
  canvas.dataset['minima'] = String(minima.length);
}

/** The grid's strict local minima over their eight neighbours, inside the grid (an edge point may only be a slope cut off). */
function localMinima(g: Grid): { x: number; y: number; cost: number }[] {
  const out: { x: number; y: number; cost: number }[] = [];
  for (let i = 1; i < g.ys.length - 1; i++) {
    for (let j = 1; j < g.xs.length - 1; j++) {
      const c = g.cost[i]?.[j] ?? Number.NaN;
      if (!Number.isFinite(c)) continue;
      let lowest = true;
      for (let di = -1; di <= 1 && lowest; di++) {
        for (let dj = -1; dj <= 1; dj++) {
          if (di === 0 && dj === 0) continue;
          const n = g.cost[i + di]?.[j + dj];
          if (n !== undefined && !(c < n)) {
            lowest = false;
            break;
          }
        }
      }
      if (lowest) out.push({ x: g.xs[j] as number, y: g.ys[i] as number, cost: c });
    }
  }
  return out;
}
