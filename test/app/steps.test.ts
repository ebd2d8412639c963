// Which step trains a run: the span step where it is exact and pays, autodiff for anything,
// the course's functions where they cover the model; each refusal says why.
import { describe, expect, it } from 'vitest';
import { L_LAYER, mlpLayers, NEURON, TWO_LAYER, type RunSettings } from '../../src/app/settings.js';
import { chooseEngine, spanRefusal } from '../../src/app/steps.js';
import { ArgumentError } from '../../src/core/errors.js';
import { parseInitializer } from '../../src/nn/init.js';
import { buildModel, parseArch, type LayerConfig } from '../../src/nn/registry.js';
import { caught } from '../course/helpers.js';

const model = (layers: LayerConfig[], input: number[] = [64, 64, 3], dtype: 'float64' | 'float32' = 'float64') => buildModel(input, layers, { init: parseInitializer('he'), seed: 1, dtype });
const deep = model(L_LAYER.layers);

describe('spanRefusal', () => {
  it('accepts gd and momentum on fewer samples than features, mini-batches, L2 and decay included', () => {
    expect(spanRefusal(deep, L_LAYER, 209)).toBeNull();
    expect(spanRefusal(deep, { ...L_LAYER, optimizer: 'momentum', batchSize: 64, l2: 0.7, decay: { rate: 1 } }, 209)).toBeNull();
    expect(spanRefusal(model(NEURON.layers), NEURON, 209)).toBeNull();
  });
  it('refuses adam and rmsprop, which are not linear in the gradient', () => {
    expect(spanRefusal(deep, { ...L_LAYER, optimizer: 'adam' }, 209)).toMatch(/^adam is not linear in the gradient, so the first layer does not stay in the span of the samples/);
    expect(spanRefusal(deep, { ...L_LAYER, optimizer: 'rmsprop' }, 209)).toMatch(/^rmsprop is not linear in the gradient/);
  });
  it('refuses as many samples as features, a Gram matrix too large, float32 deep networks and a first layer that is not dense', () => {
    expect(spanRefusal(deep, L_LAYER, 12288)).toBe('with 12288 samples of 12288 features the span of the samples is no smaller than the weights: the span step pays when samples are fewer than features');
    const wide = model(mlpLayers([3, 1]), [20000]);
    expect(spanRefusal(wide, L_LAYER, 10000)).toBe('the 10000 x 10000 Gram matrix of the span step would take 763 MiB (over the 512 MiB limit)');
    expect(spanRefusal(model(NEURON.layers), NEURON, 209, 209 * 209 * 8 - 1)).toBe('the 209 x 209 Gram matrix of the span step would take 349448 bytes (over the 349447 bytes limit)');
    expect(spanRefusal(model(L_LAYER.layers, [64, 64, 3], 'float32'), { ...L_LAYER, dtype: 'float32' }, 209)).toBe('the span step of a deep network trains float64 weights, not float32');
    expect(spanRefusal(model(parseArch('flatten,relu,dense:1,sigmoid')), L_LAYER, 209)).toBe('the span step needs a dense first layer (after a flatten)');
  });
});

describe('chooseEngine', () => {
  it('auto: span where it applies, else autodiff without a note; span asked for falls back with the reason', () => {
    expect(chooseEngine(deep, L_LAYER, 209)).toEqual({ engine: 'span' });
    expect(chooseEngine(deep, { ...L_LAYER, optimizer: 'adam' }, 209)).toEqual({ engine: 'autodiff' });
    expect(chooseEngine(deep, { ...L_LAYER, optimizer: 'adam', engine: 'span' }, 209).note).toMatch(/^adam is not linear/);
    expect(chooseEngine(deep, { ...L_LAYER, engine: 'autodiff' }, 209)).toEqual({ engine: 'autodiff' });
  });
  it('a Gram matrix over the limit: auto trains the neuron and deep networks with autodiff, an asked-for span step is refused', () => {
    const limit = 100 * 100 * 8;
    expect(chooseEngine(model(NEURON.layers), NEURON, 100, limit)).toEqual({ engine: 'span' });
    const note = 'the 101 x 101 Gram matrix of the span step would take 81608 bytes (over the 80000 bytes limit)';
    expect(chooseEngine(model(NEURON.layers), NEURON, 101, limit)).toEqual({ engine: 'autodiff', note });
    expect(chooseEngine(deep, L_LAYER, 101, limit)).toEqual({ engine: 'autodiff', note });
    const e = caught(ArgumentError, () => chooseEngine(model(NEURON.layers), { ...NEURON, engine: 'span' }, 101, limit));
    expect(e.message).toBe('train: --engine: span does not fit 101 samples: the 101 x 101 Gram matrix of the span step would take 81608 bytes (over the 80000 bytes limit); use --engine auto or autodiff');
  });
  it("course: the course's models with full-batch gradient descent, refused otherwise", () => {
    expect(chooseEngine(model(NEURON.layers), { ...NEURON, engine: 'course' }, 209)).toEqual({ engine: 'course' });
    expect(chooseEngine(model(TWO_LAYER.layers), { ...TWO_LAYER, engine: 'course' }, 209)).toEqual({ engine: 'course' });
    const refused = (s: RunSettings, layers: LayerConfig[] = s.layers): string => caught(ArgumentError, () => chooseEngine(model(layers), { ...s, engine: 'course' }, 209)).message;
    expect(refused({ ...L_LAYER, optimizer: 'momentum' })).toBe("train: --engine: the course's functions do not cover this run: momentum is not the course's full-batch gradient descent");
    expect(refused({ ...L_LAYER, batchSize: 64 })).toBe("train: --engine: the course's functions do not cover this run: it trains on full batches");
    expect(refused({ ...L_LAYER, l2: 0.1 })).toBe("train: --engine: the course's functions do not cover this run: it has no L2 term");
    expect(refused(L_LAYER, mlpLayers([5, 1], 'relu', 0.1))).toBe("train: --engine: the course's functions do not cover dropout");
    expect(refused(L_LAYER, mlpLayers([5, 1], 'tanh'))).toBe("train: --engine: the course's functions cover [dense, relu] × (L-1), then dense, sigmoid");
  });
});
