/**
 * Weight initialisers by name, drawing from numpy's legacy generator so that a seed gives the
 * course's weights: W_l = randn(n_l, n_{l-1}) then scaled, layer by layer in order; biases 0.
 */
import { ArgumentError } from '../core/errors.js';
import { RandomState } from '../core/rng.js';
import { div, fromArray, mul, zeros, type Tensor } from '../tensor/index.js';

/**
 * How to draw weights:
 * - `zeros`: all zero (the single neuron's start; a deeper network then never breaks symmetry);
 * - `scaled:K`: randn · K (the course's 2-layer model uses `scaled:0.01`, its "random" 10);
 * - `xavier`: randn · √(1/n_{l-1}), as the course writes Xavier;
 * - `glorot`: randn · √(2/(n_{l-1} + n_l)), Glorot and Bengio's normal variant;
 * - `he`: randn · √(2/n_{l-1});
 * - `course`: randn / √n_{l-1}, the course's `initialize_parameters_deep` for the L-layer model.
 */
export type Initializer =
  | { readonly kind: 'zeros' | 'xavier' | 'glorot' | 'he' | 'course' }
  | { readonly kind: 'scaled'; readonly scale: number };

export const INITIALIZER_NAMES = ['zeros', 'scaled:K', 'xavier', 'glorot', 'he', 'course'] as const;

/**
 * An initialiser from its name.
 * @example parseInitializer('scaled:0.01') // { kind: 'scaled', scale: 0.01 }
 */
export function parseInitializer(name: string, op = 'initializer'): Initializer {
  const m = /^scaled:(.*)$/.exec(name);
  if (m) {
    const text = (m[1] ?? '').trim();
    const scale = Number(text);
    if (text === '' || !Number.isFinite(scale)) throw new ArgumentError(op, 'init', `scaled:K needs a finite number K, got '${name}'`);
    return { kind: 'scaled', scale };
  }
  if (name === 'zeros' || name === 'xavier' || name === 'glorot' || name === 'he' || name === 'course') return { kind: name };
  throw new ArgumentError(op, 'init', `unknown initializer '${name}', expected one of ${INITIALIZER_NAMES.join(', ')}`);
}

/**
 * One weight matrix (nOut, nIn), drawn from `rng` (nothing is drawn for zeros). Written as
 * the course's numpy is (`randn(...) * 0.01`, `randn(...) / np.sqrt(n)`), for the same bits.
 * @example initWeights({ kind: 'course' }, 7, 20, new RandomState(1))
 */
export function initWeights(init: Initializer, nOut: number, nIn: number, rng: RandomState): Tensor {
  return initKernel(init, [nOut, nIn], nIn, nOut, rng);
}

/**
 * Weights of any shape, drawn in row-major order (`randn(*shape)`), scaled by the fan-in
 * and fan-out: a convolution's (KH, KW, Cin, Cout) kernel has fan-in KH·KW·Cin and fan-out
 * KH·KW·Cout, as Keras and PyTorch count them.
 * @example initKernel({ kind: 'he' }, [4, 4, 3, 8], 48, 128, new RandomState(1))
 */
export function initKernel(init: Initializer, shape: readonly number[], fanIn: number, fanOut: number, rng: RandomState): Tensor {
  if (init.kind === 'zeros') return zeros(shape);
  const r = fromArray(rng.randnArray(shape.reduce((p, d) => p * d, 1)), shape);
  switch (init.kind) {
    case 'scaled': return mul(r, init.scale);
    case 'xavier': return mul(r, Math.sqrt(1 / fanIn));
    case 'glorot': return mul(r, Math.sqrt(2 / (fanIn + fanOut)));
    case 'he': return mul(r, Math.sqrt(2 / fanIn));
    case 'course': return div(r, Math.sqrt(fanIn));
  }
}

/** At least an input and an output layer, every size a positive integer. */
export function checkLayerSizes(op: string, layers: readonly number[]): void {
  if (layers.length < 2) throw new ArgumentError(op, 'layers', `need at least 2 sizes (input and output), got [${layers.join(', ')}]`);
  const bad = layers.find((n) => !Number.isSafeInteger(n) || n <= 0);
  if (bad !== undefined) throw new ArgumentError(op, 'layers', `sizes must be positive integers, got ${bad} in [${layers.join(', ')}]`);
}
