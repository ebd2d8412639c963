/**
 * How often the page records the cost: often enough for a smooth curve, at most 500 points,
 * and at round iterations (1, 2 or 5 times a power of ten), so that runs of up to 50,000
 * iterations record iteration 100, the one the course's reference quotes first.
 * @example recordEveryFor(2000) // 5
 */
export function recordEveryFor(iterations: number): number {
  for (let scale = 1; ; scale *= 10) {
    for (const step of [1, 2, 5]) {
      if (iterations / (step * scale) <= 500) return step * scale;
    }
  }
}
