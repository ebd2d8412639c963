/**
 * The vectorisation panel: the notes' loop against tsgrad's dot at the sizes the learner
 * picks, timed in a worker and drawn as bars; and the notes' vectorised gradient of 10
 * samples with 2 features as matrices with their shapes, beside autodiff's. The numbers are
 * src/analysis/vectorise.ts's, as `tsgrad demo vectorise` prints them.
 */
import type { DotTiming } from '../../../src/analysis/vectorise.js';
import { vectorisedGradient, type Matrix } from '../../../src/analysis/vectorise.js';
import { $, esc, fmt, numberCell, readNumber } from './dom.js';
import type { TimeReply, TimeRequest } from './vectorise-worker.js';

const ROWS = 6;
const LOOP = '#d62728';
const DOT = '#1f5fbf';
const count = (n: number): string => n.toLocaleString('en-US');

/** Wires the vectorisation panel of notes.html. */
export function vectorisePanel(): void {
  const size = $('v-size', HTMLInputElement);
  const repeats = $('v-repeats', HTMLInputElement);
  const button = $('v-time', HTMLButtonElement);
  const status = $('v-status', HTMLParagraphElement);
  const chart = $('v-chart', HTMLDivElement);
  const runs: DotTiming[] = [];
  let worker: Worker | null = null;
  // Drawn at the box's width, so the labels keep their size on a phone.
  const drawChart = (): void => {
    if (runs.length > 0) chart.innerHTML = barChart(runs, Math.round(Math.min(560, Math.max(300, chart.clientWidth))));
  };
  window.addEventListener('resize', drawChart);

  button.addEventListener('click', () => {
    const n = readNumber(size, 'Size n', (x) => (Number.isInteger(x) && x >= 1000 && x <= 10_000_000 ? null : 'Size n: a whole number from 1,000 to 10,000,000'));
    const r = readNumber(repeats, 'Repeats', (x) => (Number.isInteger(x) && x >= 1 && x <= 50 ? null : 'Repeats: a whole number from 1 to 50'));
    if (typeof n === 'string' || typeof r === 'string') {
      status.textContent = typeof n === 'string' ? n : String(r);
      return;
    }
    worker ??= new Worker(new URL('./vectorise-worker.ts', import.meta.url), { type: 'module' });
    button.disabled = true;
    status.removeAttribute('data-loop-value');
    status.textContent = `Timing ${count(n)} products, ${r} times each way…`;
    worker.onmessage = (e: MessageEvent<TimeReply>) => {
      button.disabled = false;
      if (!e.data.ok) {
        status.textContent = e.data.message;
        return;
      }
      const t = e.data.timing;
      runs.unshift(t);
      runs.splice(ROWS);
      // A browser's clock ticks in steps of about 0.1 ms: a faster run reads 0, and no ratio can be told.
      const ratio = t.loopMs > 0 && t.dotMs > 0 ? `the loop takes ${fmt(t.loopMs / t.dotMs, 3)}× as long as dot` : "one of them is under this browser's clock step (about 0.1 ms): pick a larger n for a ratio";
      const same = t.loopValue === t.dotValue ? 'equal' : `apart by ${fmt(Math.abs(t.loopValue - t.dotValue) / Math.abs(t.loopValue), 2)} of their size (the sums add in a different order)`;
      status.textContent =
        `n = ${count(t.size)}: for loop ${fmt(t.loopMs, 4)} ms, tsgrad dot ${fmt(t.dotMs, 4)} ms (${e.data.backend} backend; medians of ${t.repeat}); ${ratio}. ` +
        `The results: ${String(t.loopValue)} (loop) and ${String(t.dotValue)} (dot), ${same}.`;
      status.dataset['loopValue'] = String(t.loopValue);
      status.dataset['dotValue'] = String(t.dotValue);
      status.dataset['size'] = String(t.size);
      drawChart();
    };
    const ask: TimeRequest = { size: n, repeat: r };
    worker.postMessage(ask);
  });

  const seed = $('vg-seed', HTMLInputElement);
  const seedStatus = $('vg-status', HTMLParagraphElement);
  const box = $('vg-matrices', HTMLDivElement);
  const show = (): void => {
    const s = readNumber(seed, 'Seed', (x) => (Number.isInteger(x) && x >= 0 && x <= 2 ** 32 - 1 ? null : 'Seed: a whole number from 0 to 4294967295'));
    if (typeof s === 'string') {
      seedStatus.textContent = s;
      return;
    }
    const g = vectorisedGradient(s);
    const one = (x: number): Matrix => ({ shape: [1, 1], rows: [[x]] });
    box.replaceChildren(
      matrixFigure('X', 'the inputs, one sample per column', g.X),
      matrixFigure('Y', 'the labels', g.Y),
      matrixFigure('w', 'the weights', g.w),
      matrixFigure('b', 'the bias', one(g.b)),
      matrixFigure('Z = wᵀX + b', '', g.Z),
      matrixFigure('A = σ(Z)', '', g.A),
      matrixFigure('dZ = A − Y', '', g.dZ),
      matrixFigure('dW = X dZᵀ / m', '', g.dW),
      matrixFigure('db = sum(dZ) / m', '', one(g.db)),
      matrixFigure('autodiff dJ/dw', 'the same cost by autodiff', g.autodiff.dW),
      matrixFigure('autodiff dJ/db', '', one(g.autodiff.db)),
    );
    seedStatus.textContent = `m = ${g.m} samples, n_x = ${g.nx} features, cost J = ${fmt(g.cost)}; the vectorised dW and db differ from autodiff's by at most ${g.maxDifference.toExponential(2)}.`;
  };
  seed.addEventListener('input', show);
  show();
}

/** One matrix as a small table captioned with its name and shape. */
function matrixFigure(name: string, note: string, m: Matrix): HTMLElement {
  const fig = document.createElement('figure');
  fig.className = 'matrix';
  const cap = document.createElement('figcaption');
  cap.textContent = `${name}  (${m.shape[0]} × ${m.shape[1]})${note === '' ? '' : `: ${note}`}`;
  const table = document.createElement('table');
  const key = name.split(' ')[0]?.replace(/[^\w]/g, '') ?? name;
  table.dataset['matrix'] = name.startsWith('autodiff') ? `autodiff-${name.slice(-2)}` : key;
  table.append(...m.rows.map((row) => {
    const tr = document.createElement('tr');
    tr.append(...row.map((x) => {
      const td = numberCell(x);
      td.textContent = fmt(x, 4);
      return td;
    }));
    return tr;
  }));
  const scroll = document.createElement('div');
  scroll.className = 'table-scroll';
  scroll.append(table);
  fig.append(cap, scroll);
  return fig;
}

/** Two bars per run, each row scaled to its own longer bar, the milliseconds written at the end; `W` wide in CSS pixels. */
function barChart(runs: readonly DotTiming[], W: number): string {
  const label = W < 420 ? 96 : 120;
  const bar = 18;
  const rowH = 2 * bar + 22;
  const H = runs.length * rowH + 8;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="Median milliseconds of the for loop and of tsgrad dot, per size timed">`];
  runs.forEach((t, k) => {
    const y = 6 + k * rowH;
    const most = Math.max(t.loopMs, t.dotMs, 1e-9);
    const room = W - label - (W < 420 ? 120 : 150);
    parts.push(`<text x="0" y="${y + bar + 4}" font-size="13" fill="#1d1d1f">n = ${esc(count(t.size))}</text>`);
    for (const [i, ms, colour, name] of [[0, t.loopMs, LOOP, 'for loop'], [1, t.dotMs, DOT, 'tsgrad dot']] as const) {
      const by = y + i * (bar + 2);
      const w = Math.max(1, (ms / most) * room);
      parts.push(
        `<rect x="${label}" y="${by}" width="${w.toFixed(1)}" height="${bar}" fill="${colour}" rx="2"><title>${name}: ${esc(fmt(ms, 4))} ms</title></rect>`,
        `<text x="${label + w + 6}" y="${by + bar - 4}" font-size="12" fill="#1d1d1f">${name} ${esc(fmt(ms, 4))} ms${ms > 0 ? '' : ' (below the clock)'}</text>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
