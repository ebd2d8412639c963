/**
 * Learning-rate decay, the course's `schedule_lr_decay`: α = α₀ / (1 + decay · ⌊epoch / interval⌋).
 * With interval 1 that is the plain `update_lr`, α₀ / (1 + decay · epoch). Epochs count from 0,
 * so the first epoch always runs at α₀. (The course's notebook applies the new rate from the
 * epoch after the one it was computed for; here epoch e always runs at the rate of e.)
 */
import { ArgumentError } from '../core/errors.js';

/** Decay settings: rate 0 means a constant learning rate. */
export interface DecaySettings {
  /** decay ≥ 0. */
  rate: number;
  /** Epochs per step of the schedule (default 1). */
  interval?: number;
}

/** Checks decay settings once, at the public boundary. */
export function checkDecay(op: string, d: DecaySettings): void {
  if (!Number.isFinite(d.rate) || d.rate < 0) throw new ArgumentError(op, 'decay', `must be a number >= 0, got ${d.rate}`);
  const interval = d.interval ?? 1;
  if (!Number.isSafeInteger(interval) || interval <= 0) throw new ArgumentError(op, 'decayInterval', `must be a positive integer, got ${interval}`);
}

/**
 * The learning rate for epoch `epoch` (from 0).
 * @example decayedLearningRate(0.1, 3, { rate: 1 }) // 0.025
 * @example decayedLearningRate(0.1, 1500, { rate: 0.3, interval: 1000 }) // 0.1 / 1.3
 */
export function decayedLearningRate(lr0: number, epoch: number, d: DecaySettings): number {
  return lr0 / (1 + d.rate * Math.floor(epoch / (d.interval ?? 1)));
}
