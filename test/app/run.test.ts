// One training loop, three step strategies: the course's numbers (numpy fixtures), the
// strategies held together, divergence with its roll-back, and resuming bit for bit.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, type LoadedData } from '../../src/app/data.js';
import { TrainingRun } from '../../src/app/run.js';
import { L_LAYER, mlpLayers, NEURON, TWO_LAYER, type RunSettings } from '../../src/app/settings.js';
import { restoreCheckpoint, storeCheckpoint } from '../../src/io/checkpoint.js';
import { parseArch } from '../../src/nn/registry.js';
import { maxRel, trainRun } from './helpers.js';
import type { EngineName } from '../../src/train/trainer.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
// Written by test/nn/fixtures/course_dnn.py: the course's models and optimisers in numpy.
const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));
const SLOW = process.env['TSGRAD_SLOW'] === '1';

interface CourseRun { layers: number[]; costs: { iteration: number; cost: number }[]; train: { percent: number }; test: { percent: number } }
interface Variant {
  name: string; layers: number[]; hidden?: 'relu' | 'tanh' | 'leaky-relu' | 'sigmoid'; output?: 'sigmoid' | 'softmax'; init: string; seed?: number;
  learning_rate: number; epochs: number; batch_size?: number; optimizer?: RunSettings['optimizer']; beta?: number; beta2?: number;
  l2?: number; keep_prob?: number; dropout_seed?: number; decay?: number; decay_interval?: number; costs: number[]; epochCosts: number[];
}
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { two_layer: CourseRun; L_layer: CourseRun; variants: Variant[] };

let data: LoadedData;
beforeAll(async () => {
  data = await loadRunData({ data: SHARED });
});

const REFERENCE = '0.693147 0.584508 0.466949 0.376007 0.331463 0.303273 0.279880 0.260042 0.242941 0.228004 0.214820 0.203078 0.192544 0.183033 0.174399 0.166521 0.159305 0.152667 0.146542 0.140872';

const train = (s: RunSettings) => trainRun(data, s);


describe("the notes' single neuron on every step", () => {
  for (const engine of ['span', 'autodiff', 'course'] as const) {
    it.runIf(engine === 'span' || SLOW)(`${engine}: the 20 reference costs to 6 decimals, 99.04306220095694 % / 70 %`, () => {
      const r = train({ ...NEURON, engine });
      expect(r.engine.engine).toBe(engine);
      expect(r.records.map((c) => c.cost.toFixed(6)).join(' ')).toBe(REFERENCE);
      expect(r.trainAccuracy).toBe(99.04306220095694);
      expect(r.testAccuracy).toBe(70);
    }, 600_000);
  }
  it('every step: the first 301 iterations agree to 1e-12 relative (float64) and 1e-6 (float32)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const costs = (['span', 'autodiff', 'course'] as const).map((engine) => train({ ...NEURON, engine, dtype, epochs: 301 }).records.map((c) => c.cost));
      expect(maxRel(costs[1] ?? [], costs[0] ?? [])).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
      expect(maxRel(costs[2] ?? [], costs[0] ?? [])).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
    }
  }, 600_000);
});

describe("the course's deep networks against numpy (seed 1, lr 0.0075)", () => {
  const runs = [
    { name: 'the 2-layer model (12288, 7, 1)', s: TWO_LAYER, ref: fixture.two_layer, acc: [100, 72] },
    { name: 'the L-layer model [12288, 20, 7, 5, 1]', s: L_LAYER, ref: fixture.L_layer, acc: [98.56459330143541, 80] },
  ];
  for (const { name, s, ref, acc } of runs) {
    it(`${name}, span step: 2500 iterations print numpy's 26 costs to 1e-8 and its accuracies`, () => {
      const r = train(s);
      expect(r.engine.engine).toBe('span');
      expect(r.records.map((c) => c.index)).toEqual(ref.costs.map((c) => c.iteration));
      r.records.forEach((c, i) => expect(Math.abs(c.cost - (ref.costs[i]?.cost as number))).toBeLessThan(1e-8));
      expect([r.trainAccuracy, r.testAccuracy]).toEqual(acc);
    }, 600_000);
    for (const engine of ['autodiff', 'course'] as const) {
      it(`${name}, ${engine} step: ${SLOW ? 2500 : 101} iterations print numpy's costs to 1e-8`, () => {
        const n = SLOW ? 2500 : 101;
        const r = train({ ...s, engine, epochs: n });
        const want = ref.costs.filter((c) => c.iteration < n);
        expect(r.records.filter((c) => c.index % 100 === 0 || c.index === 2499).map((c) => c.index)).toEqual(want.map((c) => c.iteration));
        want.forEach((c) => expect(Math.abs((r.records.find((q) => q.index === c.iteration)?.cost as number) - c.cost)).toBeLessThan(1e-8));
      }, 3_600_000);
    }
  }
});

function variantSettings(v: Variant): RunSettings {
  const layers = mlpLayers(v.layers.slice(1), v.hidden ?? 'relu', 1 - (v.keep_prob ?? 1));
  if (v.output === 'softmax') layers[layers.length - 1] = { kind: 'softmax' };
  return {
    ...L_LAYER, layers, init: v.init, seed: v.seed ?? 1, learningRate: v.learning_rate, epochs: v.epochs, optimizer: v.optimizer ?? 'gd',
    ...(v.batch_size !== undefined ? { batchSize: v.batch_size } : {}),
    ...(v.beta !== undefined ? { beta: v.beta } : {}), ...(v.beta2 !== undefined ? { beta2: v.beta2 } : {}),
    l2: v.l2 ?? 0, dropoutSeed: v.dropout_seed ?? 1, printEvery: 1,
    ...(v.decay !== undefined ? { decay: { rate: v.decay, interval: v.decay_interval ?? 1 } } : {}),
  };
}

describe("the course's optimisers and regularisation against numpy (short runs)", () => {
  for (const v of fixture.variants) {
    it(v.name, () => {
      const s = variantSettings(v);
      for (const engine of ['autodiff', 'auto'] as const) {
        const r = train({ ...s, engine });
        const want = v.batch_size === undefined ? v.costs : v.epochCosts;
        expect(r.records.length).toBe(want.length);
        r.records.forEach((c, i) => expect(Math.abs(c.cost - (want[i] as number))).toBeLessThan(1e-8));
      }
    }, 600_000);
  }
});

describe('the span step and autodiff hold together', () => {
  const cases: [string, RunSettings][] = [
    ['momentum, mini-batches of 64, dropout, L2 and decay', { ...L_LAYER, layers: mlpLayers([5, 3, 1], 'relu', 0.2), optimizer: 'momentum', learningRate: 0.01, batchSize: 64, epochs: 6, l2: 0.3, decay: { rate: 0.5, interval: 2 }, printEvery: 1 }],
    ['softmax over the two classes, the stable loss, tanh', { ...L_LAYER, layers: mlpLayers([4, 2], 'tanh'), init: 'he', learningRate: 0.05, epochs: 40, printEvery: 5 }],
    ['the logits loss of a sigmoid output', { ...TWO_LAYER, loss: 'logits', epochs: 30, printEvery: 3 }],
  ];
  for (const [name, s] of cases) {
    it(name, () => {
      const span = train({ ...s, engine: 'span' });
      const auto = train({ ...s, engine: 'autodiff' });
      expect(span.engine.engine).toBe('span');
      expect(maxRel(span.records.map((c) => c.cost), auto.records.map((c) => c.cost))).toBeLessThan(1e-11);
      const [a, b] = [span.model.parameters(), auto.model.parameters()];
      a.forEach((p, i) => {
        const x = p.value.values();
        const y = b[i]?.value.values() ?? [];
        const scale = Math.max(...Array.from(y, Math.abs));
        expect(Math.max(...Array.from(x, (v, k) => Math.abs(v - (y[k] as number)))) / scale).toBeLessThan(1e-9);
      });
    }, 600_000);
  }
  it('adam and rmsprop train with autodiff; asked for span they say why', () => {
    const r = new TrainingRun(data, { ...TWO_LAYER, optimizer: 'adam', engine: 'span', epochs: 1 });
    expect(r.engine.engine).toBe('autodiff');
    expect(r.engine.note).toMatch(/adam is not linear in the gradient/);
    expect(new TrainingRun(data, { ...TWO_LAYER, optimizer: 'rmsprop', epochs: 1 }).engine).toEqual({ engine: 'autodiff' });
  });
});

describe('divergence: the first cost that is not finite stops the run with the parameters of the one before', () => {
  const runs: [EngineName, RunSettings][] = [
    ['span', { ...NEURON, learningRate: 50, epochs: 40, printEvery: 1 }],
    ['course', { ...NEURON, learningRate: 50, epochs: 40, printEvery: 1 }],
    ['autodiff', { ...NEURON, learningRate: 50, epochs: 40, printEvery: 1 }],
    ['span', { ...TWO_LAYER, init: 'he', learningRate: 40, epochs: 40, printEvery: 1 }],
    ['autodiff', { ...TWO_LAYER, init: 'he', learningRate: 40, batchSize: 209, epochs: 40, printEvery: 1 }],
  ];
  for (const [engine, s] of runs) {
    it(`${engine} step, ${s.layers.length > 3 ? 'a deep network' : 'the single neuron'}${s.batchSize ? ', mini-batches' : ''}`, () => {
      const r = train({ ...s, engine });
      const d = r.diverged;
      expect(d).toBeDefined();
      if (d === undefined) return;
      expect(Number.isFinite(d.cost)).toBe(false);
      expect(d.kept).toBe(d.iteration - 1);
      // The kept parameters are those an unbroken run has after `kept` updates.
      const perEpoch = s.batchSize === undefined ? 1 : Math.ceil(209 / s.batchSize);
      expect(d.kept % perEpoch).toBe(0);
      const before = d.kept === 0 ? new TrainingRun(data, { ...s, engine }).model : train({ ...s, engine, epochs: d.kept / perEpoch }).model;
      expect(r.model.parameters().map((p) => Array.from(p.value.values()))).toEqual(before.parameters().map((p) => Array.from(p.value.values())));
    }, 600_000);
  }
});

describe('stopped, stored, restored and resumed: bit for bit', () => {
  const runs: [EngineName, RunSettings][] = [
    ['span', { ...NEURON, epochs: 300 }],
    ['course', { ...NEURON, epochs: 120, dtype: 'float32' }],
    ['autodiff', { ...TWO_LAYER, optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 3, layers: mlpLayers([7, 1], 'relu', 0.1), printEvery: 1 }],
    ['span', { ...L_LAYER, optimizer: 'momentum', batchSize: 50, epochs: 4, l2: 0.2, layers: mlpLayers([5, 3, 1], 'relu', 0.2), printEvery: 1 }],
    ['course', { ...L_LAYER, epochs: 20, printEvery: 5 }],
    ['autodiff', { ...TWO_LAYER, optimizer: 'adam', learningRate: 0.01, batchSize: 64, epochs: 2, init: 'he', printEvery: 1, layers: parseArch('conv:4:3:same:2,batchnorm,relu,maxpool:4:4,dropout:0.1,flatten,dense:2,softmax') }],
  ];
  for (const [engine, s] of runs) {
    it(`${engine} step: ${s.optimizer}${s.batchSize ? ', mini-batches' : ''}`, () => {
      const whole = train({ ...s, engine });
      const first = new TrainingRun(data, { ...s, engine });
      let updates = 0;
      first.advance(() => ++updates === 7);
      const stored = JSON.parse(JSON.stringify(storeCheckpoint(first.checkpoint(), data))) as Record<string, unknown>;
      const ck = restoreCheckpoint('(memory)', stored, first.trainer.costs);
      const second = new TrainingRun(data, ck.settings, { resume: ck });
      second.advance();
      const r = second.result();
      expect(r.records).toEqual(whole.records);
      expect(r.model.parameters().map((p) => Array.from(p.value.values()))).toEqual(whole.model.parameters().map((p) => Array.from(p.value.values())));
      // A CNN's batch-norm moving averages resume too.
      expect(r.model.buffers().map((b) => Array.from(b.value.values()))).toEqual(whole.model.buffers().map((b) => Array.from(b.value.values())));
    }, 600_000);
  }
});
