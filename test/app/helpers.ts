import { expect } from 'vitest';
import { TrainingRun, type RunData } from '../../src/app/run.js';
import type { RunSettings } from '../../src/app/settings.js';

/** A whole run of `s` on `data`, and what it reached. */
export function trainRun(data: RunData, s: RunSettings) {
  const run = new TrainingRun(data, s);
  run.advance();
  return run.result();
}

/** max over i of |a_i - b_i| / |b_i|, the lists of the same length. */
export const maxRel = (a: readonly number[], b: readonly number[]): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] as number)) / Math.abs(b[i] as number)), 0);
};
