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
  const { n, h, w, c, kh, kw, sh, sw, top, left, oh, ow } = g;
  const win = kh * kw;
  let o = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        if (layout === 'patch') {
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - top + ky;
            for (let kx = 0; kx < kw; kx++, o += c) {
              const ix = ox * sw - left + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                out.fill(fill, o, o + c);
                continue;
              }
              const src = image + (iy * w + ix) * c;
              if (c === 1) out[o] = x[src] as number;
              else for (let ch = 0; ch < c; ch++) out[o + ch] = x[src + ch] as number;
            }
          }
        } else {
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
          o += c * win;
        }
      }
    }
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
  let o = 0;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - left + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const dst = image + (iy * w + ix) * c;
            if (layout === 'patch') {
              const at = o + (ky * kw + kx) * c;
              for (let ch = 0; ch < c; ch++) out[dst + ch] = (out[dst + ch] as number) + (cols[at + ch] as number);
            } else {
              const at = o + ky * kw + kx;
              for (let ch = 0; ch < c; ch++) out[dst + ch] = (out[dst + ch] as number) + (cols[at + ch * win] as number);
            }
          }
        }
        o += c * win;
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
