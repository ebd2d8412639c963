/**
 * Running training so that it can be stopped. A JavaScript loop that never returns to the
 * event loop never lets a signal handler run, so training runs in slices: `advance(pause)`
 * runs iterations until `pause()` says the slice is over (about 50 ms), the driver yields to
 * the event loop (where SIGINT/SIGTERM handlers run), and continues unless a stop was asked
 * for. Pausing only happens between iterations and the state carries over exactly, so a run
 * in slices, or stopped and resumed, gives the same bits as one run straight through.
 *
 * @example
 * const finished = await runInSlices(run, () => stopRequested);
 */

/** Something that trains in slices: `advance` returns true once finished (done or diverged). */
export interface Sliced {
  advance(pause?: () => boolean): boolean;
}

/** Why a training run ended. */
export type RunEnd = 'done' | 'diverged' | 'stopped';

/** How long a slice runs before yielding to the event loop, in milliseconds. */
export const SLICE_MS = 50;

/**
 * Runs `run` to the end in slices of about `sliceMs`, yielding to the event loop between
 * slices; returns false when `stop()` turned true (the run then stands at the end of an
 * iteration, ready for a checkpoint), true when the run finished.
 * @example if (!(await runInSlices(run, () => signals.requested !== undefined))) await saveCheckpoint(run);
 */
export async function runInSlices(run: Sliced, stop: () => boolean, sliceMs = SLICE_MS): Promise<boolean> {
  // Reading the clock costs about as much as a fast engine's iteration (microseconds): it is
  // read every `every` iterations, doubled while reads come less than 1 ms apart.
  let every = 1;
  let calls = 0;
  let last = performance.now();
  let end = 0;
  const pause = (): boolean => {
    if (++calls < every) return false;
    calls = 0;
    const now = performance.now();
    if (now - last < 1) every *= 2;
    last = now;
    return now >= end;
  };
  for (;;) {
    end = performance.now() + sliceMs;
    if (run.advance(pause)) return true;
    // setImmediate runs after the poll phase, where pending signals are delivered.
    await new Promise((resolve) => setImmediate(resolve));
    if (stop()) return false;
  }
}

/**
 * The one-line advice for a diverged run. @example divergenceAdvice(50) // 'try a smaller --learning-rate than 50, e.g. 5'
 */
export function divergenceAdvice(learningRate: number): string {
  return `try a smaller --learning-rate than ${learningRate}, e.g. ${Number((learningRate / 10).toPrecision(3))}`;
}
