/**
 * The gradient-descent panel: J(w, b) as contours and as a turnable 3-D wireframe, the paths
 * of gradient descent, momentum and Adam from a start point the learner drags (or moves with
 * the arrow keys), the learning rate on a log slider, the steps, the model and the data; and
 * the small network's surface, which is not a bowl. All the numbers are
 * src/analysis/descent.ts's (the same as `tsgrad demo descent --json`); this file draws them.
 */
import {
  costSurface, DEFAULT_DESCENT_DATA, DEFAULT_DESCENT_START, descentPath, descentView,
  type DescentData, type DescentLoss, type DescentOptimizer, type DescentPath,
} from '../../../src/analysis/descent.js';
import { $, fmt, numberCell, readNumber, textCell } from './dom.js';
import { drawNetworkSlice } from './network-view.js';
import { drawContours, drawPath, drawWireframe, frameOf, fromPixel, levelsOf, project, type Frame, type Grid, type View3d } from './surface-draw.js';

const OPTIMIZERS: readonly DescentOptimizer[] = ['gd', 'momentum', 'adam'];
const NAMES: Record<DescentOptimizer, string> = { gd: 'gradient descent', momentum: 'momentum', adam: 'Adam' };
const COLOURS: Record<DescentOptimizer, string> = { gd: '#d62728', momentum: '#ff7f0e', adam: '#17becf' };
/** Grid points on a side of the contour picture (the surface is one tensor expression). */
const GRID = 101;
/** The view when nothing asks for more: the notes' data's bowl, start and bottom included. */
const BASE_VIEW = { w: [-4, 4] as [number, number], b: [-4, 4] as [number, number] };
const MAX_POINTS = 40;

interface Window2 { w: [number, number]; b: [number, number] }

/** Wires the descent panel of notes.html. */
export function descentPanel(): void {
  const ui = {
    lr: $('d-lr', HTMLInputElement),
    lrNum: $('d-lr-num', HTMLInputElement),
    lrOut: $('d-lr-out', HTMLOutputElement),
    steps: $('d-steps', HTMLInputElement),
    stepsOut: $('d-steps-out', HTMLOutputElement),
    status: $('d-status', HTMLParagraphElement),
    contours: $('d-contours', HTMLCanvasElement),
    replay: $('d-replay', HTMLButtonElement),
    readout: $('d-readout', HTMLTableSectionElement),
    numbers: $('d-numbers', HTMLDetailsElement),
    points: $('d-points', HTMLTableSectionElement),
    model: $('d-model', HTMLSelectElement),
    w0: $('d-w0', HTMLInputElement),
    b0: $('d-b0', HTMLInputElement),
    data: $('d-data', HTMLTableSectionElement),
    add: $('d-add', HTMLButtonElement),
    resetData: $('d-reset-data', HTMLButtonElement),
    dataStatus: $('d-data-status', HTMLParagraphElement),
    view3d: $('d-3d', HTMLCanvasElement),
    turn: $('d-turn', HTMLInputElement),
    slice: $('d-slice', HTMLCanvasElement),
    sliceText: $('slice-text', HTMLParagraphElement),
    sliceCaption: $('slice-caption', HTMLElement),
  };
  const checks = Object.fromEntries(OPTIMIZERS.map((o) => [o, $(`d-opt-${o}`, HTMLInputElement)])) as Record<DescentOptimizer, HTMLInputElement>;

  let data: DescentData = { x: [...DEFAULT_DESCENT_DATA.x], y: [...DEFAULT_DESCENT_DATA.y] };
  let start: { w: number; b: number } = { ...DEFAULT_DESCENT_START };
  let view: Window2 = BASE_VIEW;
  let surface: Grid | null = null;
  /** The contour picture without paths, redrawn only when the surface changes. */
  let backdrop: ImageData | null = null;
  let paths: DescentPath[] = [];
  /** While replaying, the step drawn; null shows every step. */
  let shown: number | null = null;
  let replayTimer = 0;

  const loss = (): DescentLoss => (ui.model.value === 'squared' ? 'squared' : 'logistic');
  const lr = (): number | string => readNumber(ui.lrNum, 'Learning rate α', (x) => (x > 0 && x <= 100 ? null : 'Learning rate α: a number above 0, at most 100'));
  const steps = (): number => Number(ui.steps.value);
  const frame = (): Frame => frameOf(ui.contours, view.w, view.b);

  /** The surface of the current data and model over the current view. */
  const remakeSurface = (): void => {
    const s = costSurface({ data, loss: loss(), w: view.w, b: view.b, n: GRID });
    surface = { xs: s.w, ys: s.b, cost: s.cost };
    const ctx = ui.contours.getContext('2d');
    if (ctx === null) return;
    drawContours(ctx, frame(), surface, 'w', 'b');
    backdrop = ctx.getImageData(0, 0, ui.contours.width, ui.contours.height);
  };

  /** A view holding the base square, the start and where the paths go while the cost falls. */
  const fitView = (): void => {
    const v = descentView(paths);
    const lo = (a: number, b: number, c: number): number => Math.min(a, b, c - 0.5);
    const hi = (a: number, b: number, c: number): number => Math.max(a, b, c + 0.5);
    view = {
      w: [lo(BASE_VIEW.w[0], v.w[0], start.w), hi(BASE_VIEW.w[1], v.w[1], start.w)],
      b: [lo(BASE_VIEW.b[0], v.b[0], start.b), hi(BASE_VIEW.b[1], v.b[1], start.b)],
    };
    remakeSurface();
  };

  const computePaths = (): boolean => {
    const rate = lr();
    if (typeof rate === 'string') {
      ui.status.textContent = rate;
      ui.status.classList.add('warn');
      return false;
    }
    try {
      paths = OPTIMIZERS.filter((o) => checks[o].checked).map((optimizer) => descentPath({ data, loss: loss(), optimizer, learningRate: rate, steps: steps(), start }));
    } catch (e) {
      ui.status.textContent = e instanceof Error ? e.message : String(e);
      ui.status.classList.add('warn');
      return false;
    }
    return true;
  };

  const describe = (): void => {
    const rate = lr();
    if (paths.length === 0) {
      ui.status.textContent = 'Tick an optimiser to draw its path.';
      ui.status.classList.remove('warn');
      return;
    }
    const lines = paths.map((p) => {
      const first = p.points[0];
      const last = p.points[p.points.length - 1];
      if (p.diverged) return `${NAMES[p.optimizer]} diverged: at step ${p.stoppedAt ?? '?'} the cost is no longer a finite number (α = ${typeof rate === 'number' ? fmt(rate) : '?'} is too large; make it smaller).`;
      if (first === undefined || last === undefined) return `${NAMES[p.optimizer]}: no steps.`;
      if (last.cost > first.cost) return `${NAMES[p.optimizer]} is diverging: the cost rose from ${fmt(first.cost)} to ${fmt(last.cost)} in ${last.step} steps (α too large).`;
      return `${NAMES[p.optimizer]}: J from ${fmt(first.cost)} to ${fmt(last.cost)} in ${last.step} steps.`;
    });
    ui.status.textContent = lines.join(' ');
    ui.status.classList.toggle('warn', paths.some((p) => p.diverged || (p.points.at(-1)?.cost ?? 0) > (p.points[0]?.cost ?? 0)));
  };

  const drawPaths = (): void => {
    const ctx = ui.contours.getContext('2d');
    if (ctx === null || backdrop === null) return;
    ctx.putImageData(backdrop, 0, 0);
    const f = frame();
    const upto = (p: DescentPath): { x: number; y: number }[] => p.points.slice(0, shown === null ? undefined : shown + 1).map((q) => ({ x: q.w, y: q.b }));
    paths.forEach((p, k) => drawPath(ctx, f, upto(p), COLOURS[p.optimizer], k === paths.length - 1));
    if (paths.length === 0) drawPath(ctx, f, [{ x: start.w, y: start.b }], '#1d1d1f', true);
    draw3d();
    readout();
  };

  const draw3d = (): void => {
    const ctx = ui.view3d.getContext('2d');
    if (ctx === null || surface === null) return;
    // Height up to 1.5 times the start's cost above the bottom: the bowl fills the picture, higher ground is cut flat.
    const { lo, hi } = levelsOf(surface);
    const startCost = paths[0]?.points[0]?.cost ?? hi;
    const top = Math.min(hi, lo + 1.5 * Math.max(startCost - lo, (hi - lo) / 4));
    const v: View3d = { turn: Number(ui.turn.value), x: view.w, y: view.b, z: [lo, top > lo ? top : lo + 1] };
    drawWireframe(ctx, v, surface);
    for (const p of paths) {
      ctx.strokeStyle = COLOURS[p.optimizer];
      ctx.lineWidth = 3;
      ctx.beginPath();
      const pts = p.points.slice(0, shown === null ? undefined : shown + 1).filter((q) => q.w >= view.w[0] && q.w <= view.w[1] && q.b >= view.b[0] && q.b <= view.b[1]);
      pts.forEach((q, k) => {
        const [sx, sy] = project(ctx, v, q.w, q.b, q.cost);
        if (k === 0) ctx.moveTo(sx, sy);
        else ctx.lineTo(sx, sy);
      });
      ctx.stroke();
    }
  };

  const readout = (): void => {
    ui.readout.replaceChildren(...paths.map((p) => {
      const k = Math.min(shown ?? Number.POSITIVE_INFINITY, p.points.length - 1);
      const q = p.points[k];
      const tr = document.createElement('tr');
      tr.append(textCell(NAMES[p.optimizer], true));
      if (q === undefined) {
        tr.append(textCell('—'), textCell('—'), textCell('—'), textCell('—'));
      } else {
        tr.append(numberCell(q.step, `d-r-${p.optimizer}-step`), numberCell(q.w, `d-r-${p.optimizer}-w`), numberCell(q.b, `d-r-${p.optimizer}-b`), numberCell(q.cost, `d-r-${p.optimizer}-cost`));
      }
      return tr;
    }));
  };

  const listPoints = (): void => {
    if (!ui.numbers.open) return;
    ui.points.replaceChildren(...paths.flatMap((p) => p.points.map((q) => {
      const tr = document.createElement('tr');
      tr.dataset['optimizer'] = p.optimizer;
      tr.append(textCell(NAMES[p.optimizer], true), numberCell(q.step), numberCell(q.w), numberCell(q.b), numberCell(q.cost), numberCell(q.dw), numberCell(q.db));
      return tr;
    })));
  };

  const drawSlice = (): void => drawNetworkSlice(ui.slice, ui.sliceText, ui.sliceCaption, data, loss());

  const update = (opts: { refit?: boolean } = {}): void => {
    stopReplay();
    const rate = lr();
    ui.lrOut.textContent = typeof rate === 'number' ? fmt(rate) : '?';
    ui.stepsOut.textContent = ui.steps.value;
    ui.w0.value = String(Number(start.w.toFixed(4)));
    ui.b0.value = String(Number(start.b.toFixed(4)));
    if (!computePaths()) return;
    const outside = start.w < view.w[0] || start.w > view.w[1] || start.b < view.b[0] || start.b > view.b[1];
    if (opts.refit === true || outside || surface === null) fitView();
    describe();
    drawPaths();
    listPoints();
  };

  const stopReplay = (): void => {
    if (replayTimer !== 0) window.clearInterval(replayTimer);
    replayTimer = 0;
    shown = null;
  };

  // Learning rate: the slider is log10 α; the number field holds α exactly.
  ui.lr.addEventListener('input', () => {
    ui.lrNum.value = String(Number((10 ** Number(ui.lr.value)).toPrecision(3)));
    update();
  });
  ui.lrNum.addEventListener('input', () => {
    const x = Number(ui.lrNum.value);
    if (x > 0) ui.lr.value = String(Math.log10(x));
    update();
  });
  ui.steps.addEventListener('input', () => update());
  for (const o of OPTIMIZERS) checks[o].addEventListener('change', () => update());
  ui.model.addEventListener('change', () => {
    if (renderData()) update({ refit: true });
    drawSlice();
  });
  const readStart = (): void => {
    const w = readNumber(ui.w0, 'Start w');
    const b = readNumber(ui.b0, 'Start b');
    if (typeof w === 'string' || typeof b === 'string') {
      ui.status.textContent = typeof w === 'string' ? w : String(b);
      return;
    }
    start = { w, b };
    update();
  };
  ui.w0.addEventListener('change', readStart);
  ui.b0.addEventListener('change', readStart);
  ui.turn.addEventListener('input', () => draw3d());
  ui.numbers.addEventListener('toggle', listPoints);
  ui.replay.addEventListener('click', () => {
    stopReplay();
    const total = Math.max(0, ...paths.map((p) => p.points.length - 1));
    shown = 0;
    const tick = Math.max(15, Math.min(120, 2400 / Math.max(1, total)));
    replayTimer = window.setInterval(() => {
      if (shown === null || shown >= total) {
        stopReplay();
      } else {
        shown += 1;
      }
      drawPaths();
    }, tick);
    drawPaths();
  });

  // The start point: dragged with a pointer, or moved with the arrow keys when the canvas has focus.
  const moveTo = (e: PointerEvent): void => {
    const r = ui.contours.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * ui.contours.width;
    const py = ((e.clientY - r.top) / r.height) * ui.contours.height;
    const [w, b] = fromPixel(frame(), px, py);
    start = { w: clamp(w, view.w), b: clamp(b, view.b) };
    update();
  };
  ui.contours.addEventListener('pointerdown', (e) => {
    ui.contours.setPointerCapture(e.pointerId);
    moveTo(e);
  });
  ui.contours.addEventListener('pointermove', (e) => {
    if (ui.contours.hasPointerCapture(e.pointerId)) moveTo(e);
  });
  ui.contours.addEventListener('keydown', (e) => {
    const big = e.shiftKey ? 5 : 1;
    const dw = ((view.w[1] - view.w[0]) / 50) * big;
    const db = ((view.b[1] - view.b[0]) / 50) * big;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-dw, 0], ArrowRight: [dw, 0], ArrowUp: [0, db], ArrowDown: [0, -db] };
    const m = moves[e.key];
    if (m === undefined) return;
    e.preventDefault();
    start = { w: clamp(start.w + m[0], view.w), b: clamp(start.b + m[1], view.b) };
    update();
  });

  // The data: one row per point, x and y editable, a row removable while two or more remain.
  const renderData = (): boolean => {
    const rows = data.x.map((x, i) => {
      const tr = document.createElement('tr');
      const cell = (value: number, axis: 'x' | 'y'): HTMLTableCellElement => {
        const td = document.createElement('td');
        const input = document.createElement('input');
        input.type = 'number';
        input.step = axis === 'x' ? '0.5' : loss() === 'logistic' ? '1' : '0.1';
        input.value = String(value);
        input.id = `d-data-${axis}${i}`;
        input.setAttribute('aria-label', `${axis} of point ${i + 1}`);
        input.addEventListener('change', () => editPoint(i, axis, input));
        td.append(input);
        return td;
      };
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'small secondary';
      remove.textContent = '×';
      remove.id = `d-data-remove${i}`;
      remove.setAttribute('aria-label', `Remove point ${i + 1}`);
      remove.disabled = data.x.length <= 1;
      remove.addEventListener('click', () => {
        data = { x: data.x.filter((_, k) => k !== i), y: data.y.filter((_, k) => k !== i) };
        renderData();
        dataChanged();
      });
      const td = document.createElement('td');
      td.append(remove);
      tr.append(cell(x, 'x'), cell(data.y[i] ?? 0, 'y'), td);
      return tr;
    });
    ui.data.replaceChildren(...rows);
    ui.add.disabled = data.x.length >= MAX_POINTS;
    const bad = loss() === 'logistic' ? data.y.findIndex((y) => !(y >= 0 && y <= 1)) : -1;
    if (bad >= 0) {
      ui.dataStatus.textContent = `y of point ${bad + 1} is ${data.y[bad]}: the logistic model takes labels from 0 to 1.`;
      return false;
    }
    ui.dataStatus.textContent = `${data.x.length} points; the ${loss() === 'logistic' ? 'cross-entropy' : 'squared error'} averages over them.`;
    return true;
  };
  const editPoint = (i: number, axis: 'x' | 'y', input: HTMLInputElement): void => {
    const v = readNumber(input, `${axis} of point ${i + 1}`, (x) => (axis === 'y' && loss() === 'logistic' && !(x >= 0 && x <= 1) ? `y of point ${i + 1}: the logistic model takes labels from 0 to 1` : null));
    if (typeof v === 'string') {
      ui.dataStatus.textContent = v;
      return;
    }
    const next = { x: [...data.x], y: [...data.y] };
    next[axis][i] = v;
    data = next;
    dataChanged();
  };
  const dataChanged = (): void => {
    if (!renderData()) return;
    update({ refit: true });
    drawSlice();
  };
  ui.add.addEventListener('click', () => {
    const x = (data.x.length > 0 ? Math.max(...data.x) : 0) + 1;
    data = { x: [...data.x, x], y: [...data.y, 1] };
    dataChanged();
    document.getElementById(`d-data-x${data.x.length - 1}`)?.focus();
  });
  ui.resetData.addEventListener('click', () => {
    data = { x: [...DEFAULT_DESCENT_DATA.x], y: [...DEFAULT_DESCENT_DATA.y] };
    dataChanged();
  });

  // Canvases sized to their box (at most 640 wide), so the axis labels stay readable on a phone.
  const fit = (): boolean => {
    let changed = false;
    for (const [c, aspect] of [[ui.contours, 0.75], [ui.view3d, 0.625], [ui.slice, 0.75]] as const) {
      const w = Math.round(Math.min(640, Math.max(360, c.clientWidth)));
      if (c.width !== w) {
        c.width = w;
        c.height = Math.round(w * aspect);
        changed = true;
      }
    }
    return changed;
  };
  let resizeTimer = 0;
  window.addEventListener('resize', () => {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(() => {
      if (!fit()) return;
      remakeSurface();
      drawPaths();
      drawSlice();
    }, 100);
  });

  fit();
  renderData();
  update({ refit: true });
  drawSlice();
}

function clamp(x: number, [lo, hi]: [number, number]): number {
  return Math.min(hi, Math.max(lo, x));
}
