// AssemblyScript source of the WebAssembly SIMD matrix product behind src/kernels/matmul-wasm.ts.
// Compiled by `npm run build:wasm` (src/kernels/wasm/build.mjs) into the base64 module
// src/kernels/matmul-wasm-module.ts (.as so that tsc does not read it as TypeScript).
//
// The caller copies both operands into the imported memory and passes byte addresses. Each
// 4 x 4 tile of c keeps its 16 sums in 8 f64x2 registers over kc steps, then adds them to c.

/**
 * c[4·ip.., 4·jp..] += a[4·ip.., 0..kc) · b[0..kc, 4·jp..] for ip < mPanels, jp < nPanels.
 * All strides in bytes: a[i, p] at a + i·aRow + p·aStep (any layout: its values are
 * splatted one by one), b[p, 4·jp..4·jp+3] at b + jp·panel + p·ldb, four contiguous values
 * (packed by `packB`: panel = 32·kc, ldb = 32; row-major as placed: panel = 32, ldb = 8·n),
 * c rows ldc apart.
 * Rows of a and columns of b past the caller's m and n read whatever lies there and only
 * reach the padding rows and columns of c, which the caller drops.
 * jp outer, ip inner: one b panel (kc x 4) stays in L1 while the a panels pass over it.
 */
export function tiles(
  a: usize, aRow: usize, aStep: usize, b: usize, ldb: usize, panel: usize, kc: i32,
  mPanels: i32, nPanels: i32, c: usize, ldc: usize,
): void {
  for (let jp = 0; jp < nPanels; jp++) {
    const b0 = b + <usize>jp * panel;
    const cj = c + (<usize>jp << 5);
    for (let ip = 0; ip < mPanels; ip++) {
      let a0 = a + (<usize>ip << 2) * aRow;
      let a1 = a0 + aRow;
      let a2 = a1 + aRow;
      let a3 = a2 + aRow;
      let q = b0;
      let c00 = f64x2.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      for (let p = 0; p < kc; p++) {
        const b01 = v128.load(q);
        const b23 = v128.load(q, 16);
        let x = v128.load64_splat(a0);
        c00 = f64x2.add(c00, f64x2.mul(x, b01));
        c01 = f64x2.add(c01, f64x2.mul(x, b23));
        x = v128.load64_splat(a1);
        c10 = f64x2.add(c10, f64x2.mul(x, b01));
        c11 = f64x2.add(c11, f64x2.mul(x, b23));
        x = v128.load64_splat(a2);
        c20 = f64x2.add(c20, f64x2.mul(x, b01));
        c21 = f64x2.add(c21, f64x2.mul(x, b23));
        x = v128.load64_splat(a3);
        c30 = f64x2.add(c30, f64x2.mul(x, b01));
        c31 = f64x2.add(c31, f64x2.mul(x, b23));
        a0 += aStep;
        a1 += aStep;
        a2 += aStep;
        a3 += aStep;
        q += ldb;
      }
      let o = cj + (<usize>ip << 2) * ldc;
      v128.store(o, f64x2.add(v128.load(o), c00));
      v128.store(o, f64x2.add(v128.load(o, 16), c01), 16);
      o += ldc;
      v128.store(o, f64x2.add(v128.load(o), c10));
      v128.store(o, f64x2.add(v128.load(o, 16), c11), 16);
      o += ldc;
      v128.store(o, f64x2.add(v128.load(o), c20));
      v128.store(o, f64x2.add(v128.load(o, 16), c21), 16);
      o += ldc;
      v128.store(o, f64x2.add(v128.load(o), c30));
      v128.store(o, f64x2.add(v128.load(o, 16), c31), 16);
    }
  }
}

/**
 * Σ x[i]·y[i] for i < n (f64 at byte addresses x and y), in exactly the order of the plain
 * `dotF64Plain` of src/kernels/matmul.ts, so the two give the same bits: four partial sums
 * s_r = Σ over i ≡ r (mod 4) of x[i]·y[i] (s0, s1 in the lanes of one f64x2, s2, s3 in the
 * other; products rounded, then added, as in JavaScript), the n mod 4 last terms added to s0,
 * and the result (s0 + s1) + (s2 + s3).
 */
export function dot(x: usize, y: usize, n: i32): f64 {
  let v01 = f64x2.splat(0);
  let v23 = v01;
  const n4 = n & ~3;
  const end = x + (<usize>n4 << 3);
  let p = x;
  let q = y;
  while (p < end) {
    v01 = f64x2.add(v01, f64x2.mul(v128.load(p), v128.load(q)));
    v23 = f64x2.add(v23, f64x2.mul(v128.load(p, 16), v128.load(q, 16)));
    p += 32;
    q += 32;
  }
  let s0 = f64x2.extract_lane(v01, 0);
  for (let i = n4; i < n; i++) {
    s0 += load<f64>(x + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3));
  }
  return s0 + f64x2.extract_lane(v01, 1) + (f64x2.extract_lane(v23, 0) + f64x2.extract_lane(v23, 1));
}

/**
 * Packs kc rows of a row-major b (rows lds bytes apart) into panels of 4 columns: panel jp
 * holds b[p, 4·jp..4·jp+3] for p < kc, 32 bytes a row, so that `tiles` reads each panel
 * sequentially (in the row-major layout a row stride of 4 KiB sends every row of a panel to
 * the same L1 set). The last panel's columns past n copy whatever follows the row; they only
 * reach the padding columns of c.
 */
export function packB(src: usize, lds: usize, kc: i32, nPanels: i32, dst: usize): void {
  let d = dst;
  for (let jp = 0; jp < nPanels; jp++) {
    let q = src + (<usize>jp << 5);
    for (let p = 0; p < kc; p++) {
      v128.store(d, v128.load(q));
      v128.store(d, v128.load(q, 16), 16);
      d += 32;
      q += lds;
    }
  }
}
