/**
 * Sliding windows over images in (N, H, W, C) layout: `unfoldWindows` copies every window a
 * convolution or a pooling reads into one row (im2col), `foldWindows` adds rows back onto the
 * image (col2im, the adjoint: where windows overlap their values add). A convolution is then
 * one matrix product, its gradients two more, on whatever backend runs matmul.
 *
 * Two layouts of a window's values:
 * - `patch`: (N, OH, OW, KH, KW, C), the order of a (KH, KW, Cin, Cout) kernel's rows, so the
 *   patches reshaped to (N·OH·OW, KH·KW·C) multiply the kernel reshaped to (KH·KW·C, Cout);
 * - `pool`: (N, OH, OW, C, KH, KW), each channel's window last, for a max or mean over it.
 */
import type { TypedArray } from '../core/dtype.js';

/** Where windows fall: the image, the kernel, the strides, the padding before each axis, the output size. */
export interface WindowGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  /** Rows of padding above the image and columns left of it (the rest is below and right). */
  readonly top: number;
  readonly left: number;
  readonly oh: number;
  readonly ow: number;
}

export type WindowLayout = 'patch' | 'pool';

/**
 * Copies every window of `x` (contiguous (N, H, W, C)) into `out` (N·OH·OW·KH·KW·C elements,
 * in `layout`), writing `fill` where a window reaches into the padding.
 * @example unfoldWindows(x, g, 'patch', 0, out)
 */
export function unfoldWindows(x: TypedArray, g: WindowGeometry, layout: WindowLayout, fill: number, out: TypedArray): void {
  if (layout === 'patch') unfoldPatches(x, g, fill, out);
  else unfoldPools(x, g, fill, out);
}

/** The columns kx in [k0, k1) of a window starting at column `x0` that fall inside a row of `w` pixels. */
function inside(x0: number, kw: number, w: number): [number, number] {
  return [Math.max(0, -x0), Math.min(kw, w - x0)];
}

function unfoldPatches(x: TypedArray, g: WindowGeometry, fill: number, out: TypedArray): void {
  const { n, h, w, c, kh, kw, sh, sw, top, left, oh, ow } = g;
  const run = kw * c;
  const K = kh * run;
  // `out` comes zeroed: padding needs writing only when it is not 0.
  if (fill !== 0) out.fill(fill);
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      const rowOut = (b * oh + oy) * ow * K;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - top + ky;
        if (iy < 0 || iy >= h) continue;
        const srcRow = image + iy * w * c;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * sw - left;
          const dst = rowOut + ox * K + ky * run;
          // One window row reads kw adjacent pixels: a contiguous run of the image.
          if (x0 >= 0 && x0 + kw <= w) {
            const src = srcRow + x0 * c;
            for (let i = 0; i < run; i++) out[dst + i] = x[src + i] as number;
          } else {
            const i0 = Math.max(0, -x0) * c;
            const i1 = Math.min(kw, w - x0) * c;
            const src = srcRow + x0 * c;
            for (let i = i0; i < i1; i++) out[dst + i] = x[src + i] as number;
          }
        }
      }
    }
  }
}

function unfoldPools(x: TypedArray, g: WindowGeometry, fill: number, out: TypedArray): void {
  const { n, h, w, c, kh, kw, sh, sw, top, left, oh, ow } = g;
  const win = kh * kw;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o += c * win) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - left + kx;
            const at = o + ky * kw + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              for (let ch = 0; ch < c; ch++) out[at + ch * win] = fill;
              continue;
            }
            const src = image + (iy * w + ix) * c;
            for (let ch = 0; ch < c; ch++) out[at + ch * win] = x[src + ch] as number;
          }
        }
      }
    }
  }
}

/**
 * For each window and channel, the flat index into x of its largest value (the first one on
 * a tie, a NaN if there is one: numpy's max propagates NaN), in the order of a pooled
 * output (N, OH, OW, C). Padding never wins.
 * @example maxPoolIndices(x, g, idx) // idx[i] = where output i's value sits in x
 */
export function maxPoolIndices(x: TypedArray, g: WindowGeometry, idx: Int32Array): void {
  const { n, h, w, c, kh, kw, sh, sw, top, left, oh, ow } = g;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(h, oy * sh - top + kh);
      for (let ox = 0; ox < ow; ox++, o += c) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(w, ox * sw - left + kw);
        for (let ch = 0; ch < c; ch++) {
          let best = image + (y0 * w + x0) * c + ch;
          let m = x[best] as number;
          for (let iy = y0; iy < y1 && m === m; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = image + (iy * w + ix) * c + ch;
              const v = x[at] as number;
              if (v > m || v !== v) {
                m = v;
                best = at;
                if (v !== v) break;
              }
            }
          }
          idx[o + ch] = best;
        }
      }
    }
  }
}

/** out[i] = x[idx[i]]. @example gatherFlat(x, idx, out) */
export function gatherFlat(x: TypedArray, idx: Int32Array, out: TypedArray): void {
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i] as number] as number;
}

/** out[idx[i]] += y[i] (out holds zeros, or what to add to). @example scatterAddFlat(dy, idx, dx) */
export function scatterAddFlat(y: TypedArray, idx: Int32Array, out: TypedArray): void {
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i] as number;
    out[j] = (out[j] as number) + (y[i] as number);
  }
}

/**
 * Adds every window's values (`cols`, laid out as `unfoldWindows` writes them) back onto
 * the image positions they came from, in `out` (N·H·W·C, added to: pass zeros). Values that
 * fell in the padding are dropped.
 * @example foldWindows(dPatches, g, 'patch', dx)
 */
export function foldWindows(cols: TypedArray, g: WindowGeometry, layout: WindowLayout, out: TypedArray): void {
  const { n, h, w, c, kh, kw, sh, sw, top, left, oh, ow } = g;
  const win = kh * kw;
  const run = kw * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o += c * win) {
        const x0 = ox * sw - left;
        const [k0, k1] = inside(x0, kw, w);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky;
          if (iy < 0 || iy >= h) continue;
          const dst = image + (iy * w + x0) * c;
          if (layout === 'patch') {
            const at = o + ky * run;
            for (let i = k0 * c; i < k1 * c; i++) out[dst + i] = (out[dst + i] as number) + (cols[at + i] as number);
          } else {
            for (let kx = k0; kx < k1; kx++) {
              const at = o + ky * kw + kx;
              const d = dst + kx * c;
              for (let ch = 0; ch < c; ch++) out[d + ch] = (out[d + ch] as number) + (cols[at + ch * win] as number);
            }
          }
        }
      }
    }
  }
}

/**
 * Writes `x` (contiguous, shape `from`) into `out` (contiguous, shape `into`) at positions
 * starts[a] + i·steps[a] along each axis a; `out` keeps its other values. The adjoint of a
 * strided slice, and zero padding when the steps are 1.
 * @example embedStrided(x, [2, 2], out, [4, 4], [1, 1], [1, 1]) // x in the middle of a 4x4
 */
export function embedStrided(x: TypedArray, from: readonly number[], out: TypedArray, into: readonly number[], starts: readonly number[], steps: readonly number[]): void {
  const nd = from.length;
  if (nd === 0) {
    out[0] = x[0] as number;
    return;
  }
  const outStrides = new Array<number>(nd);
  let s = 1;
  for (let a = nd - 1; a >= 0; a--) {
    outStrides[a] = s;
    s *= into[a] as number;
  }
  let base = 0;
  for (let a = 0; a < nd; a++) base += (starts[a] as number) * (outStrides[a] as number);
  const last = nd - 1;
  const inner = from[last] as number;
  const innerStep = (steps[last] as number) * (outStrides[last] as number);
  const rows = inner === 0 ? 0 : x.length / inner;
  const idx = new Array<number>(nd).fill(0);
  let pos = base;
  for (let r = 0; r < rows; r++) {
    const src = r * inner;
    if (innerStep === 1) for (let i = 0; i < inner; i++) out[pos + i] = x[src + i] as number;
    else for (let i = 0; i < inner; i++) out[pos + i * innerStep] = x[src + i] as number;
    // Next row: an odometer over the leading axes.
    for (let a = last - 1; a >= 0; a--) {
      const step = (steps[a] as number) * (outStrides[a] as number);
      const k = (idx[a] as number) + 1;
      if (k < (from[a] as number)) {
        idx[a] = k;
        pos += step;
        break;
      }
      idx[a] = 0;
      pos -= step * (k - 1);
    }
  }
}
