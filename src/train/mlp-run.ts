/**
 * A deep network's training as a run that can be stopped and resumed (see ./control.ts):
 * `trainMlp` step for step, on `FitRun`, so SIGINT/SIGTERM stop it at the end of an update,
 * a checkpoint holds the exact state (parameters, optimiser moments and step count, the
 * epoch and batch, the dropout generator; shuffles are re-made from their seeds), and a
 * resumed run prints the same costs and ends with the same bits as an unbroken one.
 *
 * Both engines run in slices: the plain one (`FitRun`, autodiff through every layer) and the
 * fast one (`FitGramRun`, the first layer in span form W1 = s·W1_0 + C Xᵀ, whose checkpoint
 * holds s and C: W1_0 is re-made from the run's initialiser and seed). A checkpoint resumes
 * on the engine that wrote it.
 *
 * @example
 * const run = new MlpRun(data, settings, onCost);
 * const finished = await runInSlices(run, () => stopRequested);
 */
import { ModelFileError } from '../core/errors.js';
import type { RandomStateSnapshot } from '../core/rng.js';
import type { Tensor } from '../tensor/index.js';
import type { OptimizerState } from '../optim/index.js';
import type { Sliced } from './control.js';
import type { CatData } from './dataset.js';
import { FitRun, type FitState } from './fit.js';
import { FitGramRun, type GramFitState } from './fit-gram.js';
import { evaluateNet, prepareMlp, targetsFor, type MlpResult, type MlpSettings, type PrintedCost } from './mlp.js';
import { mlpFromDocument, restoreTensor, storeTensor } from './model-document.js';

/** A deep network's checkpoint: the loop's exact state and the costs printed so far. */
export interface MlpCheckpoint {
  settings: MlpSettings;
  /** The engine whose state this is. */
  engine: 'plain' | 'fast';
  /** The loop's state; the fast engine's adds the span form (s, C) of W1. */
  fit: FitState | GramFitState;
  costs: PrintedCost[];
  /** The parameter values (the model's `parameters()` order; the fast engine ignores W1, re-made from the seed). */
  values: Tensor[];
}

/** A deep-network run in slices; `trainMlp` with pause, checkpoint and resume. */
export class MlpRun implements Sliced {
  readonly prepared: ReturnType<typeof prepareMlp>;
  private readonly run: FitRun | FitGramRun;
  private readonly costs: PrintedCost[] = [];
  private readonly record: (c: PrintedCost) => void;

  constructor(
    private readonly data: CatData,
    readonly settings: MlpSettings,
    onCost?: (c: PrintedCost) => void,
    resume?: MlpCheckpoint,
  ) {
    const s = settings;
    this.prepared = prepareMlp(data, resume !== undefined ? { ...s, engine: resume.engine } : s);
    if (resume !== undefined && this.prepared.engine.engine !== resume.engine) {
      throw new ModelFileError('(checkpoint)', 'checkpoint.engine', `the ${resume.engine} engine cannot resume this run: ${this.prepared.engine.note ?? ''}`);
    }
    const { net, fitOptions } = this.prepared;
    this.record = (c) => {
      this.costs.push(c);
      onCost?.(c);
    };
    if (resume !== undefined) {
      this.costs.push(...resume.costs);
      const params = net.parameters();
      if (resume.values.length !== params.length) throw new ModelFileError('(checkpoint)', 'parameters', `expected ${params.length} tensors, got ${resume.values.length}`);
      // The fast engine's W1 stays the initial W1_0 its span form is built on.
      params.forEach((p, i) => {
        if (i > 0 || resume.engine === 'plain') p.value = resume.values[i] as Tensor;
      });
    }
    const last = s.epochs - 1;
    const shown = (i: number): boolean => i % s.printEvery === 0 || i === last;
    const callbacks = s.batchSize === undefined
      ? { onIteration: (it: { iteration: number; cost: number }) => void (shown(it.iteration) && this.record({ unit: 'iteration', index: it.iteration, cost: it.cost })) }
      : { onEpoch: (ep: { epoch: number; cost: number }) => void (shown(ep.epoch) && this.record({ unit: 'epoch', index: ep.epoch, cost: ep.cost })) };
    this.fitOptions = { ...fitOptions, ...callbacks };
    const from = resume !== undefined ? { resume: resume.fit } : {};
    if (this.prepared.engine.engine === 'plain') this.run = new FitRun(net, this.fitData(), { ...this.fitOptions, ...from });
    else if (resume === undefined || 'C' in resume.fit) this.run = new FitGramRun(net, this.fitData(), { ...this.fitOptions, ...(resume !== undefined ? { resume: resume.fit as GramFitState } : {}) });
    else throw new ModelFileError('(checkpoint)', 'checkpoint.C', 'the fast engine needs the span form (scale, C) of W1');
  }

  private readonly fitOptions: ReturnType<typeof prepareMlp>['fitOptions'];

  private fitData(): { X: Tensor; Y: Tensor } {
    return { X: this.data.trainX, Y: targetsFor(this.prepared.net, this.data.trainY) };
  }

  /** Trains until finished, or until `pause()` is true after an update; true when finished. */
  advance(pause?: () => boolean): boolean {
    return this.run.advance(pause);
  }

  /** The exact state now. */
  checkpoint(): MlpCheckpoint {
    const engine = this.prepared.engine.engine;
    const fit = this.run.state();
    // The network's W1 formed from the span form, for the model file's parameters.
    this.run.result();
    return { settings: { ...this.settings, engine }, engine, fit, costs: [...this.costs], values: this.prepared.net.parameters().map((p) => p.value) };
  }

  /** The network now, its costs and its scores on both sets. */
  result(): MlpResult {
    const { net, classes, engine } = this.prepared;
    const r = this.run.result();
    const onTrain = evaluateNet(net, this.data.trainX, this.data.trainY);
    const onTest = evaluateNet(net, this.data.testX, this.data.testY);
    return {
      settings: this.settings, net, classes, costs: [...this.costs], fit: r, trainAccuracy: onTrain.accuracy, testAccuracy: onTest.accuracy, train: onTrain, test: onTest, trainingSeconds: r.seconds, engine,
    };
  }
}

/** A deep network's checkpoint as stored in its model file (the parameters are the file's own). @example storeMlpCheckpoint(run.checkpoint(), dataRecord(data)) */
export function storeMlpCheckpoint(c: MlpCheckpoint, data: Record<string, unknown>): Record<string, unknown> {
  const f = c.fit;
  const slots: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f.optimizer.slots)) slots[k] = v.map(storeTensor);
  const span = 'C' in f ? { scale: f.scale, C: storeTensor(f.C), ...(f.previousSpan !== undefined ? { previousSpan: { scale: f.previousSpan.scale, C: storeTensor(f.previousSpan.C) } } : {}) } : {};
  return {
    engine: c.engine,
    settings: c.settings,
    ...span,
    epoch: f.epoch,
    batch: f.batch,
    iteration: f.iteration,
    epochTotal: f.epochTotal,
    costs: f.costs,
    epochCosts: f.epochCosts,
    optimizer: { name: f.optimizer.name, steps: f.optimizer.steps, learningRate: f.optimizer.learningRate, slots },
    dropoutRng: f.dropoutRng,
    ...(f.previous !== undefined ? { previous: f.previous.map(storeTensor) } : {}),
    data,
  };
}

const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * A deep network's checkpoint from its model file's document (the `checkpoint` field and the
 * parameters), checked field by field.
 * @example const ck = mlpCheckpointFromDocument('deep.json', doc); new MlpRun(data, ck.settings, onCost, ck);
 */
export function mlpCheckpointFromDocument(file: string, doc: Record<string, unknown>): MlpCheckpoint {
  const bad = (field: string, what: string): ModelFileError => new ModelFileError(file, `checkpoint.${field}`, `expected ${what}`);
  const c = doc['checkpoint'] as Record<string, unknown>;
  const { net } = mlpFromDocument(file, doc);
  const settings = c['settings'] as MlpSettings | undefined;
  if (typeof settings !== 'object' || settings === null || !Array.isArray(settings.layers)) throw bad('settings', 'the run\'s settings');
  for (const k of ['epoch', 'batch', 'iteration'] as const) {
    if (!Number.isSafeInteger(c[k]) || (c[k] as number) < 0) throw bad(k, 'an integer >= 0');
  }
  if (typeof c['epochTotal'] !== 'number' || !Number.isFinite(c['epochTotal'])) throw bad('epochTotal', 'a finite number');
  if (!isNumberList(c['costs'])) throw bad('costs', 'a list of finite numbers');
  if (!isNumberList(c['epochCosts'])) throw bad('epochCosts', 'a list of finite numbers');
  const o = c['optimizer'] as Record<string, unknown> | undefined;
  if (typeof o?.['name'] !== 'string' || !Number.isSafeInteger(o['steps']) || typeof o['learningRate'] !== 'number' || typeof o['slots'] !== 'object' || o['slots'] === null) {
    throw bad('optimizer', '{name, steps, learningRate, slots}');
  }
  const slots: Record<string, Tensor[]> = {};
  for (const [k, v] of Object.entries(o['slots'] as Record<string, unknown>)) {
    if (!Array.isArray(v)) throw bad(`optimizer.slots.${k}`, 'a list of stored tensors');
    slots[k] = v.map((t, i) => restoreTensor(file, `checkpoint.optimizer.slots.${k}[${i}]`, t));
  }
  const rng = c['dropoutRng'] as RandomStateSnapshot | undefined;
  if (typeof rng !== 'object' || rng === null || !Array.isArray(rng.key)) throw bad('dropoutRng', 'a generator state {key, pos, hasGauss, gauss}');
  const prev = c['previous'];
  if (prev !== undefined && !Array.isArray(prev)) throw bad('previous', 'a list of stored tensors');
  const costs = ((doc['training'] as Record<string, unknown> | undefined)?.['costs'] ?? []) as Record<string, unknown>[];
  if (!Array.isArray(costs)) throw new ModelFileError(file, 'training.costs', 'expected a list');
  const printed: PrintedCost[] = costs.map((r, i) => {
    const unit = 'epoch' in r ? 'epoch' : 'iteration';
    const index = r[unit];
    const cost = r['cost'];
    if (!Number.isSafeInteger(index) || typeof cost !== 'number') throw new ModelFileError(file, `training.costs[${i}]`, `expected {${unit}: integer, cost: number}`);
    return { unit, index: index as number, cost };
  });
  const engine = c['engine'];
  if (engine !== 'plain' && engine !== 'fast') throw bad('engine', '"plain" or "fast"');
  let span: Pick<GramFitState, 'scale' | 'C' | 'previousSpan'> | undefined;
  if (engine === 'fast') {
    if (typeof c['scale'] !== 'number' || !Number.isFinite(c['scale'])) throw bad('scale', 'a finite number');
    const ps = c['previousSpan'] as Record<string, unknown> | undefined;
    if (ps !== undefined && (typeof ps !== 'object' || ps === null || typeof ps['scale'] !== 'number' || !Number.isFinite(ps['scale']))) throw bad('previousSpan', '{scale, C} with a finite scale');
    span = {
      scale: c['scale'],
      C: restoreTensor(file, 'checkpoint.C', c['C']),
      ...(ps !== undefined ? { previousSpan: { scale: ps['scale'] as number, C: restoreTensor(file, 'checkpoint.previousSpan.C', ps['C']) } } : {}),
    };
  }
  const fit: FitState | GramFitState = {
    ...span,
    epoch: c['epoch'] as number,
    batch: c['batch'] as number,
    iteration: c['iteration'] as number,
    epochTotal: c['epochTotal'],
    costs: c['costs'],
    epochCosts: c['epochCosts'],
    optimizer: { name: o['name'] as OptimizerState['name'], steps: o['steps'] as number, learningRate: o['learningRate'], slots },
    dropoutRng: rng,
    ...(Array.isArray(prev) ? { previous: prev.map((t, i) => restoreTensor(file, `checkpoint.previous[${i}]`, t)) } : {}),
  };
  return { settings, engine, fit, costs: printed, values: net.parameters().map((p) => p.value) };
}
