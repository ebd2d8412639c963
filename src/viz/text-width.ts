/**
 * Text widths for Vega's layout in Node. Without a canvas, Vega guesses every character at
 * 0.8 em, so long titles make charts far wider than their content. These are the advance
 * widths of DejaVu Sans (the font the PNGs are drawn with), in 1/2048 em, close enough for
 * other sans-serif fonts too.
 */
import * as vega from 'vega';

declare module 'vega' {
  /** vega-scenegraph's text measurer (re-exported by vega, missing from its typings). */
  export const textMetrics: { width: (item: TextItem, text?: unknown) => number; estimateWidth: (item: TextItem, text?: unknown) => number };
}

/** The fields of a Vega text item that its width depends on. */
export interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

const WIDTHS: Record<string, number> = {
  ' ': 651, '!': 821, '"': 940, '#': 1716, '%': 1946, '&': 1597, "'": 563, '(': 799, ')': 799, '*': 1024, '+': 1716,
  ',': 651, '-': 739, '.': 651, '/': 690, ':': 690, ';': 690, '<': 1716, '=': 1716, '>': 1716, '?': 1087, '[': 799,
  ']': 799, '_': 1024, '|': 690, '·': 651, '—': 2048, '–': 1024, '²': 821, '₀': 821, 'θ': 1255, 'α': 1300, 'δ': 1255, 'η': 1298,
  a: 1255, b: 1300, c: 1126, d: 1300, e: 1260, f: 721, g: 1300, h: 1298, i: 569, j: 569, k: 1186, l: 569, m: 1995,
  n: 1298, o: 1253, p: 1300, q: 1300, r: 842, s: 1067, t: 803, u: 1298, v: 1212, w: 1675, x: 1212, y: 1212, z: 1075,
  A: 1401, B: 1405, C: 1430, D: 1577, E: 1294, F: 1178, G: 1587, H: 1540, I: 604, J: 604, K: 1343, L: 1141, M: 1767,
  N: 1532, O: 1612, P: 1235, Q: 1612, R: 1423, S: 1300, T: 1251, U: 1499, V: 1401, W: 2025, X: 1403, Y: 1251, Z: 1403,
};
const DIGIT = 1303;
const OTHER = 1300;

/**
 * The width in pixels of `text` at `fontSize`, bold about 8% wider.
 * @example textWidth('cost', 12) // ≈ 26
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) units += /\d/.test(ch) ? DIGIT : (WIDTHS[ch] ?? OTHER);
  return ((units / 2048) * fontSize * (bold ? 1.08 : 1));
}

/**
 * Lines broken so that each fits `maxWidth` pixels at `fontSize`: after a comma, a ' · ' or a
 * space, the last such break that fits (a part longer than the width stays whole).
 * @example wrapLines(['conv:8:4:same:1,relu,maxpool:8:8:same,...'], 300, 12) // two or more lines
 */
export function wrapLines(lines: readonly string[], maxWidth: number, fontSize: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let rest = line;
    while (textWidth(rest, fontSize) > maxWidth) {
      let cut = -1;
      for (const m of rest.matchAll(/(, | · |,| )/g)) {
        const end = (m.index ?? 0) + (m[0] ?? '').length;
        if (textWidth(rest.slice(0, end).trimEnd(), fontSize) > maxWidth) break;
        cut = end;
      }
      if (cut <= 0) break;
      out.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut);
    }
    out.push(rest);
  }
  return out;
}

let installed = false;

/** Makes Vega measure text with `textWidth` (once per process). @example installTextMetrics(); await view.toSVG(); */
export function installTextMetrics(): void {
  if (installed) return;
  installed = true;
  vega.textMetrics.width = (item: TextItem, text?: unknown): number => {
    const s = text ?? item.text;
    const str = Array.isArray(s) ? s.map(String).reduce((a, b) => (a.length >= b.length ? a : b), '') : String(s ?? '');
    const weight = item.fontWeight;
    return textWidth(str, item.fontSize ?? 11, weight === 'bold' || (typeof weight === 'number' && weight >= 600));
  };
}
