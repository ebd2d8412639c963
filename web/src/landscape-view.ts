/**
 * The landscape's replies drawn as they come: the 1-D line, the progress of the 2-D surface,
 * then the surface (as `tsgrad landscape` computes them, in the worker).
 */
import { drawInterpolation } from './draw.js';
import { drawSurface, surfaceLegend } from './draw-surface.js';
import type { FromWorker } from './protocol.js';
import { largest, smallest } from '../../src/core/numbers.js';

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** The two figures' box, hidden while nothing is drawn. */
function figures(els: LandscapeElements): HTMLElement {
  return els.landscape.closest('.landscape-figures') ?? els.landscape;
}

/** The page's landscape section. @example landscapeView(ui, done) // ui holds these elements */
export interface LandscapeElements {
  landscape: HTMLCanvasElement;
  surface: HTMLCanvasElement;
  landscapeStatus: HTMLElement;
  landscapeProgress: HTMLProgressElement;
  surfaceLegend: HTMLElement;
  cancelLandscape: HTMLButtonElement;
}

/**
 * A handler for one landscape request's replies: true once the surface (or an error) has
 * arrived, after calling `done`.
 * @example requestEach({ type: 'landscape', id, grid: 21 }, landscapeView(ui, () => enableButtons()));
 */
export function landscapeView(els: LandscapeElements, done: () => void): (reply: FromWorker) => boolean {
  els.landscapeStatus.textContent = 'Computing…';
  els.landscapeProgress.value = 0;
  els.landscapeProgress.hidden = false;
  els.cancelLandscape.hidden = false;
  let line = '';
  const finish = (): void => {
    els.landscapeProgress.hidden = true;
    els.cancelLandscape.hidden = true;
    done();
  };
  return (reply) => {
    switch (reply.type) {
      case 'line': {
        // Shown once there is something in them (empty boxes while computing would puzzle).
        figures(els).hidden = false;
        drawInterpolation(els.landscape, reply);
        els.landscape.dataset['drawn'] = String(reply.iteration);
        const at = (a: number): number => reply.train[reply.alpha.indexOf(a)] ?? NaN;
        const low = smallest(reply.train);
        line = `At iteration ${reply.iteration}: train cost ${fmt(at(0), 6)} at α = 0 and ${fmt(at(1), 6)} at α = 1; lowest ${fmt(low, 6)} at α = ${fmt(reply.alpha[reply.train.indexOf(low)] ?? NaN, 2)}.`;
        els.landscapeStatus.textContent = `${line} Computing the surface…`;
        els.landscape.setAttribute('aria-label', `Loss landscape. ${line}`);
        return false;
      }
      case 'landscapeProgress':
        els.landscapeProgress.value = reply.done / reply.total;
        els.landscapeProgress.setAttribute('aria-valuetext', `${reply.done} of ${reply.total} losses`);
        return false;
      case 'surface': {
        drawSurface(els.surface, reply.surface);
        const all = reply.surface.train.flat().filter(Number.isFinite);
        const n = reply.surface.x.length;
        const centre = reply.surface.train[(n - 1) / 2]?.[(n - 1) / 2];
        els.surface.dataset['centre'] = String(centre ?? reply.surface.trained.train);
        els.surface.dataset['trained'] = String(reply.surface.trained.train);
        els.surface.dataset['min'] = String(smallest(all));
        els.surface.dataset['max'] = String(largest(all));
        const surface = `Surface ${n} × ${n}: train cost ${fmt(smallest(all), 6)} to ${fmt(largest(all), 6)}, ${fmt(reply.surface.trained.train, 6)} at the current parameters.`;
        els.landscapeStatus.textContent = `${line} ${surface}`;
        els.surface.setAttribute('aria-label', `Loss surface. ${surface}`);
        surfaceLegend(els.surfaceLegend, reply.surface);
        finish();
        return true;
      }
      case 'error':
        els.landscapeStatus.textContent = reply.message;
        finish();
        return true;
      default:
        return false;
    }
  };
}

/**
 * Empties the landscape's pictures and says so: they belonged to another model.
 * @example clearLandscape(ui);
 */
export function clearLandscape(els: LandscapeElements): void {
  if (els.landscape.dataset['drawn'] === undefined && els.surface.dataset['centre'] === undefined) return;
  for (const c of [els.landscape, els.surface]) c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
  figures(els).hidden = true;
  delete els.landscape.dataset['drawn'];
  for (const key of ['centre', 'trained', 'min', 'max']) delete els.surface.dataset[key];
  els.surfaceLegend.hidden = true;
  els.landscape.setAttribute('aria-label', 'Loss landscape: not drawn for this model yet');
  els.surface.setAttribute('aria-label', 'Loss surface: not drawn for this model yet');
  els.landscapeStatus.textContent = 'The model changed: draw the landscape again to see this one.';
}
