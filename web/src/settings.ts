/**
 * The Train section's settings: the model (single neuron, the course's 2-layer and L-layer
 * networks, or custom layer sizes) with its initialiser, optimiser and seed, the learning
 * rate and the iterations. Read and checked here; the worker checks them once more with the
 * CLI's own `prepareMlp`, so a bad value gets the CLI's message.
 */
import { OPTIMIZER_NAMES, type OptimizerName } from '../../src/optim/index.js';
import type { LoadedModelInfo, ModelSettings, TrainSettings } from './protocol.js';

function $<T extends HTMLElement>(id: string, kind: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`the page has no #${id}`);
  return el;
}

/** The settings' form controls. @example controls.kind.value // 'two-layer' */
export const controls = {
  kind: $('model-kind', HTMLSelectElement),
  layers: $('layers', HTMLInputElement),
  init: $('init', HTMLSelectElement),
  initScale: $('init-scale', HTMLInputElement),
  optimizer: $('optimizer', HTMLSelectElement),
  engine: $('engine', HTMLSelectElement),
  seed: $('seed', HTMLInputElement),
  deep: $('deep-settings', HTMLFieldSetElement),
  learningRate: $('learning-rate', HTMLInputElement),
  iterations: $('iterations', HTMLInputElement),
  speed: $('speed', HTMLSelectElement),
};

/** Each model choice with the course's settings for it (`tsgrad train` defaults). */
const PRESETS: Record<string, { layers: string | null; init: string; scale?: string; learningRate: string; iterations: string }> = {
  logistic: { layers: null, init: 'zeros', learningRate: '0.005', iterations: '2000' },
  'two-layer': { layers: '12288,7,1', init: 'scaled', scale: '0.01', learningRate: '0.0075', iterations: '2500' },
  'l-layer': { layers: '12288,20,7,5,1', init: 'course', learningRate: '0.0075', iterations: '2500' },
  custom: { layers: '12288,20,1', init: 'he', learningRate: '0.0075', iterations: '2500' },
};

/**
 * Disables what the choice does not use: the single neuron starts from zeros with plain gradient descent.
 * @example controls.kind.value = 'logistic'; syncModelControls(); // the deep-network fieldset is disabled
 */
export function syncModelControls(): void {
  const kind = controls.kind.value;
  controls.deep.disabled = kind === 'logistic';
  controls.layers.readOnly = kind !== 'custom';
  controls.initScale.disabled = controls.init.value !== 'scaled';
}

/** The course's settings for the chosen model. @example controls.kind.value = 'two-layer'; applyPreset(); // scaled:0.01, 0.0075, 2500 */
export function applyPreset(): void {
  const p = PRESETS[controls.kind.value];
  if (p === undefined) return;
  if (p.layers !== null && controls.kind.value !== 'custom') controls.layers.value = p.layers;
  if (p.layers !== null && controls.kind.value === 'custom' && controls.layers.value.trim() === '') controls.layers.value = p.layers;
  controls.init.value = p.init;
  if (p.scale !== undefined) controls.initScale.value = p.scale;
  controls.optimizer.value = 'gd';
  controls.seed.value = '1';
  controls.learningRate.value = p.learningRate;
  controls.iterations.value = p.iterations;
  syncModelControls();
}

/** Shows a loaded model file's settings in the controls. @example showLoadedModel(reply.info); */
export function showLoadedModel(info: LoadedModelInfo): void {
  const m = info.model;
  if (m.kind === 'logistic') {
    controls.kind.value = 'logistic';
  } else {
    const sizes = m.layers.join(',');
    controls.kind.value = sizes === PRESETS['two-layer']?.layers ? 'two-layer' : sizes === PRESETS['l-layer']?.layers ? 'l-layer' : 'custom';
    controls.layers.value = sizes;
    const scaled = /^scaled:(.+)$/.exec(m.init);
    controls.init.value = scaled !== null ? 'scaled' : m.init;
    if (scaled?.[1] !== undefined) controls.initScale.value = scaled[1];
    controls.optimizer.value = m.optimizer;
    controls.seed.value = String(m.seed);
    controls.engine.value = m.engine;
  }
  if (info.learningRate !== null) controls.learningRate.value = String(info.learningRate);
  syncModelControls();
}

/** The model settings, or the control to fix and why. */
function modelSettings(): ModelSettings | { bad: HTMLInputElement; why: string } {
  if (controls.kind.value === 'logistic') return { kind: 'logistic', layers: [], init: 'zeros', optimizer: 'gd', seed: 1, engine: 'fast' };
  const parts = controls.layers.value.split(',').map((s) => s.trim());
  const layers = parts.map(Number);
  if (parts.length < 2 || layers.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
    return { bad: controls.layers, why: 'Layer sizes: at least two whole numbers above 0, separated by commas, e.g. 12288,20,7,5,1.' };
  }
  let init = controls.init.value;
  if (init === 'scaled') {
    const k = Number(controls.initScale.value);
    if (!(Number.isFinite(k) && k > 0)) return { bad: controls.initScale, why: 'The scale K must be a positive number.' };
    init = `scaled:${controls.initScale.value.trim()}`;
  }
  const seed = Number(controls.seed.value);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 32 - 1)) return { bad: controls.seed, why: 'The seed must be a whole number from 0 to 4294967295.' };
  const optimizer = (OPTIMIZER_NAMES as readonly string[]).includes(controls.optimizer.value) ? (controls.optimizer.value as OptimizerName) : 'gd';
  return { kind: 'mlp', layers, init, optimizer, seed, engine: controls.engine.value === 'plain' ? 'plain' : 'fast' };
}

/**
 * All settings, or null after marking the first bad control (aria-invalid, focused) and
 * saying why in `say`.
 * @example const s = readSettings((why) => (status.textContent = why)); if (s !== null) send({ type: 'train', settings: s });
 */
export function readSettings(say: (why: string) => void): TrainSettings | null {
  const inputs = [controls.learningRate, controls.iterations, controls.layers, controls.initScale, controls.seed];
  for (const el of inputs) el.setAttribute('aria-invalid', 'false');
  const learningRate = Number(controls.learningRate.value);
  const iterations = Number(controls.iterations.value);
  const model = modelSettings();
  let bad: { bad: HTMLInputElement; why: string } | null = null;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) bad = { bad: controls.learningRate, why: 'The learning rate must be a positive number.' };
  else if (!(Number.isInteger(iterations) && iterations > 0)) bad = { bad: controls.iterations, why: 'Iterations must be a whole number above 0.' };
  else if ('bad' in model) bad = model;
  if (bad !== null || 'bad' in model) {
    const b = bad ?? { bad: controls.layers, why: '' };
    b.bad.setAttribute('aria-invalid', 'true');
    say(b.why);
    b.bad.focus();
    return null;
  }
  return { learningRate, iterations, speed: controls.speed.value === 'Infinity' ? Infinity : Number(controls.speed.value), model };
}
