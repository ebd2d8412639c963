import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/index.js';
import { leakyRelu, logSoftmax, relu, sigmoid, softmax, tanh } from '../../src/nn/activations.js';
import { fromArray, type Tensor } from '../../src/tensor/index.js';

const z = fromArray([[-2, -0.5, 0, 0.5, 3]]);
const sumOf = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => f(x).sum());

describe('activations', () => {
  it('relu: max(0, z), derivative 0 at and below 0 as the course sets dZ[Z <= 0] = 0', () => {
    expect(relu(z).toArray()).toEqual([[0, 0, 0, 0.5, 3]]);
    expect(sumOf(relu)(z)[0].toArray()).toEqual([[0, 0, 0, 1, 1]]);
  });
  it('leaky relu: slope 0.01 below 0 by default', () => {
    expect(leakyRelu(z).toArray()).toEqual([[-0.02, -0.005, 0, 0.5, 3]]);
    expect(sumOf((x) => leakyRelu(x))(z)[0].toArray()).toEqual([[0.01, 0.01, 0.01, 1, 1]]);
    expect(leakyRelu(z, 0.2).toArray()).toEqual([[-0.4, -0.1, 0, 0.5, 3]]);
  });
  it('tanh and sigmoid: values and derivatives 1 - tanh², σ(1 - σ)', () => {
    const t = tanh(z).values();
    const dt = sumOf(tanh)(z)[0].values();
    const s = sigmoid(z).values();
    const ds = sumOf(sigmoid)(z)[0].values();
    [-2, -0.5, 0, 0.5, 3].forEach((x, i) => {
      expect(t[i]).toBe(Math.tanh(x));
      expect(dt[i]).toBeCloseTo(1 - Math.tanh(x) ** 2, 15);
      expect(s[i]).toBe(1 / (1 + Math.exp(-x)));
      expect(ds[i]).toBeCloseTo(s[i]! * (1 - s[i]!), 15);
    });
  });
  it('softmax: columns are probabilities, unchanged by a shift, finite for huge scores', () => {
    const Z = fromArray([[1, 1000, -5], [2, 1000, 5], [3, 999, 0]]);
    const p = softmax(Z).toArray() as number[][];
    for (let j = 0; j < 3; j++) expect(p[0]![j]! + p[1]![j]! + p[2]![j]!).toBeCloseTo(1, 15);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const total = e[0]! + e[1]! + e[2]!;
    expect(p[0]![0]).toBeCloseTo(e[0]! / total, 15);
    expect(p[2]![1]).toBeCloseTo(Math.exp(-1) / (2 + Math.exp(-1)), 15);
    expect(logSoftmax(Z).toArray()).toEqual((Z.toArray() as number[][]).map((row, i) => row.map((_, j) => Math.log(p[i]![j]!))).map((r) => r.map((v) => expect.closeTo(v, 12))));
  });
  it('log-softmax has gradient 1 - k·softmax summed over a column (Σ of one row of the Jacobian)', () => {
    const Z = fromArray([[0.5], [-1], [2]]);
    const [g] = grad((x: Tensor) => logSoftmax(x).sum())(Z);
    const p = softmax(Z).values();
    expect(Array.from(g.values())).toEqual(Array.from(p, (v) => expect.closeTo(1 - 3 * v, 14)));
  });
});
