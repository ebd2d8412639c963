// AssemblyScript source of the WebAssembly SIMD kernels behind src/kernels/logistic-wasm.ts.
// Compiled by `npm run build:wasm` (src/kernels/wasm/build.mjs) into the base64 module
// src/kernels/logistic-wasm-module.ts; the file has a .as extension so that tsc, which
// compiles everything under src/, does not read it as TypeScript.
//
// The caller owns the memory layout (the memory is imported) and passes byte addresses.
// No allocation, no runtime: plain loops over memory.

// The four int32 lanes' total, exact in float64 (a Gram entry may pass 2³¹).
@inline function hsum(v: v128): f64 {
  return <f64>i32x4.extract_lane(v, 0) + <f64>i32x4.extract_lane(v, 1) + <f64>i32x4.extract_lane(v, 2) + <f64>i32x4.extract_lane(v, 3);
}

// acc + Σ x·y over 16 uint8 lanes, widened to int16 for the pairwise int32 dot product:
// 255·255·2 fits int16·int16 → int32 with room to spare.
@inline function dot16(acc: v128, xl: v128, xh: v128, yl: v128, yh: v128): v128 {
  return i32x4.add(acc, i32x4.add(i32x4.dot_i16x8_s(xl, yl), i32x4.dot_i16x8_s(xh, yh)));
}

/**
 * Integer Gram block: for rows i0..i0+3 of the uint8 matrix at `u` (rows `stride` bytes
 * apart, `stride` a multiple of 16) and every column j from i0 to `rows`-1 (`rows` a
 * multiple of 4), g[i·rows + j] = Σ_k u[i,k]·u[j,k], stored as float64.
 * Each int32 lane adds stride/4 products of at most 255², so the sums are exact while
 * stride ≤ 4·⌊(2³¹-1)/255²⌋ = 132,100 bytes.
 * JavaScript calls it once per block of 4 rows, so V8 swaps in its optimised code after
 * the first calls (a single long call would run to the end in the baseline compiler's code).
 */
export function gramBlockU8(u: usize, stride: i32, rows: i32, i0: i32, g: usize): void {
  const rb = <usize>stride;
  const p0 = u + <usize>i0 * rb;
  const p1 = p0 + rb;
  const p2 = p1 + rb;
  const p3 = p2 + rb;
  for (let j = i0; j < rows; j += 2) {
    let a00 = i32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    const q0 = u + <usize>j * rb;
    const q1 = q0 + rb;
    for (let k: usize = 0; k < rb; k += 16) {
      const y0 = v128.load(q0 + k);
      const y1 = v128.load(q1 + k);
      const y0l = i16x8.extend_low_i8x16_u(y0), y0h = i16x8.extend_high_i8x16_u(y0);
      const y1l = i16x8.extend_low_i8x16_u(y1), y1h = i16x8.extend_high_i8x16_u(y1);
      let x = v128.load(p0 + k);
      let xl = i16x8.extend_low_i8x16_u(x), xh = i16x8.extend_high_i8x16_u(x);
      a00 = dot16(a00, xl, xh, y0l, y0h);
      a01 = dot16(a01, xl, xh, y1l, y1h);
      x = v128.load(p1 + k);
      xl = i16x8.extend_low_i8x16_u(x); xh = i16x8.extend_high_i8x16_u(x);
      a10 = dot16(a10, xl, xh, y0l, y0h);
      a11 = dot16(a11, xl, xh, y1l, y1h);
      x = v128.load(p2 + k);
      xl = i16x8.extend_low_i8x16_u(x); xh = i16x8.extend_high_i8x16_u(x);
      a20 = dot16(a20, xl, xh, y0l, y0h);
      a21 = dot16(a21, xl, xh, y1l, y1h);
      x = v128.load(p3 + k);
      xl = i16x8.extend_low_i8x16_u(x); xh = i16x8.extend_high_i8x16_u(x);
      a30 = dot16(a30, xl, xh, y0l, y0h);
      a31 = dot16(a31, xl, xh, y1l, y1h);
    }
    const rowBytes = <usize>rows << 3;
    const r0 = g + ((<usize>i0 * <usize>rows + <usize>j) << 3);
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    store<f64>(r0, hsum(a00)); store<f64>(r0, hsum(a01), 8);
    store<f64>(r1, hsum(a10)); store<f64>(r1, hsum(a11), 8);
    store<f64>(r2, hsum(a20)); store<f64>(r2, hsum(a21), 8);
    store<f64>(r3, hsum(a30)); store<f64>(r3, hsum(a31), 8);
  }
}

/**
 * Matrix-vector product z = G c for a square float64 matrix G (`rows` x `rows`, row-major,
 * `rows` a multiple of 4), four rows at a time so each load of c serves four rows.
 * Each row is summed in two lanes (even and odd k) and the lanes added at the end.
 */
export function gemvF64(gp: usize, cp: usize, zp: usize, rows: i32): void {
  const rowBytes = <usize>rows << 3;
  for (let i = 0; i < rows; i += 4) {
    const g0 = gp + <usize>i * rowBytes;
    const g1 = g0 + rowBytes;
    const g2 = g1 + rowBytes;
    const g3 = g2 + rowBytes;
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let k: usize = 0; k < rowBytes; k += 16) {
      const c = v128.load(cp + k);
      s0 = f64x2.add(s0, f64x2.mul(v128.load(g0 + k), c));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(g1 + k), c));
      s2 = f64x2.add(s2, f64x2.mul(v128.load(g2 + k), c));
      s3 = f64x2.add(s3, f64x2.mul(v128.load(g3 + k), c));
    }
    const o = zp + (<usize>i << 3);
    store<f64>(o, f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1));
    store<f64>(o, f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1), 8);
    store<f64>(o, f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1), 16);
    store<f64>(o, f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1), 24);
  }
}

// V8's Math.exp, so that A = σ(z) here is bit for bit what the plain path computes: fdlibm's
// __ieee754_exp (V8 ports it in src/base/ieee754.cc, with exp(1) = e exactly), written with
// the same constants and the same order of operations.
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;
const TWO_M1000: f64 = 9.33263618503218878990e-302;

@inline function highWord(x: f64): u32 {
  return <u32>(reinterpret<u64>(x) >> 32);
}

@inline function addToExponent(y: f64, k: i32): f64 {
  return reinterpret<f64>(reinterpret<u64>(y) + (<u64>(<i64>k) << 52));
}

export function expV8(x: f64): f64 {
  let hx = highWord(x);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>reinterpret<u64>(x)) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0.0; // exp(+-inf) = inf, 0
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  if (x == 1.0) return 2.718281828459045;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INV_LN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1.0 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return addToExponent(y, k);
  return addToExponent(y, k + 1000) * TWO_M1000;
}

// Math.fround when `f32`, else x: where the plain path stores into a float32 tensor.
@inline function rnd(x: f64, f32: bool): f64 {
  return f32 ? <f64><f32>x : x;
}

/**
 * One iteration of gradient descent on the coefficients c (see logistic-gram.ts): z = G c
 * (the product of gemvF64, inlined), A = σ(z + z0 + b), dZ = A - Y, c -= lr·(dZ/m),
 * b -= lr·Σ dZ/m. Float64 arrays of `rows` entries (padding zero) at cp, zp, z0p, yp, a0p
 * (A, for the cost), dzp (dZ); db is stored at dbp. Returns the new b.
 */
export function step(
  gp: usize, cp: usize, zp: usize, z0p: usize, yp: usize, a0p: usize, dzp: usize, dbp: usize,
  rows: i32, m: i32, lr: f64, b: f64, f32: bool,
): f64 {
  const inv = 1.0 / <f64>m;
  gemvF64(gp, cp, zp, rows);
  let sum: f64 = 0;
  for (let j = 0; j < m; j++) {
    const o = <usize>j << 3;
    const z = rnd(load<f64>(zp + o) + load<f64>(z0p + o), f32);
    const a = rnd(1.0 / (1.0 + expV8(-rnd(z + b, f32))), f32);
    store<f64>(a0p + o, a);
    const d = rnd(a - load<f64>(yp + o), f32);
    store<f64>(dzp + o, d);
    store<f64>(cp + o, rnd(load<f64>(cp + o) - rnd(lr * rnd(inv * d, f32), f32), f32));
    sum += d;
  }
  const db = inv * rnd(sum, f32);
  store<f64>(dbp, db);
  return rnd(b - lr * db, f32);
}

/**
 * w[k] += (Σ_j u[j,k]·c[j]) / scale for the `m` uint8 rows at `u` (`stride` bytes apart, a
 * multiple of 8), k < stride: float64 arrays c (m entries) and w, acc (stride entries; acc is
 * scratch). Sums over j in order, two features a lane, as weightsFromPixels does.
 */
export function addWeightsU8(u: usize, stride: i32, m: i32, cp: usize, accp: usize, wp: usize, scale: f64): void {
  const bytes = <usize>stride << 3;
  memory.fill(accp, 0, bytes);
  for (let j = 0; j < m; j++) {
    const cj = f64x2.splat(load<f64>(cp + (<usize>j << 3)));
    const row = u + <usize>j * <usize>stride;
    for (let k: usize = 0; k < <usize>stride; k += 8) {
      const px = i16x8.extend_low_i8x16_u(v128.load64_zero(row + k));
      const lo = i32x4.extend_low_i16x8_u(px);
      const hi = i32x4.extend_high_i16x8_u(px);
      const a = accp + (k << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.mul(f64x2.convert_low_i32x4_u(lo), cj)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(lo, lo, 2, 3, 0, 1)), cj)), 16);
      v128.store(a, f64x2.add(v128.load(a, 32), f64x2.mul(f64x2.convert_low_i32x4_u(hi), cj)), 32);
      v128.store(a, f64x2.add(v128.load(a, 48), f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(hi, hi, 2, 3, 0, 1)), cj)), 48);
    }
  }
  const s = f64x2.splat(scale);
  for (let k: usize = 0; k < bytes; k += 16) {
    v128.store(wp + k, f64x2.add(v128.load(wp + k), f64x2.div(v128.load(accp + k), s)));
  }
}

/**
 * out[j] = (Σ_k u[j,k]·w[k]) / scale for the `m` uint8 rows at `u` (`stride` bytes apart, a
 * multiple of 8; w has `stride` float64 entries, zero past the features). Each row is summed
 * in four partial sums, over k ≡ 0, 1, 2, 3 (mod 4), combined as (s0 + s2) + (s1 + s3): the
 * order of scoresFromPixels.
 */
export function scoresU8(u: usize, stride: i32, m: i32, wp: usize, outp: usize, scale: f64): void {
  for (let j = 0; j < m; j++) {
    const row = u + <usize>j * <usize>stride;
    let s01 = f64x2.splat(0);
    let s23 = s01;
    for (let k: usize = 0; k < <usize>stride; k += 8) {
      const px = i16x8.extend_low_i8x16_u(v128.load64_zero(row + k));
      const lo = i32x4.extend_low_i16x8_u(px);
      const hi = i32x4.extend_high_i16x8_u(px);
      const w = wp + (k << 3);
      s01 = f64x2.add(s01, f64x2.mul(f64x2.convert_low_i32x4_u(lo), v128.load(w)));
      s23 = f64x2.add(s23, f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(lo, lo, 2, 3, 0, 1)), v128.load(w, 16)));
      s01 = f64x2.add(s01, f64x2.mul(f64x2.convert_low_i32x4_u(hi), v128.load(w, 32)));
      s23 = f64x2.add(s23, f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(hi, hi, 2, 3, 0, 1)), v128.load(w, 48)));
    }
    const t = f64x2.add(s01, s23);
    store<f64>(outp + (<usize>j << 3), (f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1)) / scale);
  }
}
