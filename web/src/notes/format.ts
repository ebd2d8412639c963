/** Numbers as the notes page prints them (no DOM: the tests use it in Node). */

/**
 * A number for reading: six significant digits, no trailing zeros, -0 as 0.
 * @example fmt(0.26894142137) // "0.268941"; fmt(45.003) // "45.003"
 */
export function fmt(x: number, digits = 6): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const text = abs >= 1e-4 && abs < 1e7 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return text.replace(/-/g, '−');
}
