/**
 * The loss landscape on the page, computed by the CLI's own `computeLandscape`
 * (src/analysis/landscape.ts: the same grid, seed, filter-normalised directions and losses as
 * `tsgrad landscape`), with an evaluator that yields to the worker's message loop between
 * jobs, so progress is reported and a new command can stop it.
 */
import { computeLandscape, evaluateJob, tick, type Landscape, type LossEvaluator, type LossSet, type TrainedModel } from '../../src/analysis/landscape.js';

/** Thrown inside the evaluator when the landscape was stopped (training started, data or model changed). @example if (e instanceof Cancelled) say('stopped') */
export class Cancelled extends Error {
  constructor() {
    super('stopped');
    this.name = 'Cancelled';
  }
}

const YIELD_MS = 30;

/**
 * Evaluates the jobs in order in this thread, as the CLI's `localEvaluator` does, yielding
 * every ~30 ms; throws Cancelled as soon as `cancelled()` says so.
 * @example await computeLandscape(trained, train, test, opts, pageEvaluator(() => false));
 */
export function pageEvaluator(cancelled: () => boolean): LossEvaluator {
  return {
    async evaluate(jobs, context, onDone) {
      const out: number[] = [];
      let last = performance.now();
      for (const job of jobs) {
        if (cancelled()) throw new Cancelled();
        out.push(evaluateJob(context, job));
        onDone(1);
        if (performance.now() - last > YIELD_MS) {
          await tick();
          last = performance.now();
        }
      }
      return out;
    },
  };
}

/**
 * `tsgrad landscape`'s computation with its defaults (α from -0.5 to 1.5 in 41 points, a
 * `grid` x `grid` surface over [-1, 1]², direction seed 0, biases without a direction).
 * @example const l = await pageLandscape({ model, settings }, train, test, 21, (d, t) => show(d / t), () => false);
 */
export function pageLandscape(trained: TrainedModel, train: LossSet, test: LossSet, grid: number, onProgress: (done: number, total: number) => void, cancelled: () => boolean): Promise<Landscape> {
  return computeLandscape(trained, train, test, { gridSize: grid, onProgress }, pageEvaluator(cancelled));
}
