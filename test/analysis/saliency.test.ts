// Saliency maps (Simonyan et al. 2013): the autodiff gradient of the class score, checked
// exactly on the single neuron (dz/dx is W itself) and against central finite differences on
// deep networks, a softmax and a sigmoid head, CNNs, and a test layer that keeps images as
// images; the class rule for sigmoid heads; the model left as it was; the refusals.
import { describe, expect, it } from 'vitest';
import { classScore, saliency } from '../../src/analysis/saliency.js';
import { ArgumentError, DTypeError, ShapeError } from '../../src/core/errors.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Activation, Flatten } from '../../src/nn/layers/basic.js';
import { Dense } from '../../src/nn/layers/dense.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { Sequential } from '../../src/nn/sequential.js';
import { astype, fromArray, rand, Tensor } from '../../src/tensor/index.js';
import { caught } from '../course/helpers.js';
import { PixelMix } from './pixel-mix.js';

const he = parseInitializer('he');

/** The first dense layer of a model (the single neuron's only one). */
function firstDense(model: Sequential): Dense {
  const d = model.layers.find((l): l is Dense => l instanceof Dense);
  if (d === undefined) throw new Error('no dense layer');
  return d;
}

/** Largest |a - b| over two equally long arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

/**
 * dS_c/dx of image i by central differences, one input element at a time: the quantity the
 * map is made of, computed without autodiff.
 */
function finiteDifferences(model: Sequential, x: Tensor, i: number, target: number, h = 1e-5): Float64Array {
  const item = x.size / (x.shape[0] as number);
  const g = new Float64Array(item);
  const base = Float64Array.from(x.values());
  for (let j = 0; j < item; j++) {
    const at = (delta: number): number => {
      const v = Float64Array.from(base);
      v[i * item + j] = (v[i * item + j] as number) + delta;
      return classScore(model, new Tensor(v, x.shape, 'float64'), target)[i] as number;
    };
    g[j] = (at(h) - at(-h)) / (2 * h);
  }
  return g;
}

/** Channel-max of |g| for one image's gradient (h, w, c) in row-major order. */
function channelMax(g: ArrayLike<number>, c: number): Float64Array {
  const out = new Float64Array(g.length / c);
  for (let p = 0; p < out.length; p++) for (let k = 0; k < c; k++) out[p] = Math.max(out[p] as number, Math.abs(g[p * c + k] as number));
  return out;
}

/** The notes' relative error ‖a − b‖ / (‖a‖ + ‖b‖). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += ((a[i] as number) - (b[i] as number)) ** 2;
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return Math.sqrt(d) / (Math.sqrt(na) + Math.sqrt(nb));
}

/** Image i of a batch (N, ...), as a row-major copy. */
function imageOf(t: Tensor, i: number): Float64Array {
  const item = t.size / (t.shape[0] as number);
  return Float64Array.from(t.values().subarray(i * item, (i + 1) * item));
}

/** Checks every image's gradient and map against finite differences of its class score. */
function expectMatchesFiniteDifferences(model: Sequential, x: Tensor, channels: number): void {
  const s = saliency(model, x);
  for (let i = 0; i < (x.shape[0] as number); i++) {
    const fd = finiteDifferences(model, x, i, s.target[i] as number);
    const g = imageOf(s.gradient, i);
    expect(relativeError(g, fd)).toBeLessThan(1e-6);
    const fdMap = channelMax(fd, channels);
    const map = imageOf(s.map, i);
    for (let p = 0; p < map.length; p++) expect(Math.abs((map[p] as number) - (fdMap[p] as number)) / Math.max(fdMap[p] as number, 1e-300)).toBeLessThan(1e-6);
  }
}

describe('saliency of the single neuron', () => {
  // z = W·flatten(x) + b, so dz/dx = W reshaped to the image: the map is max_c |W[h, w, c]|
  // whatever the image, and the class-0 score −z has gradient −W.
  const model = buildModel([5, 6, 3], parseArch('flatten,dense:1,sigmoid'), { init: he, seed: 2 });
  const x = rand([6, 5, 6, 3], 7);
  const dense = firstDense(model);
  // A bias at the median logit: some images are predicted class 1, some class 0.
  const z = classScore(model, x, 1);
  dense.b.value = fromArray([-([...z].sort((a, b) => a - b)[3] as number)]);
  const W = dense.W.value.values();

  it('the map is max over channels of |W| reshaped to the image, for every image (to 1e-15)', () => {
    const s = saliency(model, x);
    expect(s.map.shape).toEqual([6, 5, 6]);
    expect(s.gradient.shape).toEqual([6, 5, 6, 3]);
    const expected = channelMax(W, 3);
    for (let i = 0; i < 6; i++) expect(maxAbsDiff(imageOf(s.map, i), expected)).toBeLessThanOrEqual(1e-15);
  });

  it('the gradient is W for class 1 and −W for class 0; the default class is the predicted one', () => {
    const s = saliency(model, x);
    const p = model.probabilities(x).values();
    expect(new Set(s.predicted)).toEqual(new Set([0, 1]));
    for (let i = 0; i < 6; i++) {
      const pi = p[i] as number;
      expect(s.predicted[i]).toBe(pi > 0.5 ? 1 : 0);
      expect(s.target[i]).toBe(s.predicted[i]);
      expect(s.probability[i]).toBe(pi > 0.5 ? pi : 1 - pi);
      expect(s.probabilities[i]).toEqual([1 - pi, pi]);
      const sign = s.target[i] === 1 ? 1 : -1;
      expect(maxAbsDiff(imageOf(s.gradient, i), Array.from(W, (w) => sign * w))).toBeLessThanOrEqual(1e-15);
    }
  });

  it('a given class is used for every image: S_1 = z, S_0 = −z, with that class’s probability', () => {
    const p = model.probabilities(x).values();
    for (const target of [0, 1]) {
      const s = saliency(model, x, { target });
      expect(s.target).toEqual([0, 0, 0, 0, 0, 0].map(() => target));
      for (let i = 0; i < 6; i++) {
        expect(s.probability[i]).toBe(target === 1 ? p[i] : 1 - (p[i] as number));
        expect(maxAbsDiff(imageOf(s.gradient, i), Array.from(W, (w) => (target === 1 ? w : -w)))).toBeLessThanOrEqual(1e-15);
      }
    }
  });

  it('a grayscale input (N, H, W) is its own map: |W|', () => {
    const grey = buildModel([4, 3], parseArch('flatten,dense:1,sigmoid'), { init: he, seed: 5 });
    const s = saliency(grey, rand([2, 4, 3], 1));
    expect(s.map.shape).toEqual([2, 4, 3]);
    const w = firstDense(grey).W.value.values();
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(imageOf(s.map, i), Array.from(w, Math.abs))).toBe(0);
  });
});

describe('saliency of deep networks: the map equals the channel-max of |finite differences|', () => {
  it('a softmax network (tanh hidden layers), each image at its predicted class', () => {
    const model = buildModel([4, 5, 3], parseArch('flatten,dense:6,tanh,dense:5,tanh,dense:3,softmax'), { init: he, seed: 3 });
    expectMatchesFiniteDifferences(model, rand([3, 4, 5, 3], 11), 3);
  });

  it('a sigmoid network, for class 1 (z) and class 0 (−z)', () => {
    const model = buildModel([3, 4, 3], parseArch('flatten,dense:5,tanh,dense:1,sigmoid'), { init: he, seed: 4 });
    const x = rand([2, 3, 4, 3], 12);
    for (const target of [0, 1]) {
      const s = saliency(model, x, { target });
      for (let i = 0; i < 2; i++) expect(relativeError(imageOf(s.gradient, i), finiteDifferences(model, x, i, target))).toBeLessThan(1e-6);
    }
  });

  it('a relu network away from its kinks', () => {
    const model = buildModel([3, 3, 3], parseArch('flatten,dense:8,relu,dense:4,softmax'), { init: he, seed: 6 });
    expectMatchesFiniteDifferences(model, rand([2, 3, 3, 3], 13), 3);
  });

  it('layers that keep images as images (1x1 convolutions), then flatten and a softmax', () => {
    const model = new Sequential([new PixelMix(3, 4, 1, 1), new Activation('tanh'), new PixelMix(4, 2, 2, 2), new Activation('tanh'), new Flatten(), new Dense(rand([3, 4 * 4 * 2], 3).sub(0.5), fromArray([0.1, -0.2, 0.05]), 3), new Activation('softmax')], [4, 4, 3]);
    expectMatchesFiniteDifferences(model, rand([2, 4, 4, 3], 14), 3);
  });

  it('convolutional networks: conv, tanh, average pooling; conv, relu, max pooling (away from kinks and ties)', () => {
    const smooth = buildModel([6, 6, 3], parseArch('conv:4:3:same,tanh,avgpool:2:2,flatten,dense:3,softmax'), { init: he, seed: 1 });
    expectMatchesFiniteDifferences(smooth, rand([2, 6, 6, 3], 18), 3);
    const cnn = buildModel([6, 6, 3], parseArch('conv:4:3:same,relu,maxpool:2:2,flatten,dense:2,softmax'), { init: he, seed: 1 });
    expectMatchesFiniteDifferences(cnn, rand([2, 6, 6, 3], 19), 3);
  });

  it('each image’s map is its own: the same alone as in a batch', () => {
    const model = buildModel([4, 4, 3], parseArch('flatten,dense:5,tanh,dense:3,softmax'), { init: he, seed: 8 });
    const x = rand([3, 4, 4, 3], 15);
    const all = saliency(model, x);
    for (let i = 0; i < 3; i++) {
      const one = saliency(model, new Tensor(imageOf(x, i), [1, 4, 4, 3], 'float64'));
      expect(maxAbsDiff(imageOf(all.map, i), one.map.values())).toBeLessThan(1e-15);
      expect(one.target[0]).toBe(all.target[i]);
    }
  });

  it('float32 models give float32 gradients', () => {
    const model = buildModel([3, 3, 3], parseArch('flatten,dense:4,tanh,dense:1,sigmoid'), { init: he, seed: 9, dtype: 'float32' });
    const s = saliency(model, astype(rand([2, 3, 3, 3], 16), 'float32'));
    expect([s.gradient.dtype, s.map.dtype]).toEqual(['float32', 'float32']);
  });
});

describe('saliency leaves the model as it was and refuses bad input', () => {
  it('parameters keep their values, still require gradients, and get no gradient', () => {
    const model = buildModel([3, 3, 3], parseArch('flatten,dense:4,relu,dense:1,sigmoid'), { init: he, seed: 10 });
    const before = model.parameters().map((p) => Float64Array.from(p.value.values()));
    saliency(model, rand([2, 3, 3, 3], 17));
    model.parameters().forEach((p, i) => {
      expect(p.value.requiresGrad).toBe(true);
      expect(p.value.grad).toBeNull();
      expect(Array.from(p.value.values())).toEqual(Array.from(before[i] as Float64Array));
    });
  });

  it('typed errors naming the op, the argument and the shapes', () => {
    const model = buildModel([3, 3, 3], parseArch('flatten,dense:1,sigmoid'), { init: he, seed: 1 });
    const d = caught(DTypeError, () => saliency(model, new Tensor(new Uint8Array(27), [1, 3, 3, 3], 'uint8')));
    expect([d.op, d.dtypes]).toEqual(['saliency', ['uint8']]);
    const s = caught(ShapeError, () => saliency(model, rand([1, 3, 3], 1)));
    expect(s.message).toBe('saliency: expects inputs of shape (N, 3, 3, 3), got (1, 3, 3)');
    const a = caught(ArgumentError, () => saliency(model, rand([1, 3, 3, 3], 1), { target: 2 }));
    expect([a.op, a.argument, a.message]).toEqual(['saliency', 'target', 'saliency: target: must be a class index in 0..1, got 2']);
    const flat = buildModel([6], parseArch('dense:1,sigmoid'), { init: he, seed: 1 });
    expect(caught(ShapeError, () => saliency(flat, rand([2, 6], 1))).message).toBe('saliency: needs images (N, H, W, C) or (N, H, W), got inputs of shape (2, 6)');
  });
});
