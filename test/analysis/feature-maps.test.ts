// Feature maps and filters: every layer's output for one image, the (H, W, C) outputs split
// into maps, and the first layer's filters from a 4-D kernel or from dense rows shaped like
// the image. Generic over Sequential: a 1x1-convolution test layer and Conv2D alike.
import { describe, expect, it } from 'vitest';
import { channelMaps, firstLayerFilters, isMapStack, layerOutputs } from '../../src/analysis/feature-maps.js';
import { firstLayerImages } from '../../src/analysis/plot-data.js';
import { ShapeError } from '../../src/core/errors.js';
import { parseInitializer } from '../../src/nn/init.js';
import { Activation, Flatten } from '../../src/nn/layers/basic.js';
import { Dense } from '../../src/nn/layers/dense.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import { Sequential } from '../../src/nn/sequential.js';
import { arange, rand } from '../../src/tensor/index.js';
import { caught } from '../course/helpers.js';
import { PixelMix } from './pixel-mix.js';

const he = parseInitializer('he');

function mapModel(): Sequential {
  return new Sequential([new PixelMix(3, 4, 1, 1), new Activation('relu'), new Flatten(), new Dense(rand([2, 5 * 6 * 4], 3), rand([2], 4), 2), new Activation('softmax')], [5, 6, 3]);
}

describe('layerOutputs', () => {
  it('runs the layers in turn: each output is the next input, the last is the model output', () => {
    const model = mapModel();
    const x = rand([1, 5, 6, 3], 5);
    const outs = layerOutputs(model, x);
    expect(outs.map((o) => [o.layer, o.kind, o.shape])).toEqual([
      [1, 'dense', [5, 6, 4]],
      [2, 'relu', [5, 6, 4]],
      [3, 'flatten', [120]],
      [4, 'dense', [2]],
      [5, 'softmax', [2]],
    ]);
    expect(outs.map(isMapStack)).toEqual([true, true, false, false, false]);
    expect(Array.from(outs[4]?.value.values() ?? [])).toEqual(Array.from(model.probabilities(x).values()));
    expect(Array.from(outs[3]?.value.values() ?? [])).toEqual(Array.from(model.scores(x).values()));
    expect(outs.every((o) => !o.value.requiresGrad)).toBe(true);
  });

  it('takes one image', () => {
    const e = caught(ShapeError, () => layerOutputs(mapModel(), rand([2, 5, 6, 3], 1)));
    expect(e.message).toBe('layerOutputs: takes one image (1, ...), got (2, 5, 6, 3)');
  });
});

describe('channelMaps', () => {
  it('splits (1, H, W, C) into C row-major H x W maps', () => {
    const { height, width, maps } = channelMaps(arange(12).reshape([1, 2, 3, 2]));
    expect([height, width]).toEqual([2, 3]);
    expect(maps.map((m) => Array.from(m))).toEqual([[0, 2, 4, 6, 8, 10], [1, 3, 5, 7, 9, 11]]);
    expect(caught(ShapeError, () => channelMaps(arange(6).reshape([1, 6]))).message).toBe('channelMaps: takes one stack of maps (1, H, W, C), got (1, 6)');
  });
});

describe('firstLayerFilters', () => {
  it('a 4-D kernel (kh, kw, Cin, Cout) gives Cout filters (kh, kw, Cin)', () => {
    const model = mapModel();
    const f = firstLayerFilters(model);
    expect(f?.source).toBe('conv');
    expect(f?.parameter).toBe('W1');
    expect(f?.filters.map((k) => k.shape)).toEqual([[1, 1, 3], [1, 1, 3], [1, 1, 3], [1, 1, 3]]);
    const W = (model.layers[0] as PixelMix).W.value.values();
    f?.filters.forEach((k, o) => expect(Array.from(k.values())).toEqual([0, 1, 2].map((c) => W[c * 4 + o])));
  });

  it('a CNN: the Conv2D kernels W1 (3, 3, 3, 4) as 4 filters; every layer’s output, conv to softmax', () => {
    const cnn = buildModel([8, 8, 3], parseArch('conv:4:3:same,relu,maxpool:2:2,flatten,dense:2,softmax'), { init: he, seed: 1 });
    const f = firstLayerFilters(cnn);
    expect([f?.source, f?.parameter, f?.filters.length]).toEqual(['conv', 'W1', 4]);
    const W = cnn.parameters()[0]?.value;
    expect(W?.shape).toEqual([3, 3, 3, 4]);
    const w = W?.values() ?? new Float64Array(0);
    f?.filters.forEach((k, o) => {
      expect(k.shape).toEqual([3, 3, 3]);
      expect(Array.from(k.values())).toEqual(Array.from({ length: 27 }, (_, j) => w[j * 4 + o]));
    });
    const outs = layerOutputs(cnn, rand([1, 8, 8, 3], 2));
    expect(outs.map((o) => [o.kind, o.shape])).toEqual([['conv', [8, 8, 4]], ['relu', [8, 8, 4]], ['maxpool', [4, 4, 4]], ['flatten', [64]], ['dense', [2]], ['softmax', [2]]]);
    expect(outs.filter(isMapStack).length).toBe(3);
  });

  it('a first dense layer on images gives its rows as images, the training plots’ weight pictures', () => {
    const model = buildModel([4, 5, 3], parseArch('flatten,dense:3,relu,dense:1,sigmoid'), { init: he, seed: 1 });
    const f = firstLayerFilters(model);
    expect([f?.source, f?.parameter, f?.filters.length]).toEqual(['dense', 'W1', 3]);
    const rows = firstLayerImages(model);
    f?.filters.forEach((k, u) => {
      expect(k.shape).toEqual([4, 5, 3]);
      expect(Array.from(k.values())).toEqual(Array.from(rows[u]?.image.values() ?? []));
    });
    const grey = firstLayerFilters(buildModel([4, 5], parseArch('flatten,dense:2,softmax'), { init: he, seed: 1 }));
    expect(grey?.filters.map((k) => k.shape)).toEqual([[4, 5, 1], [4, 5, 1]]);
  });

  it('none without parameters, or for flat inputs', () => {
    expect(firstLayerFilters(new Sequential([new Flatten()], [2, 2, 3]))).toBeNull();
    expect(firstLayerFilters(buildModel([6], parseArch('dense:2,softmax'), { init: he, seed: 1 }))).toBeNull();
  });
});
