/**
 * Python's `str(float)`: JavaScript's shortest round-trip digits, with Python's ".0" on
 * integral values and its exponent style, so printed figures read exactly as the notes'.
 * @example pyFloat(70) // '70.0'
 */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** A shape as Python prints a tuple: `(209, 64, 64, 3)`, `(5,)`. */
export function pyShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * A number with 17 significant digits, as Python's `'%.17g' % x` prints it: enough to tell
 * every double apart. @example g17(0.6930497356599888) // '0.69304973565998884'
 */
export function g17(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const e = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  const strip = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (e < -4 || e >= 17) {
    const [mant, exp] = x.toExponential(16).split('e') as [string, string];
    const n = Number(exp);
    return `${strip(mant)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return strip(x.toPrecision(17));
}
