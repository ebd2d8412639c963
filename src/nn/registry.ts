/**
 * The layer registry: every layer kind, its config, how to read it from text (`--arch
 * "dense:7,relu,dense:1,sigmoid"`) or from an untrusted model file, and how to build it. A
 * `Record` over the kinds, checked by the compiler like the rule table: a new layer is one
 * entry here and one class, and model files, the CLI and the page take it with no change.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError, ShapeError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { astype, zeros, type Padding } from '../tensor/index.js';
import { initKernel, initWeights, type Initializer } from './init.js';
import { BatchNorm, BATCHNORM_DEFAULTS } from './layers/batchnorm.js';
import { Conv2D, GlobalAvgPool2D, Pool2D } from './layers/conv.js';
import { Activation, Dropout, Flatten } from './layers/basic.js';
import { Dense } from './layers/dense.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

/** A layer as plain data: what model files store and `--arch` spells. */
export type LayerConfig =
  | { kind: 'dense'; units: number }
  | { kind: 'conv'; filters: number; kernel: number; padding: Padding; stride: number }
  | { kind: 'maxpool' | 'avgpool'; size: number; stride: number; padding: 'valid' | 'same' }
  | { kind: 'globalavgpool' }
  | { kind: 'batchnorm'; momentum: number; epsilon: number }
  | { kind: 'relu' }
  | { kind: 'tanh' }
  | { kind: 'sigmoid' }
  | { kind: 'softmax' }
  | { kind: 'flatten' }
  | { kind: 'leaky-relu'; slope?: number }
  | { kind: 'dropout'; rate: number };

export type LayerKind = LayerConfig['kind'];
type ConfigOf<K extends LayerKind> = Extract<LayerConfig, { kind: K }>;

/** What building a layer draws on: the initialiser and generator of the weights, the dtype. */
export interface BuildContext {
  init: Initializer;
  rng: RandomState;
  dtype: FloatDType;
  /** 1-based index among the layers with weights (W1, b1, W2, ...). */
  index: number;
  /** 1-based index among the batch-norm layers (gamma1, beta1, ...). */
  normIndex: number;
}

interface LayerDef<K extends LayerKind> {
  /** The config's fields in the order the text form gives them after the kind (`conv:8:4:same:1`); trailing ones may be left out. */
  readonly fields: readonly string[];
  /** How many of `fields` the text must give. */
  readonly required: number;
  readonly help: string;
  /** The config from the texts after `kind:` (one per field given), checked. */
  parse(args: readonly string[], where: string): ConfigOf<K>;
  build(cfg: ConfigOf<K>, input: readonly number[], ctx: BuildContext): Module;
  /** What the layer's parameters count among: `W1, b1, ...` (weights), `gamma1, ...` (norm), or none. */
  readonly counts: 'weights' | 'norm' | 'none';
}

function number(where: string, text: string | undefined, ok: (n: number) => boolean, what: string): number {
  const n = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  if (!ok(n)) throw new ArgumentError('arch', where, `expected ${what}, got '${text ?? ''}'`);
  return n;
}

const positiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
const simple = <K extends 'relu' | 'tanh' | 'sigmoid' | 'softmax'>(kind: K, help: string): LayerDef<K> => ({
  fields: [], required: 0, help, counts: 'none',
  parse: () => ({ kind }) as ConfigOf<K>,
  build: () => new Activation(kind),
});

function padding(where: string, text: string | undefined, numbers: boolean): Padding {
  if (text === undefined || text === 'valid' || text === 'same') return text ?? 'valid';
  if (numbers) return number(where, text, (n) => Number.isSafeInteger(n) && n >= 0, 'padding valid, same or a number of pixels');
  throw new ArgumentError('arch', where, `expected padding valid or same, got '${text}'`);
}

const pool = <K extends 'maxpool' | 'avgpool'>(kind: K, what: string): LayerDef<K> => ({
  fields: ['size', 'stride', 'padding'], required: 1, counts: 'none',
  help: `${kind}:SIZE[:STRIDE[:PADDING]], the ${what} of each SIZE×SIZE window (stride SIZE, padding valid or same; default valid)`,
  parse: (a, where) => {
    const size = number(where, a[0], positiveInt, 'a positive integer window size');
    const stride = a[1] === undefined ? size : number(where, a[1], positiveInt, 'a positive integer stride');
    return { kind, size, stride, padding: padding(where, a[2], false) as 'valid' | 'same' } as ConfigOf<K>;
  },
  build: (cfg) => {
    const c = cfg as ConfigOf<'maxpool' | 'avgpool'>;
    return new Pool2D(kind === 'maxpool' ? 'max' : 'average', c.size, c.stride, c.padding);
  },
});

/** Every layer kind. */
export const LAYERS: { readonly [K in LayerKind]: LayerDef<K> } = {
  dense: {
    fields: ['units'], required: 1, help: 'dense:UNITS, a fully connected layer (Z = X Wᵀ + b)', counts: 'weights',
    parse: (a, where) => ({ kind: 'dense', units: number(where, a[0], positiveInt, 'a positive integer number of units') }),
    build(cfg, input, ctx) {
      if (input.length !== 1) throw new ArgumentError('arch', `dense:${cfg.units}`, `takes flat inputs, got items of shape ${formatShape(input)}: put a flatten layer before it`);
      const nIn = input[0] as number;
      const W = initWeights(ctx.init, cfg.units, nIn, ctx.rng);
      const dt = ctx.dtype;
      return new Dense(dt === 'float64' ? W : astype(W, dt), zeros([cfg.units], dt), ctx.index);
    },
  },
  conv: {
    fields: ['filters', 'kernel', 'padding', 'stride'], required: 2, counts: 'weights',
    help: 'conv:FILTERS:KERNEL[:PADDING[:STRIDE]], a 2-D convolution of KERNEL×KERNEL kernels (padding valid, same or pixels; default valid, stride 1)',
    parse: (a, where) => ({
      kind: 'conv',
      filters: number(where, a[0], positiveInt, 'a positive integer number of filters'),
      kernel: number(where, a[1], positiveInt, 'a positive integer kernel size'),
      padding: padding(where, a[2], true),
      stride: a[3] === undefined ? 1 : number(where, a[3], positiveInt, 'a positive integer stride'),
    }),
    build(cfg, input, ctx) {
      const text = layerText(cfg);
      if (input.length !== 3) throw new ArgumentError('arch', text, `takes images (H, W, C), got items of shape ${formatShape(input)}`);
      const cin = input[2] as number;
      const W = initKernel(ctx.init, [cfg.kernel, cfg.kernel, cin, cfg.filters], cfg.kernel * cfg.kernel * cin, cfg.kernel * cfg.kernel * cfg.filters, ctx.rng);
      const dt = ctx.dtype;
      return new Conv2D(dt === 'float64' ? W : astype(W, dt), zeros([cfg.filters], dt), ctx.index, { stride: cfg.stride, padding: cfg.padding });
    },
  },
  maxpool: pool('maxpool', 'largest value'),
  avgpool: pool('avgpool', 'mean'),
  globalavgpool: {
    fields: [], required: 0, help: 'globalavgpool, each channel\'s mean over the image, (N, H, W, C) → (N, C)', counts: 'none',
    parse: () => ({ kind: 'globalavgpool' }),
    build: () => new GlobalAvgPool2D(),
  },
  batchnorm: {
    fields: ['momentum', 'epsilon'], required: 0, counts: 'norm',
    help: `batchnorm[:MOMENTUM[:EPSILON]], batch normalisation over the last axis (Keras's momentum ${BATCHNORM_DEFAULTS.momentum} and epsilon ${BATCHNORM_DEFAULTS.epsilon} by default)`,
    parse: (a, where) => ({
      kind: 'batchnorm',
      momentum: a[0] === undefined ? BATCHNORM_DEFAULTS.momentum : number(where, a[0], (n) => n >= 0 && n < 1, 'a momentum in [0, 1)'),
      epsilon: a[1] === undefined ? BATCHNORM_DEFAULTS.epsilon : number(where, a[1], (n) => n > 0 && Number.isFinite(n), 'a positive epsilon'),
    }),
    build: (cfg, input, ctx) => new BatchNorm(input[input.length - 1] ?? 0, ctx.normIndex, ctx.dtype, cfg.momentum, cfg.epsilon),
  },
  relu: simple('relu', 'relu, max(0, z)'),
  tanh: simple('tanh', 'tanh'),
  sigmoid: simple('sigmoid', 'sigmoid, 1 / (1 + e⁻ᶻ): the output of a two-class model with 1 unit'),
  softmax: simple('softmax', 'softmax over the classes: the output of a k-class model'),
  'leaky-relu': {
    fields: ['slope'], required: 0, help: 'leaky-relu[:SLOPE], z or slope·z (default slope 0.01)', counts: 'none',
    parse: (a, where) => (a[0] === undefined ? { kind: 'leaky-relu' } : { kind: 'leaky-relu', slope: number(where, a[0], Number.isFinite, 'a finite slope') }),
    build: (cfg) => new Activation('leaky-relu', cfg.slope ?? 0.01),
  },
  dropout: {
    fields: ['rate'], required: 1, help: 'dropout:RATE, inverted dropout dropping each unit with probability RATE in training', counts: 'none',
    parse: (a, where) => ({ kind: 'dropout', rate: number(where, a[0], (n) => n >= 0 && n < 1, 'a probability in [0, 1)') }),
    build: (cfg) => new Dropout(cfg.rate),
  },
  flatten: {
    fields: [], required: 0, help: 'flatten, (N, h, w, c) → (N, h·w·c)', counts: 'none',
    parse: () => ({ kind: 'flatten' }),
    build: () => new Flatten(),
  },
};

const isKind = (k: string): k is LayerKind => Object.prototype.hasOwnProperty.call(LAYERS, k);
const defOf = (k: LayerKind): LayerDef<LayerKind> => LAYERS[k] as LayerDef<LayerKind>;

/**
 * One layer config from its text, e.g. `dense:7`, `dropout:0.1` or `conv:8:4:same`.
 * @example parseLayer('dense:7') // { kind: 'dense', units: 7 }
 */
export function parseLayer(text: string): LayerConfig {
  const [kind = '', ...args] = text.trim().split(':');
  if (!isKind(kind)) throw new ArgumentError('arch', text, `unknown layer '${kind}', expected one of ${Object.keys(LAYERS).join(', ')}`);
  const def = defOf(kind);
  if (args.length > def.fields.length || args.length < def.required) throw new ArgumentError('arch', text, `expected ${def.help}`);
  return def.parse(args, text);
}

/**
 * A stack of layers from `dense:7,relu,dense:1,sigmoid`.
 * @example parseArch('flatten,dense:7,relu,dense:1,sigmoid').length // 5
 */
export function parseArch(text: string): LayerConfig[] {
  const parts = text.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new ArgumentError('arch', '--arch', `expected a comma-separated list of layers (${Object.keys(LAYERS).join(', ')}), got '${text}'`);
  return parts.map(parseLayer);
}

/**
 * A config read from JSON (a model file), checked: the same rules as the text form.
 * @example checkLayerConfig({ kind: 'dense', units: 7 }, 'model.layers[0]')
 */
export function checkLayerConfig(v: unknown, where: string): LayerConfig {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const kind = o['kind'];
  if (typeof kind !== 'string' || !isKind(kind)) throw new ArgumentError('model', where, `expected a layer {kind: ${Object.keys(LAYERS).join(' | ')}}, got ${JSON.stringify(v)}`);
  const args: string[] = [];
  for (const f of defOf(kind).fields) {
    const value = o[f];
    if (value === undefined) break;
    // Numbers and the padding words only: anything else fails the text rules.
    args.push(typeof value === 'number' ? String(value) : typeof value === 'string' && /^[a-z]+$/.test(value) ? value : '');
  }
  return parseLayer([kind, ...args].join(':'));
}

/** One layer's text form. @example layerText({ kind: 'conv', filters: 8, kernel: 4, padding: 'same', stride: 1 }) // 'conv:8:4:same:1' */
export function layerText(c: LayerConfig): string {
  const values: string[] = [];
  const record = c as unknown as Record<string, unknown>;
  for (const f of defOf(c.kind).fields) {
    const v = record[f];
    if (v === undefined) break;
    values.push(String(v));
  }
  return [c.kind, ...values].join(':');
}

/** The text form back: `--arch` of a config list. @example archText([{ kind: 'dense', units: 1 }, { kind: 'sigmoid' }]) // 'dense:1,sigmoid' */
export function archText(layers: readonly LayerConfig[]): string {
  return layers.map(layerText).join(',');
}

/** How a model's weights start: the initialiser and the seed of `np.random.seed(seed)`. */
export interface ModelInit {
  init: Initializer;
  seed: number;
  dtype?: FloatDType;
}

/**
 * A model from its layer configs, for items of shape `inputShape`: weights drawn layer by
 * layer from one generator seeded with `seed`, as the course's `initialize_parameters_deep`.
 * @example buildModel([64, 64, 3], parseArch('flatten,dense:1,sigmoid'), { init: { kind: 'zeros' }, seed: 1 })
 */
export function buildModel(inputShape: readonly number[], layers: readonly LayerConfig[], how: ModelInit): Sequential {
  const rng = new RandomState(how.seed);
  const built: Module[] = [];
  let shape = [...inputShape];
  let index = 1;
  let normIndex = 1;
  for (const [i, cfg] of layers.entries()) {
    const def = defOf(cfg.kind);
    try {
      const layer = def.build(cfg, shape, { init: how.init, rng, dtype: how.dtype ?? 'float64', index, normIndex });
      shape = layer.outputShape(shape);
      built.push(layer);
    } catch (e) {
      // A window that does not fit, channels that differ: named by the layer's text and place.
      if (e instanceof ShapeError) throw new ArgumentError('arch', `${layerText(cfg)} (layer ${i + 1})`, `${e.message.slice(e.op.length + 2)}`);
      throw e;
    }
    if (def.counts === 'weights') index++;
    if (def.counts === 'norm') normIndex++;
  }
  return new Sequential(built, inputShape);
}
