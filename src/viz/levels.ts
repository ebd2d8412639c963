/** Contour levels for loss pictures: browser-safe, shared by `tsgrad landscape` and the web page. */

/**
 * Contour levels for losses from `lo` to `hi`: evenly spaced, or evenly spaced in log when
 * the range covers more than a factor of 10, so the basin is not one flat colour.
 * @example contourLevels(0.1, 0.5, 5) // [0.1, 0.2, 0.3, 0.4, 0.5]
 */
export function contourLevels(lo: number, hi: number, count = 16): number[] {
  if (!(hi > lo)) return [lo];
  const logScale = lo > 0 && hi / lo > 10;
  return Array.from({ length: count }, (_, k) => {
    const t = k / (count - 1);
    return logScale ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
  });
}
