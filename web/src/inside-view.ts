/**
 * The "Inside the network" panel: a CNN's first-layer filters and one test image's feature
 * maps, layer by layer, as the worker drew them (./pictures.ts). Only canvases and captions
 * here; shown while the model has (H, W, C) layers, hidden otherwise.
 */
import { drawImage, putPicture } from './draw.js';
import type { NetworkPictures, TestImages } from './protocol.js';

function $<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`the page has no #${id}`);
  return el;
}

const ui = {
  section: $('inside', HTMLElement),
  filters: $('filters', HTMLCanvasElement),
  filtersCaption: $('filters-caption', HTMLElement),
  image: $('feature-image', HTMLInputElement),
  input: $('feature-input', HTMLCanvasElement),
  maps: $('feature-maps', HTMLDivElement),
};

const dims = (shape: readonly number[]): string => shape.join('×');

/** One figure per layer, made again only when the layers change (a steady panel does not flicker). */
function layerFigures(p: NetworkPictures): HTMLCanvasElement[] {
  const key = p.layers.map((l) => `${l.layer}:${l.kind}:${dims(l.shape)}`).join(',');
  if (ui.maps.dataset['layers'] !== key) {
    ui.maps.dataset['layers'] = key;
    ui.maps.replaceChildren(...p.layers.map((l) => {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      const channels = l.shape[2] ?? 0;
      canvas.dataset['layer'] = String(l.layer);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `Layer ${l.layer}, ${l.kind}: ${channels} feature maps of ${dims(l.shape.slice(0, 2))}`);
      const caption = document.createElement('figcaption');
      caption.textContent = `${l.layer}. ${l.kind} (${dims(l.shape)})`;
      figure.append(canvas, caption);
      return figure;
    }));
  }
  return [...ui.maps.querySelectorAll('canvas')];
}

/**
 * Draws what the worker sent, or hides the panel when the model has no maps to show.
 * @example showPictures(msg.pictures, state.test);
 */
export function showPictures(p: NetworkPictures | null, test: TestImages | null): void {
  ui.section.hidden = p === null;
  if (p === null) return;
  const f = p.filters;
  ui.filters.hidden = f === null;
  ui.filtersCaption.hidden = f === null;
  if (f !== null) {
    putPicture(ui.filters, f.picture);
    const [h, w, c] = f.shape;
    ui.filtersCaption.textContent = `The first layer's ${f.count} filters (${f.parameter}, ${h ?? '?'}×${w ?? '?'}×${c ?? '?'} each), each scaled from its most negative weight (black) to its most positive (white).`;
  }
  layerFigures(p).forEach((canvas, i) => {
    const l = p.layers[i];
    if (l !== undefined) putPicture(canvas, l.picture);
  });
  ui.section.dataset['iteration'] = String(p.iteration);
  ui.section.dataset['draws'] = String(Number(ui.section.dataset['draws'] ?? 0) + 1);
  ui.section.dataset['image'] = String(p.image);
  if (document.activeElement !== ui.image) ui.image.value = String(p.image);
  showInput(test, p.image);
}

/** The inspected test image itself, beside its number. */
function showInput(test: TestImages | null, j: number): void {
  if (test === null || j >= test.m) return;
  const size = test.height * test.width * test.channels;
  drawImage(ui.input, test.pixels.subarray(j * size, (j + 1) * size), test.width, test.height, test.channels);
}

/**
 * Calls `inspect` with the test image number typed (within the test set), on change.
 * @example onInspect((image) => send({ type: 'inspect', image }));
 */
export function onInspect(inspect: (image: number) => void): void {
  ui.image.addEventListener('change', () => {
    const n = Number(ui.image.value);
    const top = ui.image.max === '' ? Infinity : Number(ui.image.max);
    inspect(Number.isFinite(n) ? Math.min(Math.max(0, Math.trunc(n)), top) : 0);
  });
}

/** The test set's size bounds the image number. @example setTestCount(50) */
export function setTestCount(m: number): void {
  ui.image.max = String(Math.max(0, m - 1));
}
