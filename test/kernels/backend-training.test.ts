// The reference figures on every kernel backend: test/app/run.test.ts's single-neuron and
// course cases run again with blas, wasm and js forced in turn (each suite names its backend).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunData, type LoadedData } from '../../src/app/data.js';
import { L_LAYER, NEURON, TWO_LAYER, type RunSettings } from '../../src/app/settings.js';
import { setBackend, type BackendName } from '../../src/kernels/backend.js';
import { maxRel, trainRun } from '../app/helpers.js';
import { probeBlas } from '../../src/kernels/blas-node.js';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../nn/fixtures/course_dnn.json', import.meta.url));
interface CourseRun { costs: { iteration: number; cost: number }[] }
const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { two_layer: CourseRun; L_layer: CourseRun };
const REFERENCE = '0.693147 0.584508 0.466949 0.376007 0.331463 0.303273 0.279880 0.260042 0.242941 0.228004 0.214820 0.203078 0.192544 0.183033 0.174399 0.166521 0.159305 0.152667 0.146542 0.140872';
const BACKENDS: BackendName[] = probeBlas().kernels === null ? ['wasm', 'js'] : ['blas', 'wasm', 'js'];

let data: LoadedData;
beforeAll(async () => {
  data = await loadRunData({ data: SHARED });
});
afterAll(() => {
  setBackend(undefined);
});

const train = (s: RunSettings) => trainRun(data, s);

describe.each(BACKENDS)('the reference figures on the %s backend', (backend) => {
  beforeAll(() => {
    expect(setBackend(backend).name).toBe(backend);
  });

  it("the notes' single neuron: the 20 reference costs to 6 decimals, 99.04306220095694 % / 70 %", () => {
    const r = train(NEURON);
    expect(r.records.map((c) => c.cost.toFixed(6)).join(' ')).toBe(REFERENCE);
    expect([r.trainAccuracy, r.testAccuracy]).toEqual([99.04306220095694, 70]);
  });

  it('the single neuron: autodiff and course steps agree with the span step to 1e-12 over 301 iterations', () => {
    const costs = (['span', 'autodiff', 'course'] as const).map((engine) => train({ ...NEURON, engine, epochs: 301 }).records.map((c) => c.cost));
    expect(maxRel(costs[1] ?? [], costs[0] ?? [])).toBeLessThan(1e-12);
    expect(maxRel(costs[2] ?? [], costs[0] ?? [])).toBeLessThan(1e-12);
  });

  const deep = [
    { name: 'the 2-layer model (12288, 7, 1)', s: TWO_LAYER, ref: fixture.two_layer },
    { name: 'the L-layer model [12288, 20, 7, 5, 1]', s: L_LAYER, ref: fixture.L_layer },
  ];
  for (const { name, s, ref } of deep) {
    for (const engine of ['autodiff', 'course'] as const) {
      // Every case on blas; test/app/run.test.ts runs them all on wasm already (vitest imports
      // src/ without the Node entry, so wasm is its backend), and the plain loops take about
      // 0.3 s an L-layer iteration: wasm and js run the 2-layer model's autodiff step here.
      const run = backend === 'blas' || (engine === 'autodiff' && s === TWO_LAYER);
      it.runIf(run)(`${name}, ${engine} step: 101 iterations print numpy's costs to 1e-8`, () => {
        const r = train({ ...s, engine, epochs: 101 });
        const want = ref.costs.filter((c) => c.iteration < 101);
        expect(want.length).toBe(2);
        want.forEach((c) => expect(Math.abs((r.records.find((q) => q.index === c.iteration)?.cost as number) - c.cost)).toBeLessThan(1e-8));
      }, 600_000);
    }
  }
});
