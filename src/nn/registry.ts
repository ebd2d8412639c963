/**
 * The layer registry: every layer kind, its config, how to read it from text (`--arch
 * "dense:7,relu,dense:1,sigmoid"`) or from an untrusted model file, and how to build it. A
 * `Record` over the kinds, checked by the compiler like the rule table: a new layer is one
 * entry here and one class, and model files, the CLI and the page take it with no change.
 */
import type { FloatDType } from '../core/dtype.js';
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { formatShape } from '../core/shape.js';
import { astype, zeros } from '../tensor/index.js';
import { initWeights, type Initializer } from './init.js';
import { Activation, Dropout, Flatten } from './layers/basic.js';
import { Dense } from './layers/dense.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

/** A layer as plain data: what model files store and `--arch` spells. */
export type LayerConfig =
  | { kind: 'dense'; units: number }
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
  /** 1-based index among the layers with parameters (W1, b1, W2, ...). */
  index: number;
}

interface LayerDef<K extends LayerKind> {
  /** `dense:7` → the argument after the colon, if any; what it means. */
  readonly arg: 'none' | 'required' | 'optional';
  readonly help: string;
  /** The config from the text after `kind:` (undefined when none), checked. */
  parse(arg: string | undefined, where: string): ConfigOf<K>;
  build(cfg: ConfigOf<K>, input: readonly number[], ctx: BuildContext): Module;
  readonly parametric: boolean;
}

function number(where: string, text: string | undefined, ok: (n: number) => boolean, what: string): number {
  const n = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  if (!ok(n)) throw new ArgumentError('arch', where, `expected ${what}, got '${text ?? ''}'`);
  return n;
}

const positiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
const simple = <K extends 'relu' | 'tanh' | 'sigmoid' | 'softmax'>(kind: K, help: string): LayerDef<K> => ({
  arg: 'none', help, parametric: false,
  parse: () => ({ kind }) as ConfigOf<K>,
  build: () => new Activation(kind),
});

/** Every layer kind. */
export const LAYERS: { readonly [K in LayerKind]: LayerDef<K> } = {
  dense: {
    arg: 'required', help: 'dense:UNITS, a fully connected layer (Z = X Wᵀ + b)', parametric: true,
    parse: (a, where) => ({ kind: 'dense', units: number(where, a, positiveInt, 'a positive integer number of units') }),
    build(cfg, input, ctx) {
      if (input.length !== 1) throw new ArgumentError('arch', `dense:${cfg.units}`, `takes flat inputs, got items of shape ${formatShape(input)}: put a flatten layer before it`);
      const nIn = input[0] as number;
      const W = initWeights(ctx.init, cfg.units, nIn, ctx.rng);
      const dt = ctx.dtype;
      return new Dense(dt === 'float64' ? W : astype(W, dt), zeros([cfg.units], dt), ctx.index);
    },
  },
  relu: simple('relu', 'relu, max(0, z)'),
  tanh: simple('tanh', 'tanh'),
  sigmoid: simple('sigmoid', 'sigmoid, 1 / (1 + e⁻ᶻ): the output of a two-class model with 1 unit'),
  softmax: simple('softmax', 'softmax over the classes: the output of a k-class model'),
  'leaky-relu': {
    arg: 'optional', help: 'leaky-relu[:SLOPE], z or slope·z (default slope 0.01)', parametric: false,
    parse: (a, where) => (a === undefined ? { kind: 'leaky-relu' } : { kind: 'leaky-relu', slope: number(where, a, Number.isFinite, 'a finite slope') }),
    build: (cfg) => new Activation('leaky-relu', cfg.slope ?? 0.01),
  },
  dropout: {
    arg: 'required', help: 'dropout:RATE, inverted dropout dropping each unit with probability RATE in training', parametric: false,
    parse: (a, where) => ({ kind: 'dropout', rate: number(where, a, (n) => n >= 0 && n < 1, 'a probability in [0, 1)') }),
    build: (cfg) => new Dropout(cfg.rate),
  },
  flatten: {
    arg: 'none', help: 'flatten, (N, h, w, c) → (N, h·w·c)', parametric: false,
    parse: () => ({ kind: 'flatten' }),
    build: () => new Flatten(),
  },
};

const isKind = (k: string): k is LayerKind => Object.prototype.hasOwnProperty.call(LAYERS, k);

/**
 * One layer config from its text, e.g. `dense:7` or `dropout:0.1`.
 * @example parseLayer('dense:7') // { kind: 'dense', units: 7 }
 */
export function parseLayer(text: string): LayerConfig {
  const [kind = '', arg, ...more] = text.trim().split(':');
  if (!isKind(kind)) throw new ArgumentError('arch', text, `unknown layer '${kind}', expected one of ${Object.keys(LAYERS).join(', ')}`);
  const def: LayerDef<LayerKind> = LAYERS[kind] as LayerDef<LayerKind>;
  if (more.length > 0 || (def.arg === 'none' && arg !== undefined)) throw new ArgumentError('arch', text, `expected ${def.help}`);
  if (def.arg === 'required' && arg === undefined) throw new ArgumentError('arch', text, `expected ${def.help}`);
  return def.parse(arg, text);
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
  const value = o['units'] ?? o['rate'] ?? o['slope'];
  const text = value === undefined ? undefined : typeof value === 'number' ? String(value) : '';
  return parseLayer(text === undefined ? kind : `${kind}:${text}`);
}

/** The text form back: `--arch` of a config list. @example archText([{ kind: 'dense', units: 1 }, { kind: 'sigmoid' }]) // 'dense:1,sigmoid' */
export function archText(layers: readonly LayerConfig[]): string {
  return layers.map((c) => ('units' in c ? `${c.kind}:${c.units}` : 'rate' in c ? `${c.kind}:${c.rate}` : 'slope' in c && c.slope !== undefined ? `${c.kind}:${c.slope}` : c.kind)).join(',');
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
  for (const cfg of layers) {
    const def = LAYERS[cfg.kind] as LayerDef<LayerKind>;
    const layer = def.build(cfg, shape, { init: how.init, rng, dtype: how.dtype ?? 'float64', index });
    if (def.parametric) index++;
    shape = layer.outputShape(shape);
    built.push(layer);
  }
  return new Sequential(built, inputShape);
}
