// Adam's update in WebAssembly SIMD (src/kernels/optim-wasm.ts copies the arrays in and out).
// The operations of src/kernels/optim.ts's adamUpdate, in its order, each an IEEE operation of
// the array's width (f32x4 lanes are float32 operations, as the float32 loop rounds each step
// with Math.fround; f64x2 lanes are float64 ones), so the results are the same bits.
// p, g, v, s: byte offsets of n elements each; v and s are read and overwritten, p overwritten.

export function adamF64(p: usize, g: usize, v: usize, s: usize, n: i32, b1: f64, b2: f64, k1: f64, k2: f64, lr: f64, eps: f64, c1: f64, c2: f64): void {
  const vb1 = f64x2.splat(b1);
  const vb2 = f64x2.splat(b2);
  const vk1 = f64x2.splat(k1);
  const vk2 = f64x2.splat(k2);
  const vlr = f64x2.splat(lr);
  const veps = f64x2.splat(eps);
  const vc1 = f64x2.splat(c1);
  const vc2 = f64x2.splat(c2);
  const n2 = n & ~1;
  for (let i = 0; i < n2; i += 2) {
    const o = (<usize>i) << 3;
    const gi = v128.load(g + o);
    const vi = f64x2.add(f64x2.mul(vb1, v128.load(v + o)), f64x2.mul(vk1, gi));
    const si = f64x2.add(f64x2.mul(vb2, v128.load(s + o)), f64x2.mul(vk2, f64x2.mul(gi, gi)));
    v128.store(v + o, vi);
    v128.store(s + o, si);
    const step = f64x2.div(f64x2.mul(vlr, f64x2.div(vi, vc1)), f64x2.add(f64x2.sqrt(f64x2.div(si, vc2)), veps));
    v128.store(p + o, f64x2.sub(v128.load(p + o), step));
  }
  for (let i = n2; i < n; i++) {
    const o = (<usize>i) << 3;
    const gi = load<f64>(g + o);
    const vi = b1 * load<f64>(v + o) + k1 * gi;
    const si = b2 * load<f64>(s + o) + k2 * (gi * gi);
    store<f64>(v + o, vi);
    store<f64>(s + o, si);
    store<f64>(p + o, load<f64>(p + o) - (lr * (vi / c1)) / (Math.sqrt(si / c2) + eps));
  }
}

export function adamF32(p: usize, g: usize, v: usize, s: usize, n: i32, b1: f32, b2: f32, k1: f32, k2: f32, lr: f32, eps: f32, c1: f32, c2: f32): void {
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const vk1 = f32x4.splat(k1);
  const vk2 = f32x4.splat(k2);
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(eps);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const gi = v128.load(g + o);
    const vi = f32x4.add(f32x4.mul(vb1, v128.load(v + o)), f32x4.mul(vk1, gi));
    const si = f32x4.add(f32x4.mul(vb2, v128.load(s + o)), f32x4.mul(vk2, f32x4.mul(gi, gi)));
    v128.store(v + o, vi);
    v128.store(s + o, si);
    const step = f32x4.div(f32x4.mul(vlr, f32x4.div(vi, vc1)), f32x4.add(f32x4.sqrt(f32x4.div(si, vc2)), veps));
    v128.store(p + o, f32x4.sub(v128.load(p + o), step));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const gi = load<f32>(g + o);
    const vi = b1 * load<f32>(v + o) + k1 * gi;
    const si = b2 * load<f32>(s + o) + k2 * (gi * gi);
    store<f32>(v + o, vi);
    store<f32>(s + o, si);
    store<f32>(p + o, load<f32>(p + o) - (lr * (vi / c1)) / (Mathf.sqrt(si / c2) + eps));
  }
}
