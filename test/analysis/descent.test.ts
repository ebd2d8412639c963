import { describe, expect, it } from 'vitest';
import {
  costSurface,
  DEFAULT_DESCENT_DATA,
  DEFAULT_DESCENT_START,
  descentCost,
  descentPath,
  descentView,
  networkSurface,
  tinyNetwork,
  type DescentData,
  type DescentLoss,
} from '../../src/analysis/descent.js';
import { ArgumentError } from '../../src/core/errors.js';

// J(w, b) written out in plain JavaScript, independently of the tensor code.
// `stable` computes log σ(z) and log(1 - σ(z)) without cancellation, for finite differences.
function plainCost(d: DescentData, loss: DescentLoss, w: number, b: number, stable = false): number {
  const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
  let s = 0;
  d.x.forEach((x, i) => {
    const y = d.y[i] as number;
    const z = w * x + b;
    if (loss === 'squared') s += (z - y) ** 2 / 2;
    else if (stable) s += y * softplus(-z) + (1 - y) * softplus(z);
    else {
      const a = 1 / (1 + Math.exp(-z));
      s -= y * Math.log(a) + (1 - y) * Math.log(1 - a);
    }
  });
  return s / d.x.length;
}

function argumentError(run: () => unknown): ArgumentError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return e as ArgumentError;
  }
  throw new Error('expected an ArgumentError');
}

const mine: DescentData = { x: [0.5, -1.2, 2, 3.1], y: [1, 0, 0, 1] };

describe('J(w, b) and its gradient', () => {
  it('equals the plain formula, and its gradient equals central differences', () => {
    for (const loss of ['logistic', 'squared'] as const) {
      for (const [w, b] of [[0, 0], [-3, 3], [1.7, -0.4], [0.3, 2.2]] as const) {
        for (const d of [DEFAULT_DESCENT_DATA, mine]) {
          const g = descentCost(d, loss, w, b);
          expect(g.cost).toBeCloseTo(plainCost(d, loss, w, b), 13);
          const h = 1e-6;
          const J = (wi: number, bi: number): number => plainCost(d, loss, wi, bi, true);
          expect(g.dw).toBeCloseTo((J(w + h, b) - J(w - h, b)) / (2 * h), 7);
          expect(g.db).toBeCloseTo((J(w, b + h) - J(w, b - h)) / (2 * h), 7);
        }
      }
    }
  });
  it('at (0, 0): log 2 for the logistic loss; for the squared error Σy²/2m and -Σxy/m, -Σy/m', () => {
    expect(descentCost(DEFAULT_DESCENT_DATA, 'logistic', 0, 0).cost).toBeCloseTo(Math.LN2, 15);
    // Labels 1 at x = -1, 1, 3, 4, 5: Σy = 5, Σxy = 12, m = 10.
    const sq = descentCost(DEFAULT_DESCENT_DATA, 'squared', 0, 0);
    expect(sq.cost).toBeCloseTo(0.25, 15);
    expect(sq.dw).toBeCloseTo(-1.2, 15);
    expect(sq.db).toBeCloseTo(-0.5, 15);
  });
});

describe('descentPath', () => {
  it('gd: starts at the default start and takes w := w - α dJ/dw, b := b - α dJ/db', () => {
    const p = descentPath({ learningRate: 0.1, steps: 20 });
    expect(p.optimizer).toBe('gd');
    expect(p.diverged).toBe(false);
    expect(p.stoppedAt).toBeUndefined();
    expect(p.points).toHaveLength(21);
    expect(p.points[0]).toMatchObject({ step: 0, w: DEFAULT_DESCENT_START.w, b: DEFAULT_DESCENT_START.b });
    for (let k = 0; k < 20; k++) {
      const [a, n] = [p.points[k], p.points[k + 1]] as const;
      if (a === undefined || n === undefined) throw new Error('missing point');
      expect(n.step).toBe(k + 1);
      expect(n.w).toBe(a.w - 0.1 * a.dw);
      expect(n.b).toBe(a.b - 0.1 * a.db);
      const g = descentCost(DEFAULT_DESCENT_DATA, 'logistic', n.w, n.b);
      expect([n.cost, n.dw, n.db]).toEqual([g.cost, g.dw, g.db]);
    }
  });
  it('gd reaches the bowl’s bottom, where the gradient is zero', () => {
    const last = descentPath({ learningRate: 1, steps: 3000 }).points.at(-1);
    expect(last?.w).toBeCloseTo(0.6767057608554812, 10);
    expect(last?.b).toBeCloseTo(-0.3383528804277403, 10);
    expect(last?.cost).toBeCloseTo(0.43351114373346955, 12);
    expect(Math.abs(last?.dw ?? 1)).toBeLessThan(1e-12);
    const sq = descentPath({ learningRate: 0.05, steps: 5000, loss: 'squared' }).points.at(-1);
    // The least-squares line through the data: slope 19/165, intercept 73/165.
    expect(sq?.w).toBeCloseTo(19 / 165, 10);
    expect(sq?.b).toBeCloseTo(73 / 165, 10);
  });
  it('momentum: v = 0.9 v + 0.1 g, w := w - α v, by hand for three steps', () => {
    const p = descentPath({ learningRate: 0.2, steps: 3, optimizer: 'momentum', data: mine, loss: 'squared', start: { w: 1, b: -1 } });
    let [w, b, vw, vb] = [1, -1, 0, 0];
    for (let k = 0; k < 3; k++) {
      const g = descentCost(mine, 'squared', w, b);
      [vw, vb] = [0.9 * vw + 0.1 * g.dw, 0.9 * vb + 0.1 * g.db];
      [w, b] = [w - 0.2 * vw, b - 0.2 * vb];
      expect(p.points[k + 1]?.w).toBeCloseTo(w, 15);
      expect(p.points[k + 1]?.b).toBeCloseTo(b, 15);
    }
  });
  it('Adam: β1 0.9, β2 0.999, ε 1e-8, bias-corrected, by hand for four steps', () => {
    const lr = 0.3;
    const p = descentPath({ learningRate: lr, steps: 4, optimizer: 'adam' });
    const x: number[] = [DEFAULT_DESCENT_START.w, DEFAULT_DESCENT_START.b];
    const v: number[] = [0, 0];
    const s: number[] = [0, 0];
    for (let t = 1; t <= 4; t++) {
      const c = descentCost(DEFAULT_DESCENT_DATA, 'logistic', x[0] as number, x[1] as number);
      [c.dw, c.db].forEach((g, i) => {
        v[i] = 0.9 * (v[i] as number) + 0.1 * g;
        s[i] = 0.999 * (s[i] as number) + 0.001 * g * g;
        const vHat = (v[i] as number) / (1 - 0.9 ** t);
        const sHat = (s[i] as number) / (1 - 0.999 ** t);
        x[i] = (x[i] as number) - (lr * vHat) / (Math.sqrt(sHat) + 1e-8);
      });
      expect(p.points[t]?.w).toBeCloseTo(x[0] as number, 14);
      expect(p.points[t]?.b).toBeCloseTo(x[1] as number, 14);
    }
    // Adam's first step moves each coordinate by α against its gradient's sign.
    expect(p.points[1]?.w).toBeCloseTo(DEFAULT_DESCENT_START.w + lr, 6);
    expect(p.points[1]?.b).toBeCloseTo(DEFAULT_DESCENT_START.b - lr, 6);
  });
  it('stops at a cost that is not finite: α 10 on the logistic loss diverges at step 1', () => {
    const p = descentPath({ learningRate: 10, steps: 50 });
    expect(p.diverged).toBe(true);
    expect(p.stoppedAt).toBe(1);
    expect(p.points).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    const m = descentPath({ learningRate: 3, steps: 50, optimizer: 'momentum' });
    expect(m.diverged).toBe(true);
    expect(m.points.every((q) => Number.isFinite(q.cost))).toBe(true);
    expect(m.points).toHaveLength(m.stoppedAt ?? 0);
  });
  it('steps 0 gives the start alone', () => {
    const p = descentPath({ learningRate: 0.1, steps: 0, start: { w: 2, b: 1 } });
    expect(p.points).toEqual([{ step: 0, w: 2, b: 1, ...descentCost(DEFAULT_DESCENT_DATA, 'logistic', 2, 1) }]);
  });
  it('refuses bad options with an ArgumentError naming the option', () => {
    const cases: [() => unknown, string, string][] = [
      [() => descentPath({ learningRate: 0, steps: 5 }), 'learningRate', 'expected a positive number, got 0'],
      [() => descentPath({ learningRate: Number.NaN, steps: 5 }), 'learningRate', 'got NaN'],
      [() => descentPath({ learningRate: 0.1, steps: 1.5 }), 'steps', 'expected an integer from 0 to 100000, got 1.5'],
      [() => descentPath({ learningRate: 0.1, steps: 5, start: { w: Infinity, b: 0 } }), 'start.w', 'expected a finite number'],
      [() => descentPath({ learningRate: 0.1, steps: 5, data: { x: [1, 2], y: [1] } }), 'data', 'x has 2 values but y has 1'],
      [() => descentPath({ learningRate: 0.1, steps: 5, data: { x: [], y: [] } }), 'data', 'at least one point'],
      [() => descentPath({ learningRate: 0.1, steps: 5, data: { x: [1, 2], y: [1, 2] } }), 'data.y[1]', 'labels from 0 to 1, got 2'],
      [() => descentPath({ learningRate: 0.1, steps: 5, data: { x: [1, Number.NaN], y: [1, 0] } }), 'data.x[1]', 'got NaN'],
      [() => costSurface({ w: [1, -1], b: [0, 1], n: 5 }), 'w', 'low < high'],
      [() => costSurface({ w: [-1, 1], b: [0, 1], n: 1 }), 'n', 'from 2 to 401, got 1'],
      [() => networkSurface({ n: 5, seed: -1 }), 'seed', 'got -1'],
    ];
    for (const [run, argument, words] of cases) {
      const e = argumentError(run);
      expect(e.argument).toBe(argument);
      expect(e.message).toContain(words);
    }
    // Squared error takes any targets.
    expect(descentPath({ learningRate: 0.1, steps: 1, loss: 'squared', data: { x: [1, 2], y: [1, 2] } }).points).toHaveLength(2);
  });
});

describe('costSurface', () => {
  it('cost[i][j] = J(w[j], b[i]) on an evenly spaced grid, ends included', () => {
    for (const loss of ['logistic', 'squared'] as const) {
      const s = costSurface({ loss, data: mine, w: [-2, 3], b: [-1, 1], n: 11 });
      expect(s.w).toHaveLength(11);
      expect(s.w[0]).toBe(-2);
      expect(s.w[10]).toBe(3);
      expect(s.b[5]).toBeCloseTo(0, 15);
      expect(s.cost).toHaveLength(11);
      for (let i = 0; i < 11; i++) {
        for (let j = 0; j < 11; j++) expect(s.cost[i]?.[j]).toBeCloseTo(descentCost(mine, loss, s.w[j] as number, s.b[i] as number).cost, 13);
      }
    }
  });
  it('is a bowl: every second difference along w and along b is >= 0', () => {
    const s = costSurface({ w: [-4, 4], b: [-4, 4], n: 21 });
    const c = (i: number, j: number): number => s.cost[i]?.[j] as number;
    for (let i = 1; i < 20; i++) {
      for (let j = 1; j < 20; j++) {
        expect(c(i, j - 1) + c(i, j + 1) - 2 * c(i, j)).toBeGreaterThan(-1e-12);
        expect(c(i - 1, j) + c(i + 1, j) - 2 * c(i, j)).toBeGreaterThan(-1e-12);
      }
    }
  });
});

describe('descentView', () => {
  it('covers the start and the points inside its contour, with margin, and leaves a diverging path out', () => {
    const gd = descentPath({ learningRate: 0.05, steps: 50, loss: 'squared' });
    const away = descentPath({ learningRate: 0.3, steps: 50, loss: 'squared' });
    expect(away.points.at(-1)?.cost).toBeGreaterThan(1e20);
    const view = descentView([gd, away]);
    const ws = gd.points.map((p) => p.w);
    const bs = gd.points.map((p) => p.b);
    const [wlo, whi] = [Math.min(...ws), Math.max(...ws)];
    expect(view.w[0]).toBeCloseTo(wlo - 0.15 * (whi - wlo), 12);
    expect(view.w[1]).toBeCloseTo(whi + 0.15 * (whi - wlo), 12);
    expect(view.b[0]).toBeCloseTo(Math.min(...bs) - 0.15 * (Math.max(...bs) - Math.min(...bs)), 12);
    const tiny = descentView([descentPath({ learningRate: 0.001, steps: 1 })]);
    expect(tiny.w[1] - tiny.w[0]).toBeCloseTo(1, 12);
  });
});

describe('networkSurface: a 1-2-1 tanh network over two weights', () => {
  it('uses numpy RandomState(1).randn() draws for the fixed weights', () => {
    const n = tinyNetwork(1);
    expect(n.w1).toEqual([1.6243453636632417, -0.6117564136500754]);
    expect(n.c1).toEqual([-0.5281717522634557, -1.0729686221561705]);
    expect(n.c2).toBe(1.74481176421648);
  });
  it('cost[i][j] is the network’s cost with w1[0] = u[j] and v[0] = v[i], and it is not a bowl', () => {
    const s = networkSurface({ n: 21 });
    expect(s.names).toEqual(['w1[0]', 'v[0]']);
    expect(s.u[0]).toBe(-4);
    expect(s.v[20]).toBe(4);
    const net = s.network;
    const plain = (u: number, v: number): number => {
      let sum = 0;
      DEFAULT_DESCENT_DATA.x.forEach((x, k) => {
        const y = DEFAULT_DESCENT_DATA.y[k] as number;
        const z = v * Math.tanh(u * x + net.c1[0]) + net.v[1] * Math.tanh(net.w1[1] * x + net.c1[1]) + net.c2;
        const a = 1 / (1 + Math.exp(-z));
        sum -= y * Math.log(a) + (1 - y) * Math.log(1 - a);
      });
      return sum / DEFAULT_DESCENT_DATA.x.length;
    };
    for (const [i, j] of [[0, 0], [3, 17], [10, 10], [20, 4]] as const) expect(s.cost[i]?.[j]).toBeCloseTo(plain(s.u[j] as number, s.v[i] as number), 13);
    // v[0] = 0 cuts the first hidden unit off: that row is flat.
    expect(new Set(s.cost[10]).size).toBe(1);
    // Somewhere a second difference is negative: the surface is not convex.
    let worst = 0;
    for (let i = 0; i < 21; i++) for (let j = 1; j < 20; j++) worst = Math.min(worst, (s.cost[i]?.[j - 1] as number) + (s.cost[i]?.[j + 1] as number) - 2 * (s.cost[i]?.[j] as number));
    expect(worst).toBeLessThan(-0.01);
  });
});
