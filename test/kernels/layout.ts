// Random strided layouts and from-scratch index arithmetic for the property tests. Nothing
// here calls src/: the references must not share code with what they check.
import fc from 'fast-check';

/** A small seeded generator (mulberry32) for data and layouts inside one fast-check run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function shuffled(rand: () => number, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

export function product(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Row-major multi-index of flat position `f` in `shape`, computed by repeated division. */
export function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rest = f;
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    const d = shape[ax] as number;
    idx[ax] = rest % d;
    rest = Math.floor(rest / d);
  }
  return idx;
}

/** A strided view: logical element idx lives at data[offset + sum(idx[k] * strides[k])]. */
export interface Layout {
  readonly data: Float64Array;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
}

export function at(l: Layout, idx: readonly number[]): number {
  let p = l.offset;
  idx.forEach((i, k) => (p += i * (l.strides[k] as number)));
  return l.data[p] as number;
}

/**
 * A layout of `shape` with storage axes in a random order (a transposed view), some axes
 * reversed (negative strides), gaps between rows (sliced views) and a leading offset. Unused
 * storage holds a sentinel, so a kernel reading the wrong slot gives a visible wrong value.
 */
export function randomLayout(rand: () => number, shape: readonly number[], values: (i: number) => number): Layout {
  const nd = shape.length;
  const order = shuffled(rand, nd);
  const strides = new Array<number>(nd).fill(0);
  let span = 1;
  for (let k = nd - 1; k >= 0; k--) {
    const ax = order[k] as number;
    const gap = rand() < 0.25 ? 2 : 1;
    strides[ax] = span * gap;
    span *= Math.max(1, shape[ax] as number) * gap;
  }
  const pad = Math.floor(rand() * 3);
  let offset = pad;
  for (let ax = 0; ax < nd; ax++) {
    if (rand() < 0.3) {
      offset += ((shape[ax] as number) - 1 > 0 ? (shape[ax] as number) - 1 : 0) * (strides[ax] as number);
      strides[ax] = -(strides[ax] as number);
    }
  }
  const data = new Float64Array(span + pad + 2).fill(-12345.678);
  const l: Layout = { data, shape: [...shape], strides, offset };
  for (let f = 0; f < product(shape); f++) {
    const idx = unravel(f, shape);
    let p = offset;
    idx.forEach((i, k) => (p += i * (strides[k] as number)));
    data[p] = values(f);
  }
  return l;
}

/** Random doubles with a sprinkle of exact small integers (ties), and NaN when asked. */
export function randomValue(rand: () => number, nanRate = 0): number {
  const u = rand();
  if (u < nanRate) return Number.NaN;
  if (u < 0.3) return Math.floor(rand() * 5) - 2;
  return (rand() - 0.5) * 8;
}

/** Shapes of 0..4 axes with sizes 0..4, mostly non-empty. */
export const shapeArb = fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constant(0) }), {
  minLength: 0,
  maxLength: 4,
});

/**
 * An operand shape that broadcasts to `out`: leading axes dropped and some axes set to 1,
 * chosen by `mask` bits.
 */
export function broadcastFrom(out: readonly number[], drop: number, mask: number): number[] {
  return out.slice(Math.min(drop, out.length)).map((d, i) => ((mask >> i) & 1 ? 1 : d));
}

/** Strides that read `l` as the output shape `out` (0 on broadcast axes), from scratch. */
export function stridesFor(l: Layout, out: readonly number[]): number[] {
  const lead = out.length - l.shape.length;
  return out.map((d, i) => {
    const j = i - lead;
    return j < 0 || (l.shape[j] === 1 && d !== 1) ? 0 : (l.strides[j] as number);
  });
}

/** The element of `l` that output position `idx` reads under broadcasting. */
export function atBroadcast(l: Layout, idx: readonly number[]): number {
  const lead = idx.length - l.shape.length;
  return at(l, l.shape.map((d, j) => (d === 1 ? 0 : (idx[j + lead] as number))));
}
