/**
 * A recorded training re-run for the trajectory (../analysis/trajectory.ts): training is
 * deterministic (seeded weights, shuffles and dropout masks), so the settings a model file
 * records, run again by the same `TrainingRun` on the same engine, retrace its path; the
 * parameters are kept every few steps. Browser-safe.
 */
import { tick } from '../analysis/landscape.js';
import type { Checkpoint, Replay } from '../analysis/trajectory.js';
import { ArgumentError } from '../core/errors.js';
import { isEngineName } from '../train/trainer.js';
import { TrainingRun, type RunData } from './run.js';
import type { RunSettings } from './settings.js';

/** What a model file records of its training (`LoadedModel.training` is one). */
export interface RecordedTraining {
  settings?: RunSettings | undefined;
  /** The step that trained it: the replay takes the same one. */
  engine?: string | undefined;
  /** Updates done, when the run stopped before its end. */
  iterationsDone?: number | undefined;
}


/** Milliseconds of training between turns of the event loop (progress bars, the page's messages). */
const SLICE_MS = 50;

/**
 * The replay of a recorded training on `data` (the training set and the preprocessing it
 * was trained with). Steps are iterations with full batches, epochs with mini-batches.
 * @example const checkpoints = await trainingReplay(loaded.training, { train, preprocessing }).run(100, () => {});
 */
export function trainingReplay(record: RecordedTraining, data: RunData): Replay {
  const recorded = record.settings;
  if (recorded === undefined) throw new ArgumentError('trajectory', 'model', 'the model records no training settings, so its training cannot be replayed for the trajectory');
  const settings = isEngineName(record.engine) ? { ...recorded, engine: record.engine } : recorded;
  const updates = record.iterationsDone ?? Infinity;
  return {
    steps: settings.epochs,
    async run(every, onStep) {
      if (!Number.isSafeInteger(every) || every <= 0) throw new ArgumentError('trajectory', 'every', `must be a positive integer, got ${every}`);
      const out: Checkpoint[] = [];
      const keep = (step: number): void => {
        // A span step forms its weights only when asked.
        run.trainer.step.sync();
        out.push({ step, values: run.model.parameters().map((p) => p.value) });
      };
      const run = new TrainingRun(data, settings, {
        onUpdate: (u) => {
          if (!u.lastBatch) return;
          const done = u.epoch + 1;
          if (done % every === 0 || done === settings.epochs) keep(done);
          onStep(done);
        },
      });
      keep(0);
      const stop = (): boolean => run.trainer.iterations >= updates;
      for (let t0 = performance.now(); !run.advance(() => stop() || performance.now() - t0 > SLICE_MS) && !stop(); t0 = performance.now()) await tick();
      if (out.at(-1)?.step !== run.trainer.epochs) keep(run.trainer.epochs);
      return out;
    },
  };
}
