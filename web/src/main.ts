/**
 * The page: controls, the live views, photos and model files. All the arithmetic runs in
 * ./worker.ts; this file only asks for it and draws what comes back.
 */
import { engineText, weightsCaption } from './captions.js';
import { costChart } from './chart-view.js';
import { drawImage, drawWeights, putPicture, type CostPoint } from './draw.js';
import { buildGrid, photoPixels, prediction, renderGrid } from './images.js';
import { onInspect, setTestCount, showPictures } from './inside-view.js';
import { dropZone, wireData } from './data-view.js';
import { clearLandscape, landscapeView } from './landscape-view.js';
import type { FromWorker, Progress, Status, TestImages, ToWorker } from './protocol.js';
import { applyPreset, controls, describePresets, onOptimizerChange, readSettings, showLoadedModel, syncModelControls } from './settings.js';

function $<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`the page has no #${id}`);
  return el;
}

const ui = {
  loadDefault: $('load-default', HTMLButtonElement),
  dataDrop: $('data-drop', HTMLDivElement),
  dataFiles: $('data-files', HTMLInputElement),
  dataStatus: $('data-status', HTMLParagraphElement),
  train: $('train', HTMLButtonElement),
  pause: $('pause', HTMLButtonElement),
  reset: $('reset', HTMLButtonElement),
  trainStatus: $('train-status', HTMLParagraphElement),
  engineUsed: $('engine-used', HTMLParagraphElement),
  iteration: $('iteration', HTMLElement),
  iterationName: $('iteration-name', HTMLElement),
  chartUnit: $('chart-unit', HTMLElement),
  cost: $('cost', HTMLElement),
  testCost: $('test-cost', HTMLElement),
  trainAccuracy: $('train-accuracy', HTMLElement),
  testAccuracy: $('test-accuracy', HTMLElement),
  chart: $('cost-chart', HTMLCanvasElement),
  chartReadout: $('chart-readout', HTMLOutputElement),
  weights: $('weights', HTMLCanvasElement),
  weightsFigure: $('weights-figure', HTMLElement),
  weightsCaption: $('weights-caption', HTMLElement),
  grid: $('grid', HTMLUListElement),
  photoDrop: $('photo-drop', HTMLDivElement),
  photoFile: $('photo-file', HTMLInputElement),
  photoInput: $('photo-input', HTMLCanvasElement),
  photoResult: $('photo-result', HTMLParagraphElement),
  saliency: $('saliency', HTMLCanvasElement),
  saliencyFigure: $('saliency-figure', HTMLElement),
  saveModel: $('save-model', HTMLButtonElement),
  modelFile: $('model-file', HTMLInputElement),
  modelStatus: $('model-status', HTMLParagraphElement),
  drawLandscape: $('draw-landscape', HTMLButtonElement),
  landscapeGrid: $('landscape-grid', HTMLSelectElement),
  landscapeProgress: $('landscape-progress', HTMLProgressElement),
  landscape: $('landscape', HTMLCanvasElement),
  surface: $('surface', HTMLCanvasElement),
  landscapeStatus: $('landscape-status', HTMLParagraphElement),
  surfaceLegend: $('surface-legend', HTMLDivElement),
  cancelLandscape: $('cancel-landscape', HTMLButtonElement),
};

// The page's own script runs: the static "Starting the page…" note (index.html) has done its job.
document.getElementById('page-start')?.remove();

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (msg: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(msg, transfer);

const state = {
  status: 'no-data' as Status,
  hasModel: false,
  /** From the data, or a loaded model before any data. */
  classes: [] as string[],
  inputShape: null as number[] | null,
  curve: [] as CostPoint[],
  last: null as Progress | null,
  test: null as TestImages | null,
  /** Replies by request id; a handler returns true when its request is answered in full. */
  requests: new Map<number, (msg: FromWorker) => boolean>(),
  nextId: 1,
  photo: null as Uint8Array | null,
  drawing: false,
};

// ---- settings ----

const settings = (): ReturnType<typeof readSettings> => readSettings((why) => (ui.trainStatus.textContent = why));

function setStatus(status: Status): void {
  state.status = status;
  const hasData = status !== 'no-data';
  // Keyboard users keep their place: Train hands focus to Pause, and Pause back to Train.
  const focused = document.activeElement;
  const handOver = (focused === ui.train && status === 'training') ? ui.pause : (focused === ui.pause && status !== 'training') ? ui.train : null;
  ui.train.disabled = !hasData || status === 'training';
  ui.pause.disabled = status !== 'training';
  ui.reset.disabled = !hasData;
  ui.saveModel.disabled = !state.hasModel;
  ui.drawLandscape.disabled = !hasData || status === 'training' || state.drawing;
  ui.train.textContent = status === 'paused' ? 'Resume' : 'Train';
  const it = state.last?.iteration ?? 0;
  const unit = state.last?.unit ?? 'iteration';
  const text: Record<Status, string> = {
    'no-data': 'Load the data to start.',
    ready: it === 0 ? 'Ready: press Train.' : `Ready at ${unit} ${it}: press Train to continue.`,
    training: 'Training…',
    paused: `Paused at ${unit} ${it}.`,
    done: `Done: ${it} ${unit}${it === 1 ? '' : 's'}.`,
  };
  ui.trainStatus.textContent = text[status];
  document.body.dataset['status'] = status;
  if (handOver !== null && !handOver.disabled) handOver.focus();
}

ui.train.addEventListener('click', () => {
  const s = settings();
  if (s === null) return;
  const at = state.last?.iteration ?? 0;
  // Done is done: say how to go on instead of doing nothing.
  if (state.status === 'done' && s.iterations <= at) {
    const unit = state.last?.unit ?? 'iteration';
    ui.trainStatus.textContent = `Done: ${at} ${unit}${at === 1 ? '' : 's'}. To train on, set ${unit === 'epoch' ? 'Epochs' : 'Iterations'} above ${at}; Reset starts again from the initialiser.`;
    controls.iterations.focus();
    return;
  }
  send({ type: 'train', settings: s });
});
ui.pause.addEventListener('click', () => send({ type: 'pause' }));
ui.reset.addEventListener('click', () => {
  ui.modelStatus.textContent = '';
  const s = settings();
  if (s !== null) send({ type: 'reset', settings: s });
});
controls.speed.addEventListener('change', () => {
  // A new speed applies at once while training.
  const s = settings();
  if (s !== null && state.status === 'training') send({ type: 'train', settings: s });
});

// A new model starts again from iteration 0 (the learning rate and iterations apply at the next Train).
function restartWith(): void {
  ui.modelStatus.textContent = '';
  const s = settings();
  // The worker has the data once it said so (its status follows a moment later).
  if (s !== null && (state.test !== null || state.status !== 'no-data')) send({ type: 'reset', settings: s });
}
controls.kind.addEventListener('change', () => {
  applyPreset();
  restartWith();
});
controls.optimizer.addEventListener('change', onOptimizerChange);
for (const el of [controls.layers, controls.init, controls.initScale, controls.optimizer, controls.batchSize, controls.seed, controls.engine]) {
  el.addEventListener('change', () => {
    syncModelControls();
    restartWith();
  });
}
syncModelControls();

// ---- data ----

wireData({ loadDefault: ui.loadDefault, drop: ui.dataDrop, files: ui.dataFiles, status: ui.dataStatus }, (train, test) => {
  ui.dataStatus.textContent = `Reading ${train.name} and ${test.name}…`;
  send({ type: 'load', train, test }, [train.bytes, test.bytes]);
});

// ---- views ----

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');

const chart = costChart({ chart: ui.chart, readout: ui.chartReadout });
let frame = 0;
let gridDrawn = 0;
function render(): void {
  frame = 0;
  const p = state.last;
  if (p === null) return;
  ui.iteration.textContent = `${p.iteration} of ${p.target}`;
  ui.iterationName.textContent = p.unit === 'epoch' ? 'Epoch' : 'Iteration';
  ui.chartUnit.textContent = p.unit;
  ui.cost.textContent = fmt(p.cost, 6);
  ui.cost.dataset['value'] = String(p.cost);
  ui.testCost.textContent = fmt(p.testCost, 6);
  ui.trainAccuracy.textContent = `${fmt(p.trainAccuracy, 2)} %`;
  ui.testAccuracy.textContent = `${fmt(p.testAccuracy, 2)} %`;
  const points = state.curve.concat(state.curve.at(-1)?.iteration === p.iteration ? [] : [{ iteration: p.iteration, cost: p.cost, testCost: p.testCost }]);
  chart.show(points, Math.max(p.target, p.iteration), p.unit);
  ui.chart.setAttribute('aria-label', `Cost curve: train cost ${fmt(p.cost, 4)} and test cost ${fmt(p.testCost, 4)} at ${p.unit} ${p.iteration}`);
  const shape = state.inputShape ?? [];
  // A CNN's first layer is its filters, shown below (Inside the network).
  ui.weightsFigure.hidden = p.weights.units === 0;
  if (p.weights.units > 0) drawWeights(ui.weights, p.weights.values, p.weights.units, shape);
  ui.engineUsed.textContent = engineText(p);
  ui.weightsCaption.textContent = weightsCaption(p.weights.units, shape);
  // Re-sorting the grid 30 times a second would only flicker.
  const now = performance.now();
  if (now - gridDrawn > 400 || state.status !== 'training') {
    gridDrawn = now;
    if (state.test !== null) renderGrid(ui.grid, state.test, p.testProbabilities, state.classes);
  }
}

function scheduleRender(): void {
  if (frame === 0) frame = requestAnimationFrame(render);
}

window.addEventListener('resize', scheduleRender);

// ---- photos ----

/** Sends a request; `each` hears every reply with its id until it returns true. */
function requestEach(msg: ToWorker & { id: number }, each: (msg: FromWorker) => boolean): void {
  state.requests.set(msg.id, each);
  send(msg);
}

/** A request answered by one reply (or an error). */
function request(msg: ToWorker & { id: number }): Promise<FromWorker> {
  return new Promise((resolve) => requestEach(msg, (reply) => (resolve(reply), true)));
}

async function classifyPhoto(): Promise<void> {
  const pixels = state.photo;
  if (pixels === null) return;
  if (!state.hasModel) {
    ui.photoResult.textContent = 'Train or load a model first; the photo will be classified then.';
    return;
  }
  const reply = await request({ type: 'predict', id: state.nextId++, pixels: Uint8Array.from(pixels) });
  if (reply.type === 'error') ui.photoResult.textContent = reply.message;
  if (reply.type !== 'prediction') return;
  const guess = prediction(reply.probabilities, state.classes, 6);
  ui.photoResult.dataset['probability'] = String(guess.p);
  ui.photoResult.textContent = `${guess.text}, at ${state.last?.unit ?? 'iteration'} ${state.last?.iteration ?? 0}.`;
  putPicture(ui.saliency, reply.saliency);
  ui.saliencyFigure.hidden = false;
}

async function takePhoto(files: readonly File[]): Promise<void> {
  const file = files[0];
  if (file === undefined) return;
  const shape = state.inputShape;
  if (shape === null || shape[2] !== 3) {
    ui.photoResult.textContent = shape === null ? 'Load the data or a model first: the photo is resized to the images the model takes.' : 'Photos are classified by models of RGB images; this one takes grey images.';
    return;
  }
  ui.photoResult.textContent = `Reading ${file.name}…`;
  try {
    state.photo = await photoPixels(file, shape);
  } catch {
    ui.photoResult.textContent = `${file.name}: not an image this browser can decode (JPEG, PNG or WebP).`;
    return;
  }
  const [height, width] = shape as [number, number];
  drawImage(ui.photoInput, state.photo, width, height);
  await classifyPhoto();
}

onInspect((image) => send({ type: 'inspect', image }));

ui.photoFile.addEventListener('change', () => {
  void takePhoto([...(ui.photoFile.files ?? [])]);
  ui.photoFile.value = '';
});
dropZone(ui.photoDrop, (files) => void takePhoto(files));

// ---- model files ----

ui.saveModel.addEventListener('click', () => {
  void (async () => {
    const reply = await request({ type: 'getModel', id: state.nextId++ });
    if (reply.type === 'error') ui.modelStatus.textContent = reply.message;
    if (reply.type !== 'model') return;
    const url = URL.createObjectURL(new Blob([reply.text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = reply.fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    ui.modelStatus.textContent = `Saved the model at ${state.last?.unit ?? 'iteration'} ${reply.iteration} as ${a.download}.`;
  })();
});

ui.modelFile.addEventListener('change', () => {
  const file = ui.modelFile.files?.[0];
  ui.modelFile.value = '';
  if (file === undefined) return;
  void file.text().then(async (text) => {
    const reply = await request({ type: 'loadModel', id: state.nextId++, name: file.name, text });
    if (reply.type === 'error') ui.modelStatus.textContent = reply.message;
    if (reply.type !== 'modelLoaded') return;
    const info = reply.info;
    state.inputShape = info.inputShape;
    state.classes = info.classes;
    state.hasModel = true;
    state.curve = [];
    showLoadedModel(info);
    ui.modelStatus.textContent = `Loaded ${file.name}: ${info.description}, ${info.dtype}. Train continues from it; Reset starts again from the initialiser.`;
    setStatus(state.status);
    void classifyPhoto();
  });
});

// ---- the loss landscape ----

ui.drawLandscape.addEventListener('click', () => {
  state.drawing = true;
  setStatus(state.status);
  let cancelled = false;
  const view = landscapeView(ui, () => {
    // Cancel hides itself: whoever pressed it lands back on the button that starts a drawing.
    const refocus = cancelled && (document.activeElement === ui.cancelLandscape || document.activeElement === document.body);
    state.drawing = false;
    setStatus(state.status);
    if (refocus && !ui.drawLandscape.disabled) ui.drawLandscape.focus();
  });
  const id = state.nextId++;
  requestEach({ type: 'landscape', id, grid: Number(ui.landscapeGrid.value) }, view);
  ui.cancelLandscape.onclick = () => {
    cancelled = true;
    send({ type: 'cancelLandscape', id });
  };
});

// ---- the worker's replies ----

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case 'loaded':
      state.classes = msg.classes;
      state.inputShape = msg.inputShape;
      state.test = msg.test;
      buildGrid(ui.grid, msg.test);
      setTestCount(msg.test.m);
      // A CNN preset's output follows the data's classes: a new count starts the run again.
      if (describePresets(msg.inputShape, msg.classes)) restartWith();
      ui.dataStatus.textContent = `Loaded ${msg.trainCount} training images from ${msg.trainName} and ${msg.test.m} test images from ${msg.testName}.`;
      return;
    case 'progress': {
      const p = msg.progress;
      state.curve = p.restart ? [...p.costs] : state.curve.concat(p.costs);
      // Another model (or data): a landscape drawn for the old one would mislead.
      if (p.restart && !state.drawing) clearLandscape(ui);
      state.last = p;
      state.hasModel = true;
      ui.saveModel.disabled = false;
      scheduleRender();
      return;
    }
    case 'status':
      setStatus(msg.status);
      // The readout, the grid and the status line agree at once: draw the last progress now,
      // after the status has changed (the grid's throttle holds only while training).
      if (frame !== 0 || msg.status !== 'training') {
        cancelAnimationFrame(frame);
        render();
      }
      if (msg.status !== 'training') void classifyPhoto();
      return;
    case 'pictures':
      showPictures(msg.pictures, state.test);
      return;
    case 'prediction':
    case 'line':
    case 'landscapeProgress':
    case 'surface':
    case 'modelLoaded':
    case 'model': {
      const handler = state.requests.get(msg.id);
      if (handler?.(msg) === true) state.requests.delete(msg.id);
      return;
    }
    case 'error':
      if (msg.id !== undefined && state.requests.has(msg.id)) {
        state.requests.get(msg.id)?.(msg);
        state.requests.delete(msg.id);
        return;
      }
      (msg.source === 'load' ? ui.dataStatus : msg.source === 'predict' ? ui.photoResult : ui.trainStatus).textContent = msg.message;
      return;
  }
});
worker.addEventListener('error', (e) => {
  ui.trainStatus.textContent = `The training worker failed: ${e.message}`;
});

setStatus('no-data');
