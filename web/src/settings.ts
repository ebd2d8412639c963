/**
 * The Train section's settings: the model (the app layer's presets: the single neuron, the
 * course's 2-layer and L-layer networks, the course's SIGNS CNN, a LeNet-5-style CNN, or
 * custom layers) with its initialiser, optimiser, batch size, seed and engine, the learning
 * rate and the iterations (epochs with mini-batches). Read and checked for form here; the
 * worker checks them against the data with the app layer's `resolveRun`, so a bad value gets
 * the CLI's message.
 */
import { L_LAYER, LENET5, mlpLayers, NEURON, SIGNS_CNN, TWO_LAYER, withClasses, type EngineRequest, type RunSettings } from '../../src/app/settings.js';
import { ArgumentError } from '../../src/core/errors.js';
import { archText, parseArch, type LayerConfig, type LayerKind } from '../../src/nn/registry.js';
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
  batchSize: $('batch-size', HTMLInputElement),
  engine: $('engine', HTMLSelectElement),
  seed: $('seed', HTMLInputElement),
  deep: $('deep-settings', HTMLFieldSetElement),
  learningRate: $('learning-rate', HTMLInputElement),
  iterations: $('iterations', HTMLInputElement),
  iterationsLabel: $('iterations-label', HTMLLabelElement),
  speed: $('speed', HTMLSelectElement),
  neuronNote: $('neuron-note', HTMLParagraphElement),
};

/** Each model choice with the app layer's settings for it (`tsgrad train` defaults; a CNN's output sized to the data's classes, `withClasses`). */
const PRESETS: Record<string, RunSettings> = {
  neuron: NEURON,
  'two-layer': TWO_LAYER,
  'l-layer': L_LAYER,
  'signs-cnn': SIGNS_CNN,
  lenet5: LENET5,
  custom: { ...L_LAYER, layers: mlpLayers([20, 1]), init: 'he' },
};
const NAMES: Record<string, string> = { 'two-layer': '2-layer network', 'l-layer': 'L-layer network', 'signs-cnn': "Course's SIGNS CNN", lenet5: 'LeNet-5-style CNN' };

/** The loaded data's class count: a CNN preset's softmax gets one unit per class. */
let classCount = 2;
const preset = (kind: string): RunSettings | undefined => {
  const p = PRESETS[kind];
  return p === undefined ? undefined : withClasses(p, classCount);
};

// As `tsgrad train --arch`: a stack that starts on the images (a convolution, pooling, batch
// norm or flatten) takes them as they are; one that starts with a dense layer gets a flatten first.
const IMAGE_LAYERS: ReadonlySet<LayerKind> = new Set<LayerKind>(['flatten', 'conv', 'maxpool', 'avgpool', 'globalavgpool', 'batchnorm']);

/** Adam and RMSProp divide by the gradient's size: the course's 0.0075 is far too large for them on full batches. */
const ADAPTIVE_RATE = '0.0003';

/** The dense layers' units after the inputs: the course's layer_dims without n_x. */
const units = (layers: readonly LayerConfig[]): number[] => layers.flatMap((c) => (c.kind === 'dense' ? [c.units] : []));

/** The layers field's text: the units when they are the course's relu stack, else the `--arch` list. */
const layersText = (layers: readonly LayerConfig[]): string => {
  const u = units(layers);
  return archText(mlpLayers(u)) === archText(layers) ? u.join(',') : archText(layers).replace(/^flatten,/, '');
};

/** A CNN's layers in a few words: "conv 4×4×8, conv 2×2×16, dense 120, 84, 2 classes". */
function cnnSummary(layers: readonly LayerConfig[], classes: number): string {
  const convs = layers.flatMap((c) => (c.kind === 'conv' ? [`conv ${c.kernel}×${c.kernel}×${c.filters}`] : []));
  const hidden = units(layers).slice(0, -1);
  return [...convs, ...(hidden.length > 0 ? [`dense ${hidden.join(', ')}`] : []), `${classes} classes`].join(', ');
}

/**
 * Names the presets with the data's input size and classes, e.g. "2-layer network (12288, 7, 1)"
 * or "Course's SIGNS CNN (conv 4×4×8, conv 2×2×16, 2 classes)", and sizes a CNN preset's output
 * to the classes. True when the chosen preset's layers changed (the run must start again).
 * @example if (describePresets([64, 64, 3], ['non-cat', 'cat'])) restart();
 */
export function describePresets(inputShape: readonly number[], classes: readonly string[]): boolean {
  classCount = Math.max(2, classes.length);
  const inputs = inputShape.reduce((a, d) => a * d, 1);
  for (const option of controls.kind.options) {
    const p = preset(option.value);
    const name = NAMES[option.value];
    if (p === undefined || name === undefined) continue;
    const cnn = p.layers.some((c) => c.kind === 'conv');
    option.textContent = `${name} (${cnn ? cnnSummary(p.layers, classCount) : [inputs, ...units(p.layers)].join(', ')})`;
  }
  const kind = controls.kind.value;
  const p = preset(kind);
  if (p === undefined || kind === 'custom' || kind === 'neuron' || controls.layers.value === layersText(p.layers)) return false;
  controls.layers.value = layersText(p.layers);
  return true;
}

/**
 * Disables what the choice does not use: the single neuron is the notes' (zeros, gradient descent).
 * @example controls.kind.value = 'neuron'; syncModelControls(); // the deep-network fieldset is disabled
 */
export function syncModelControls(): void {
  const kind = controls.kind.value;
  controls.deep.disabled = kind === 'neuron';
  controls.deep.hidden = kind === 'neuron';
  // What the neuron's zig-zag at the start means is said only where it is seen.
  controls.neuronNote.hidden = kind !== 'neuron';
  controls.layers.readOnly = kind !== 'custom';
  controls.initScale.disabled = controls.init.value !== 'scaled';
  controls.iterationsLabel.textContent = unitLabel();
}

/** What the run's length counts: epochs with mini-batches, else iterations. */
function unitLabel(): 'Epochs' | 'Iterations' {
  return controls.kind.value !== 'neuron' && controls.batchSize.value.trim() !== '' ? 'Epochs' : 'Iterations';
}

function showInit(init: string): void {
  const scaled = /^scaled:(.+)$/.exec(init);
  controls.init.value = scaled !== null ? 'scaled' : init;
  if (scaled?.[1] !== undefined) controls.initScale.value = scaled[1];
}

/** The course's settings for the chosen model. @example controls.kind.value = 'two-layer'; applyPreset(); // scaled:0.01, 0.0075, 2500 */
export function applyPreset(): void {
  const kind = controls.kind.value;
  const p = preset(kind);
  if (p === undefined) return;
  if (kind !== 'custom' || controls.layers.value.trim() === '') controls.layers.value = layersText(p.layers);
  showInit(p.init);
  controls.optimizer.value = p.optimizer;
  controls.batchSize.value = p.batchSize === undefined ? '' : String(p.batchSize);
  controls.engine.value = p.engine;
  controls.seed.value = String(p.seed);
  controls.learningRate.value = String(p.learningRate);
  controls.iterations.value = String(p.epochs);
  syncModelControls();
}

/**
 * A new optimiser gets a learning rate it learns with: the preset's for the preset's own
 * optimiser (a CNN's Adam) and for gd and momentum, a smaller one for Adam and RMSProp.
 * @example onOptimizerChange();
 */
export function onOptimizerChange(): void {
  const chosen = controls.optimizer.value;
  const p = preset(controls.kind.value) ?? L_LAYER;
  const adaptive = (o: string): boolean => o === 'adam' || o === 'rmsprop';
  controls.learningRate.value = chosen === p.optimizer ? String(p.learningRate) : adaptive(chosen) ? ADAPTIVE_RATE : String(adaptive(p.optimizer) ? L_LAYER.learningRate : p.learningRate);
}

/** Shows a loaded model file's settings in the controls. @example showLoadedModel(reply.info); */
export function showLoadedModel(info: LoadedModelInfo): void {
  const m = info.model;
  const text = layersText(m.layers);
  const kind = Object.keys(PRESETS).find((k) => k !== 'custom' && layersText(preset(k)?.layers ?? []) === text);
  controls.kind.value = kind ?? 'custom';
  controls.layers.value = text;
  showInit(m.init);
  controls.optimizer.value = m.optimizer;
  controls.batchSize.value = m.batchSize === undefined ? '' : String(m.batchSize);
  controls.seed.value = String(m.seed);
  controls.engine.value = m.engine;
  if (info.learningRate !== null) controls.learningRate.value = String(info.learningRate);
  syncModelControls();
}

/** The layers from the field: units (`7,1`) as the course's relu stack, or an `--arch` list. */
function layersFrom(text: string): LayerConfig[] | string {
  if (/^[\d\s,]+$/.test(text)) {
    const sizes = text.split(',').map((s) => Number(s.trim()));
    if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0)) return 'Layer sizes: whole numbers above 0, separated by commas, e.g. 20,7,5,1 (the inputs come from the data).';
    return mlpLayers(sizes);
  }
  try {
    const layers = parseArch(text);
    return IMAGE_LAYERS.has(layers[0]?.kind ?? 'flatten') ? layers : [{ kind: 'flatten' }, ...layers];
  } catch (e) {
    return `Layer sizes: ${e instanceof ArgumentError ? e.message.replace(/^arch: /, '') : String(e)}`;
  }
}

/** The model settings, or the control to fix and why. */
function modelSettings(): ModelSettings | { bad: HTMLInputElement; why: string } {
  const p = preset(controls.kind.value) ?? NEURON;
  if (controls.kind.value === 'neuron') return { layers: p.layers, init: p.init, seed: p.seed, optimizer: p.optimizer, engine: p.engine };
  const layers = layersFrom(controls.layers.value.trim());
  if (typeof layers === 'string') return { bad: controls.layers, why: layers };
  let init = controls.init.value;
  if (init === 'scaled') {
    const k = Number(controls.initScale.value);
    if (!(Number.isFinite(k) && k > 0)) return { bad: controls.initScale, why: 'The scale K must be a positive number.' };
    init = `scaled:${controls.initScale.value.trim()}`;
  }
  const seed = Number(controls.seed.value);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 32 - 1)) return { bad: controls.seed, why: 'The seed must be a whole number from 0 to 4294967295.' };
  const optimizer = (OPTIMIZER_NAMES as readonly string[]).includes(controls.optimizer.value) ? (controls.optimizer.value as OptimizerName) : 'gd';
  const engine = controls.engine.value as EngineRequest;
  const batch = controls.batchSize.value.trim();
  if (batch === '') return { layers, init, optimizer, seed, engine };
  const batchSize = Number(batch);
  if (!(Number.isSafeInteger(batchSize) && batchSize > 0)) return { bad: controls.batchSize, why: 'The batch size must be a whole number above 0, or empty for full batches.' };
  return { layers, init, optimizer, seed, engine, batchSize };
}

/**
 * All settings, or null after marking the first bad control (aria-invalid, focused) and
 * saying why in `say`.
 * @example const s = readSettings((why) => (status.textContent = why)); if (s !== null) send({ type: 'train', settings: s });
 */
export function readSettings(say: (why: string) => void): TrainSettings | null {
  const inputs = [controls.learningRate, controls.iterations, controls.layers, controls.initScale, controls.seed, controls.batchSize];
  for (const el of inputs) el.setAttribute('aria-invalid', 'false');
  const learningRate = Number(controls.learningRate.value);
  const iterations = Number(controls.iterations.value);
  const model = modelSettings();
  const bad =
    !(Number.isFinite(learningRate) && learningRate > 0) ? { bad: controls.learningRate, why: 'The learning rate must be a positive number.' }
    : !(Number.isInteger(iterations) && iterations > 0) ? { bad: controls.iterations, why: `${unitLabel()} must be a whole number above 0.` }
    : 'bad' in model ? model : null;
  if (bad !== null || 'bad' in model) {
    const b = bad ?? { bad: controls.layers, why: '' };
    b.bad.setAttribute('aria-invalid', 'true');
    say(b.why);
    b.bad.focus();
    return null;
  }
  return { learningRate, iterations, speed: controls.speed.value === 'Infinity' ? Infinity : Number(controls.speed.value), model };
}
