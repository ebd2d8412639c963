/**
 * Training in slices: the driver yields to the event loop between slices, so a stop asked
 * for by a timer (as a signal handler would) is seen at the end of an iteration, and a run
 * never asked to stop ends exactly as one run straight through.
 */
import { describe, expect, it } from 'vitest';
import { divergenceAdvice, runInSlices, type Sliced } from '../../src/train/control.js';

/** A run of `total` busy iterations of about 0.2 ms, counting how many slices it took. */
function busyRun(total: number): Sliced & { done: number; slices: number } {
  const run = {
    done: 0,
    slices: 0,
    advance(pause?: () => boolean): boolean {
      run.slices++;
      while (run.done < total) {
        const end = performance.now() + 0.2;
        while (performance.now() < end) { /* one iteration's work */ }
        run.done++;
        if (pause?.() === true) break;
      }
      return run.done >= total;
    },
  };
  return run;
}

describe('runInSlices', () => {
  it('sees a stop set by the event loop (a timer here, a signal handler in the CLI) between iterations', async () => {
    const run = busyRun(100_000);
    let stop = false;
    setTimeout(() => (stop = true), 30);
    const finished = await runInSlices(run, () => stop, 5);
    expect(finished).toBe(false);
    expect(run.done).toBeGreaterThan(0);
    expect(run.done).toBeLessThan(100_000);
    expect(run.slices).toBeGreaterThan(1);
  });

  it('runs to the end when no stop comes, in several slices', async () => {
    const run = busyRun(200);
    expect(await runInSlices(run, () => false, 5)).toBe(true);
    expect(run.done).toBe(200);
    expect(run.slices).toBeGreaterThan(1);
  });

  it('advises a rate ten times smaller', () => {
    expect(divergenceAdvice(50)).toBe('try a smaller --learning-rate than 50, e.g. 5');
    expect(divergenceAdvice(0.0075)).toBe('try a smaller --learning-rate than 0.0075, e.g. 0.00075');
  });
});
