/** The cost chart's smoothing: no DOM, so Node tests import it too. */

/** How much of the past the smoothed curve keeps per recorded train point (TensorBoard's smoothing slider; its default is 0.6). */
export const SMOOTHING = 0.9;

/**
 * The curve as TensorBoard smooths it: an exponential moving average of the finite values,
 * divided by the weights' sum so far so that it starts at the first value instead of at 0
 * (TensorBoard's debiasing), NaN kept as NaN (a test cost not measured there). With
 * `iterations`, the weight per point is `weight` to the power of the gap to the previous
 * point in `step`s: a test cost measured every 50 iterations is smoothed over as many
 * iterations as a train cost recorded every 5, not over ten times as many.
 * @example smoothed([0, 1], 0.8) // [0, 0.5555555555555556]
 * @example smoothed([0.7, 0.5], 0.9, [0, 50], 5) // the second point weighs 1 - 0.9 ** 10 of the average
 */
export function smoothed(values: readonly number[], weight = SMOOTHING, iterations?: readonly number[], step = 1): number[] {
  let ema = 0;
  let norm = 0;
  let previous: number | undefined;
  return values.map((v, i) => {
    if (!Number.isFinite(v)) return Number.NaN;
    const at = iterations?.[i] ?? i;
    // The first point counts as one step on from nothing, as TensorBoard's first.
    const w = previous === undefined ? weight : weight ** ((at - previous) / step);
    previous = at;
    ema = w * ema + (1 - w) * v;
    norm = w * norm + (1 - w);
    return ema / norm;
  });
}

/**
 * One series of recorded costs smoothed along its iterations, one step being the record
 * interval (the gap between the first two records).
 * @example smoothCosts(points, 'testCost') // NaN where the test cost was not measured
 */
export function smoothCosts(points: readonly { iteration: number; cost: number; testCost: number }[], key: 'cost' | 'testCost'): number[] {
  const first = points[0]?.iteration ?? 0;
  const step = Math.max(1, (points[1]?.iteration ?? first + 1) - first);
  return smoothed(points.map((p) => p[key]), SMOOTHING, points.map((p) => p.iteration), step);
}
