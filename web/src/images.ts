/** Images on the page: the grid of test images with their predictions, and your photo as the model sees it. */
import { drawImage } from './draw.js';
import type { TestImages } from './protocol.js';

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/**
 * One list item per test image: its pixels and an empty caption, filled by `renderGrid`.
 * @example buildGrid(document.querySelector('ul')!, test);
 */
export function buildGrid(grid: HTMLUListElement, t: TestImages): void {
  grid.replaceChildren();
  const size = t.height * t.width * t.channels;
  for (let j = 0; j < t.m; j++) {
    const li = document.createElement('li');
    li.dataset['index'] = String(j);
    const canvas = document.createElement('canvas');
    drawImage(canvas, t.pixels.subarray(j * size, (j + 1) * size), t.width, t.height, t.channels);
    li.append(canvas, document.createElement('span'));
    grid.append(li);
  }
}

/**
 * What the model predicts from one row of class probabilities, said the same way for a test
 * image and a photo: the predicted class first, then P(class 1) for two classes (the notes'
 * P(cat)), or the predicted class's probability for more.
 * @example prediction([0.2, 0.8], ['non-cat', 'cat'], 2).text // 'cat: P(cat) 0.80'
 */
export function prediction(row: ArrayLike<number>, classes: readonly string[], digits: number): { label: number; p: number; text: string } {
  let label = 0;
  for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[label] as number)) label = c;
  const shown = row.length === 2 ? 1 : label;
  const p = row[shown] ?? NaN;
  return { label, p, text: `${classes[label] ?? label}: P(${classes[shown] ?? shown}) ${fmt(p, digits)}` };
}

/**
 * Captions with each image's prediction; misclassified images first, outlined. `probs` has
 * one row of class probabilities per image. Items move only when the order changes, so a
 * steady grid does not flicker.
 * @example renderGrid(grid, test, probabilities, ['non-cat', 'cat']);
 */
export function renderGrid(grid: HTMLUListElement, t: TestImages, probs: Float64Array, classes: readonly string[]): void {
  const items = [...grid.children].filter((el): el is HTMLLIElement => el instanceof HTMLLIElement);
  const k = Math.max(2, classes.length);
  const keyed = items.map((li) => {
    const j = Number(li.dataset['index']);
    const label = t.labels[j] ?? 0;
    const row = probs.subarray(j * k, (j + 1) * k);
    const guess = prediction(row, classes, 2);
    return { li, j, label, guess, exact: prediction(row, classes, 4).text, wrong: guess.label !== label };
  });
  for (const e of keyed) {
    const truth = classes[e.label] ?? String(e.label);
    e.li.classList.toggle('wrong', e.wrong);
    e.li.dataset['probability'] = String(e.guess.p);
    const caption = e.li.querySelector('span');
    if (caption !== null) caption.textContent = `${e.guess.text}${e.wrong ? ' ✗' : ''}`;
    e.li.title = `Test image ${e.j}, labelled ${truth}; predicted ${e.exact}${e.wrong ? ', misclassified' : ''}`;
    e.li.querySelector('canvas')?.setAttribute('aria-label', e.li.title);
  }
  keyed.sort((a, b) => Number(b.wrong) - Number(a.wrong) || a.j - b.j);
  if (keyed.some((k, i) => items[i] !== k.li)) grid.append(...keyed.map((k) => k.li));
}

/**
 * A photo file as the model's input: EXIF orientation applied, transparency onto white,
 * stretched to `inputShape` (h, w, 3) as `tsgrad predict` does; RGB bytes, row by row.
 * @example const rgb = await photoPixels(file, [64, 64, 3]); // 12288 bytes
 */
export async function photoPixels(file: File, inputShape: readonly number[]): Promise<Uint8Array> {
  const [height, width] = inputShape as [number, number];
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) throw new Error('this browser has no 2D canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, k = 0; i < rgba.length; i += 4) {
    rgb[k++] = rgba[i] as number;
    rgb[k++] = rgba[i + 1] as number;
    rgb[k++] = rgba[i + 2] as number;
  }
  return rgb;
}
