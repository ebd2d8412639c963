// The notes' two worked graphs: every figure of the issue, to 1e-12.
import { describe, expect, it } from 'vitest';
import { backward, gradCheck } from '../../src/autograd/index.js';
import { jFunction, jGraph, jNudge, neuronGraph, neuronLoss } from '../../src/autograd/examples.js';
import { fromArray, scalar, type Tensor } from '../../src/tensor/index.js';

function close(actual: unknown, expected: number | number[]): void {
  const a = (Array.isArray(actual) ? actual : [actual]) as number[];
  const e = Array.isArray(expected) ? expected : [expected];
  expect(a).toHaveLength(e.length);
  a.forEach((x, i) => expect(Math.abs(x - (e[i] as number))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e[i] as number))));
}

describe('J = 3(a + b·c)', () => {
  it('has the notes\' values and gradients', () => {
    const g = jGraph();
    backward(g.J, undefined, { retainGrads: true });
    const values = { a: 7, b: 4, c: 2, u: 8, v: 15, J: 45 };
    const grads = { a: 3, b: 6, c: 12, u: 3, v: 3, J: 1 };
    for (const k of Object.keys(values) as (keyof typeof values)[]) {
      close(g[k].item(), values[k]);
      close(g[k].grad?.item(), grads[k]);
    }
  });
  it("reproduces the notes' numeric check: v 15 → 15.001 moves J 45 → 45.003", () => {
    const n = jNudge(jGraph());
    close(n.vNudged, 15.001);
    close(n.JNudged, 45.003);
    expect(Math.abs(n.slope - 3)).toBeLessThan(1e-9);
  });
  it('passes the gradient check', () => {
    expect(gradCheck(jFunction, [scalar(7), scalar(4), scalar(2)]).passed).toBe(true);
  });
});

describe('the single neuron w = [2, -3, -3], x = [-1, -2], y = 1', () => {
  it("has the issue's figures", () => {
    const g = neuronGraph();
    backward(g.L, undefined, { retainGrads: true });
    close(g.z.item(), 1);
    close(g.a.item(), 0.7310585786300049);
    close(g.z.grad?.item(), -0.2689414213699951);
    close(g.x.grad?.toArray(), [-0.5378828427399902, 0.8068242641099853]);
    close(g.w.grad?.toArray(), [0.2689414213699951, 0.5378828427399902, -0.2689414213699951]);
    close(g.a.item() - 1, g.z.grad?.item() as number); // dz = a - y
  });
  it('passes the gradient check', () => {
    const f = (w: Tensor, x: Tensor): Tensor => neuronLoss(w, x, scalar(1));
    expect(gradCheck(f, [fromArray([2, -3, -3]), fromArray([-1, -2])]).passed).toBe(true);
  });
});
