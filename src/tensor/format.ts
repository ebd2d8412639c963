/**
 * A tensor as numpy prints an array with its default print options (precision 8, floatmode
 * 'maxprec', suppress off, threshold 1000, edgeitems 3, linewidth 75): the same digits, the
 * same alignment, the same line breaks. `repr` is numpy's `repr(a)` with `tensor(` for
 * `array(` and the dtype always named; `str` is `print(a)`, what the notes show.
 * Browser-safe: no Node imports.
 */
import type { DType, TypedArray } from '../core/dtype.js';
import { formatShape, sizeOf, type Shape } from '../core/shape.js';

/** What the formatter reads of a tensor. */
export interface Printable {
  readonly shape: Shape;
  readonly dtype: DType;
  values(): TypedArray;
}

const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;

/** The digits of |x| rounded exactly (half to even, as numpy's Dragon4) to a multiple of 10^-f; f may be negative. */
function roundedDigits(x: number, f: number): bigint {
  // |x| = m · 2^e exactly.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  let num = m * (e > 0 ? 2n ** BigInt(e) : 1n) * (f > 0 ? 10n ** BigInt(f) : 1n);
  const den = (e < 0 ? 2n ** BigInt(-e) : 1n) * (f < 0 ? 10n ** BigInt(-f) : 1n);
  const q = num / den;
  num -= q * den;
  const twice = 2n * num;
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

/**
 * The shortest digits that read back as x in its own dtype (ECMAScript's Number-to-String for
 * float64; the shortest of 1 to 9 digits that Math.fround reads back for float32, as numpy's
 * unique mode prints a float32), and the decimal exponent of the first digit.
 */
function shortest(x: number, single: boolean): { digits: string; exp: number } {
  const a = Math.abs(x);
  let text = a.toExponential();
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const t = a.toPrecision(p);
      if (Math.fround(Number(t)) === a) {
        text = Number(t).toExponential();
        break;
      }
    }
  }
  const [mant = '0', ex = '0'] = text.split('e');
  return { digits: mant.replace('.', ''), exp: Number(ex) };
}

/** Positional text of x with at most `PRECISION` fractional digits, trailing zeros trimmed, the point kept: `2.39507239`, `-2.`, `0.00195312`. */
function positional(x: number, single: boolean): string {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.`;
  const { digits, exp } = shortest(x, single);
  let intPart: string;
  let frac: string;
  if (digits.length - 1 - exp <= PRECISION) {
    if (exp >= 0) {
      intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      frac = digits.slice(exp + 1);
    } else {
      intPart = '0';
      frac = '0'.repeat(-exp - 1) + digits;
    }
  } else {
    const n = roundedDigits(x, PRECISION).toString().padStart(PRECISION + 1, '0');
    intPart = n.slice(0, n.length - PRECISION);
    frac = n.slice(n.length - PRECISION).replace(/0+$/, '');
  }
  return `${sign}${intPart}.${frac}`;
}

/** Scientific parts of x with at most `PRECISION` digits after the point: mantissa digits, exponent. */
function scientific(x: number, single: boolean): { sign: string; int: string; frac: string; exp: number } {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return { sign, int: '0', frac: '', exp: 0 };
  const s = shortest(x, single);
  let digits = s.digits;
  let exp = s.exp;
  if (digits.length > PRECISION + 1) {
    digits = roundedDigits(x, PRECISION - exp).toString();
    // 9.999999999e5 rounds up to ten digits: one more power of ten.
    if (digits.length > PRECISION + 1) {
      digits = digits.slice(0, PRECISION + 1);
      exp += 1;
    }
    digits = digits.replace(/0+$/, '') || '0';
  }
  return { sign, int: digits.slice(0, 1), frac: digits.slice(1), exp };
}

/** numpy's FloatingFormat for the shown values: every element padded to a common layout. */
function floatFormatter(shown: readonly number[], single: boolean): (x: number) => string {
  const finite = shown.filter((v) => Number.isFinite(v));
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let max = 0;
  let min = Infinity;
  for (const v of nonZero) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const expFormat = nonZero.length > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1000);
  let padLeft = 0;
  let padRight = 0;
  let format: (x: number) => string;
  if (finite.length === 0) {
    format = () => '';
  } else if (expFormat) {
    const parts = finite.map((v) => scientific(v, single));
    const fracDigits = parts.reduce((w, p) => Math.max(w, p.frac.length), 0);
    const expDigits = parts.reduce((w, p) => Math.max(w, String(Math.abs(p.exp)).length), 2);
    padLeft = parts.reduce((w, p) => Math.max(w, p.sign.length + p.int.length), 0);
    padRight = expDigits + 2 + fracDigits;
    format = (x) => {
      const p = scientific(x, single);
      const exp = `e${p.exp < 0 ? '-' : '+'}${String(Math.abs(p.exp)).padStart(expDigits, '0')}`;
      return `${(p.sign + p.int).padStart(padLeft)}.${p.frac.padEnd(fracDigits, '0')}${exp}`;
    };
  } else {
    const texts = finite.map((v) => positional(v, single));
    padLeft = texts.reduce((w, t) => Math.max(w, t.indexOf('.')), 0);
    padRight = texts.reduce((w, t) => Math.max(w, t.length - t.indexOf('.') - 1), 0);
    format = (x) => {
      const t = positional(x, single);
      const point = t.indexOf('.');
      return `${t.slice(0, point).padStart(padLeft)}.${t.slice(point + 1).padEnd(padRight)}`;
    };
  }
  if (finite.length !== shown.length) {
    // Room for nan, inf and -inf, right-aligned in the same width.
    const neginf = shown.some((v) => v === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (neginf ? 1 : 0) - (padRight + 1));
  }
  const width = padLeft + padRight + 1;
  return (x) => {
    if (Number.isNaN(x)) return 'nan'.padStart(width);
    if (x === Infinity) return 'inf'.padStart(width);
    if (x === -Infinity) return '-inf'.padStart(width);
    return format(x);
  };
}

/** numpy's formatter for a dtype, built from the values that will be shown. */
function formatter(dtype: DType, shown: readonly number[]): (x: number) => string {
  if (dtype === 'bool') {
    // numpy's BoolFormat: ' True' in arrays, so True and False line up.
    return (x) => (x ? ' True' : 'False');
  }
  if (dtype === 'int32' || dtype === 'uint8') {
    const width = shown.reduce((w, v) => Math.max(w, String(v).length), 0);
    return (x) => String(x).padStart(width);
  }
  return floatFormatter(shown, dtype === 'float32');
}

/** numpy's `_extendLine`: wraps before a word that would pass the width, unless wrapping cannot help. */
function extendLine(s: string, line: string, word: string, width: number, prefix: string): [string, string] {
  if (line.length + word.length > width && line.length > prefix.length) {
    return [`${s}${line.trimEnd()}\n`, prefix + word];
  }
  return [s, line + word];
}

/** numpy's `_formatArray`: the nested brackets, separators, summaries and line breaks. */
function layout(shape: Shape, cell: (flat: number) => string, summarise: boolean, lineWidth: number, prefix: string, separator: string): string {
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const rec = (axis: number, start: number, hanging: string, width: number): string => {
    if (axis === shape.length) return cell(start);
    const left = shape.length - axis;
    const n = shape[axis] ?? 0;
    const step = strides[axis] ?? 1;
    const summary = summarise && 2 * EDGE < n;
    const leading = summary ? EDGE : 0;
    const trailing = summary ? EDGE : n;
    const nextHanging = `${hanging} `;
    const nextWidth = width - 1;
    const item = (i: number): string => rec(axis + 1, start + i * step, nextHanging, nextWidth);
    let s = '';
    if (left === 1) {
      const elemWidth = width - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, item(i), elemWidth, hanging);
        line += separator;
      }
      if (summary) {
        [s, line] = extendLine(s, line, '...', elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, item(n - i), elemWidth, hanging);
        line += separator;
      }
      if (n > 0) [s, line] = extendLine(s, line, item(n - 1), elemWidth, hanging);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(left - 1);
      for (let i = 0; i < leading; i++) s += hanging + item(i) + lineSep;
      if (summary) s += `${hanging}...${lineSep}`;
      for (let i = trailing; i > 1; i--) s += hanging + item(n - i) + lineSep;
      if (n > 0) s += hanging + item(n - 1);
    }
    return `[${s.slice(hanging.length)}]`;
  };
  return rec(0, 0, prefix, lineWidth);
}

/** The flat indices numpy shows: all, or the first and last `EDGE` along every axis when summarising. */
function shownIndices(shape: Shape, summarise: boolean): number[] {
  const out: number[] = [];
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const rec = (axis: number, start: number): void => {
    if (axis === shape.length) {
      out.push(start);
      return;
    }
    const n = shape[axis] ?? 0;
    const step = strides[axis] ?? 1;
    for (let i = 0; i < n; i++) {
      if (summarise && 2 * EDGE < n && i === EDGE) i = n - EDGE;
      rec(axis + 1, start + i * step);
    }
  };
  rec(0, 0);
  return out;
}

/**
 * `print` of a 0-d array is numpy's scalar `str`: every digit the value needs, as Python's
 * float repr writes it (`5.801545319394553`, `2.0`, `1e-05`).
 */
function scalarText(x: number, dtype: DType): string {
  if (dtype === 'bool') return x ? 'True' : 'False';
  if (dtype === 'int32' || dtype === 'uint8') return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const { digits, exp } = shortest(x, dtype === 'float32');
  if (exp >= -4 && exp < 16) return `${sign}${positionalDigits(digits, exp)}`;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Shortest digits placed around the point, all of them (no cut at `PRECISION`). */
function positionalDigits(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${int}.${frac === '' ? '0' : frac}`;
}

/**
 * The tensor as numpy prints it. `repr` (the default, `toString()` and `console.log`):
 * `tensor([[0.99845601],\n        [2.39507239]], dtype=float64)`; `str`: numpy's `print(a)`,
 * `[[0.99845601]\n [2.39507239]]`.
 * @example formatTensor(fromArray([1.5, -2, 10])) // 'tensor([ 1.5, -2. , 10. ], dtype=float64)'
 * @example formatTensor(fromArray([[1], [2.5]]), 'str') // '[[1. ]\n [2.5]]'
 */
export function formatTensor(t: Printable, style: 'repr' | 'str' = 'repr'): string {
  const flat = t.values();
  const size = flat.length;
  const summarise = size > THRESHOLD;
  const shown = shownIndices(t.shape, summarise).map((i) => flat[i] ?? Number.NaN);
  const fmt = formatter(t.dtype, shown);
  const cell = (i: number): string => fmt(flat[i] ?? Number.NaN);
  if (style === 'str') {
    if (t.shape.length === 0) return scalarText(flat[0] ?? Number.NaN, t.dtype);
    return layout(t.shape, cell, summarise, LINE_WIDTH, ' ', ' ');
  }
  const prefix = 'tensor(';
  const body = t.shape.length === 0 ? cell(0).trim() : layout(t.shape, cell, summarise, LINE_WIDTH - 1, ' '.repeat(prefix.length + 1), ', ');
  // numpy names the shape when the text cannot show it: empty (but not (0,)) or summarised.
  const hidden = (size === 0 && !(t.shape.length === 1 && t.shape[0] === 0)) || summarise;
  const extras = [...(hidden ? [`shape=${formatShape(t.shape)}`] : []), `dtype=${t.dtype}`].join(', ');
  const head = `${prefix}${body},`;
  const last = head.length - (head.lastIndexOf('\n') + 1);
  const spacer = last + 1 + extras.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ';
  return `${head}${spacer}${extras})`;
}
