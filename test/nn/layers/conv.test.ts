// The convolutional layers through the registry: shapes, names, the course's draws of the
// kernels, BatchNorm's two modes and buffers, a whole CNN's gradient against central
// differences, and the one-line errors a bad --arch gets before training.
import { describe, expect, it } from 'vitest';
import { gradCheck } from '../../../src/autograd/index.js';
import { ArgumentError, ModelFileError } from '../../../src/core/errors.js';
import { RandomState } from '../../../src/core/rng.js';
import { modelDocument, readModelText } from '../../../src/io/model-file.js';
import { BatchNorm } from '../../../src/nn/layers/batchnorm.js';
import { lossOfScores } from '../../../src/nn/loss.js';
import { EVAL } from '../../../src/nn/module.js';
import { archText, buildModel, checkLayerConfig, parseArch } from '../../../src/nn/registry.js';
import { fromArray, mean, mul, sub, sum, type Tensor } from '../../../src/tensor/index.js';
import { caught } from '../../course/helpers.js';
import { uniform } from '../../autograd/helpers.js';

const SIGNS = 'conv:8:4:same,relu,maxpool:8:8:same,conv:16:2:same,relu,maxpool:4:4:same,flatten,dense:6,softmax';

describe('convolutional models from the registry', () => {
  it("builds the course's SIGNS network with its shapes and the course's parameter names", () => {
    const net = buildModel([64, 64, 3], parseArch(SIGNS), { init: { kind: 'glorot' }, seed: 1 });
    expect(net.parameters().map((p) => [p.name, p.value.shape])).toEqual([
      ['W1', [4, 4, 3, 8]], ['b1', [8]], ['W2', [2, 2, 8, 16]], ['b2', [16]], ['W3', [6, 64]], ['b3', [6]],
    ]);
    expect(net.outputShape).toEqual([6]);
    expect(net.head).toBe('softmax');
    expect(net.forward(uniform([2, 64, 64, 3], 3)).shape).toEqual([2, 6]);
    expect(archText(net.configs())).toBe('conv:8:4:same:1,relu,maxpool:8:8:same,conv:16:2:same:1,relu,maxpool:4:4:same,flatten,dense:6,softmax');
    // The configs survive JSON: what a model file stores reads back the same.
    expect(JSON.parse(JSON.stringify(net.configs())).map((c: unknown, i: number) => checkLayerConfig(c, `layers[${i}]`))).toEqual(net.configs());
  });

  it('draws a kernel as the course does, randn(f, f, n_C_prev, n_C), scaled by the fan-in', () => {
    const net = buildModel([5, 5, 3], parseArch('conv:2:3,flatten,dense:1,sigmoid'), { init: { kind: 'he' }, seed: 7 });
    const want = new RandomState(7).randnArray(3 * 3 * 3 * 2).map((v) => v * Math.sqrt(2 / 27));
    expect([...(net.parameters()[0]?.value.values() ?? [])]).toEqual([...want]);
  });

  it("a whole CNN's loss (conv, batch norm, relu, pools, dense) has the gradient of central differences", () => {
    const net = buildModel([6, 6, 2], parseArch('conv:3:3:same,relu,batchnorm,maxpool:2:2,conv:4:2:valid:1,relu,avgpool:2:1:same,globalavgpool,dense:3,softmax'), { init: { kind: 'he' }, seed: 2 });
    const x = uniform([4, 6, 6, 2], 11);
    const labels = fromArray([0, 2, 1, 2]);
    const params = net.parameters();
    const loss = (...values: Tensor[]): Tensor => net.withParameters(values, () => lossOfScores(net, net.scores(x, { training: true }), labels));
    const report = gradCheck(loss, params.map((p) => p.value), { names: params.map((p) => p.name), epsilon: 1e-6 });
    expect(report.inputs.map((c) => c.name)).toEqual(['W1', 'b1', 'gamma1', 'beta1', 'W2', 'b2', 'W3', 'b3']);
    expect(report.maxRelativeError).toBeLessThan(1e-7);
  });

  it('refuses, before training, what does not fit: one line naming the layer and its input shape', () => {
    const build = (arch: string, input: number[]): unknown => buildModel(input, parseArch(arch), { init: { kind: 'he' }, seed: 1 });
    expect(caught(ArgumentError, () => build('conv:8:7,flatten,dense:2,softmax', [5, 5, 1])).message).toBe(
      'arch: conv:8:7:valid:1 (layer 1): a 7x7 window (stride 1, padding valid) does not fit inputs of shape (5, 5, 1), padded to 5x5');
    expect(caught(ArgumentError, () => build('conv:4:3:same,maxpool:8,flatten,dense:2,softmax', [5, 5, 1])).message).toBe(
      'arch: maxpool:8:8:valid (layer 2): a 8x8 window (stride 8, padding valid) does not fit inputs of shape (5, 5, 4), padded to 5x5');
    expect(caught(ArgumentError, () => build('conv:4:3,dense:2,softmax', [5, 5, 1])).message).toBe(
      'arch: dense:2: takes flat inputs, got items of shape (3, 3, 4): put a flatten layer before it');
    expect(caught(ArgumentError, () => build('flatten,conv:4:3', [5, 5, 1])).message).toBe('arch: conv:4:3:valid:1: takes images (H, W, C), got items of shape (25,)');
    expect(caught(ArgumentError, () => parseArch('conv:8:3:same:0')).message).toBe("arch: conv:8:3:same:0: expected a positive integer stride, got '0'");
    expect(caught(ArgumentError, () => parseArch('conv:8')).message).toMatch(/^arch: conv:8: expected conv:FILTERS:KERNEL\[:PADDING\[:STRIDE\]\]/);
    expect(caught(ArgumentError, () => parseArch('conv:8:3:full')).message).toBe("arch: conv:8:3:full: expected padding valid, same or a number of pixels, got 'full'");
    expect(caught(ArgumentError, () => parseArch('maxpool:2:2:1')).message).toBe("arch: maxpool:2:2:1: expected padding valid or same, got '1'");
    expect(caught(ArgumentError, () => parseArch('batchnorm:1.5')).message).toBe("arch: batchnorm:1.5: expected a momentum in [0, 1), got '1.5'");
  });
});

describe('BatchNorm', () => {
  it('normalises each channel by the batch in training and updates the moving averages as Keras does', () => {
    const bn = new BatchNorm(2, 1, 'float64');
    const x = fromArray([[1, 10], [3, 20], [5, 60]]);
    const y = bn.forward(x, { training: true });
    const mu = mean(y, { axis: 0 });
    expect(Math.max(...mu.values().map(Math.abs))).toBeLessThan(1e-15);
    const v = mean(mul(sub(y, mu), sub(y, mu)), { axis: 0 }).values();
    // Var(y) = σ² / (σ² + ε): σ² = 8/3 and 1400/3 here.
    expect(v[0]).toBeCloseTo((8 / 3) / (8 / 3 + 0.001), 14);
    expect(v[1]).toBeCloseTo((1400 / 3) / (1400 / 3 + 0.001), 12);
    const moving = bn.movingMean.value.values();
    expect(moving[0]).toBeCloseTo(0.01 * 3, 15);
    expect(moving[1]).toBeCloseTo(0.01 * 30, 15);
    expect(bn.movingVariance.value.values()[0]).toBeCloseTo(0.99 + 0.01 * (8 / 3), 15);
    // Evaluation uses the moving averages: (x − m) / √(v + ε).
    const e = bn.forward(fromArray([[1, 10]]), EVAL).values();
    expect(e[0]).toBeCloseTo((1 - 0.03) / Math.sqrt(0.99 + 0.08 / 3 + 0.001), 14);
  });

  it('keeps its moving averages in the model file, and a file without them is refused', () => {
    const net = buildModel([4, 4, 1], parseArch('conv:2:3:same,batchnorm:0.9,relu,flatten,dense:2,softmax'), { init: { kind: 'he' }, seed: 3 });
    net.forward(uniform([5, 4, 4, 1], 4), { training: true });
    const doc = modelDocument({ model: net, classes: ['a', 'b'], preprocessing: { scale: 255 }, training: { costs: [] } });
    const back = readModelText('m.json', JSON.stringify(doc));
    expect(back.model.buffers().map((b) => b.name)).toEqual(['movingMean1', 'movingVariance1']);
    const x = uniform([3, 4, 4, 1], 5);
    expect([...back.model.probabilities(x).values()]).toEqual([...net.probabilities(x).values()]);
    expect(back.layers[1]).toEqual({ kind: 'batchnorm', momentum: 0.9, epsilon: 0.001 });
    const { buffers: _dropped, ...without } = doc as Record<string, unknown>;
    const e = caught(ModelFileError, () => readModelText('m.json', JSON.stringify(without)));
    expect(e.message).toBe("m.json: buffers: expected an object of stored tensors (the batch-norm layers' moving averages)");
    expect(sum(net.parameters()[2]?.value ?? fromArray([0])).item()).toBe(2);
  });
});
