/**
 * The largest and smallest of a list by a loop: `Math.max(...list)` passes every element as an
 * argument and overflows the call stack past about 100,000 of them (a large grid, many files).
 * Empty lists give -Infinity and Infinity, as Math.max() and Math.min() do.
 * @example largest([3, 1, 2]) // 3
 */
export function largest(values: Iterable<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  // +0 beats -0, and a NaN sticks, as in Math.max.
  for (const v of values) if (!Number.isNaN(m) && (v > m || Number.isNaN(v) || (v === 0 && m === 0 && 1 / v > 0))) m = v;
  return m;
}

/** The smallest of a list (NaN if any is NaN, as Math.min). @example smallest([3, 1, 2]) // 1 */
export function smallest(values: Iterable<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (!Number.isNaN(m) && (v < m || Number.isNaN(v) || (v === 0 && m === 0 && 1 / v < 0))) m = v;
  return m;
}
