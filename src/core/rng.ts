import { ArgumentError } from './errors.js';

/**
 * A seeded generator that reproduces numpy's legacy `np.random.RandomState` bit for bit, so
 * that weights initialised here match the classic notes' `np.random.seed(1)` runs exactly.
 * `randn` needs a log; ours is correctly rounded, glibc's (which numpy uses) nearly so, and the
 * two disagree by 1 ulp on rare inputs (test/core/rng.test.ts records how many draws differ).
 *
 * @example
 * const rng = new RandomState(1);
 * const w = rng.randnArray(4); // same as np.random.seed(1); np.random.randn(4)
 */

const N = 624; // words of state
const M = 397; // the twist's middle offset
const TWO32 = 4294967296;

/**
 * Everything needed to resume a stream: numpy's `get_state()` tuple as a JSON-safe object.
 * @example const s = rng.getState(); JSON.stringify(s); // store with a checkpoint
 */
export interface RandomStateSnapshot {
  /** The 624 words of the Mersenne Twister, each 0..2**32-1. */
  readonly key: readonly number[];
  /** Index of the next word to temper, 0..624 (624 means "regenerate first"). */
  readonly pos: number;
  /** Whether `randn` holds the second value of its last pair. */
  readonly hasGauss: boolean;
  readonly gauss: number;
}

// A correctly rounded natural log in double-double arithmetic. numpy's normals call glibc's
// log, which misrounds rarely (9 of the 15,000 inputs behind the test fixture); V8's Math.log
// (fdlibm) misrounds 7% of them, which moved 3% of the normals by 1-2 ulp.
type DD = readonly [number, number];
const twoSum = (a: number, b: number): DD => {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
};
// Dekker's exact product (JS has no fused multiply-add): split each factor into 26-bit halves.
const twoProd = (a: number, b: number): DD => {
  const ca = 134217729 * a;
  const cb = 134217729 * b;
  const [ah, bh] = [ca - (ca - a), cb - (cb - b)];
  const [al, bl, p] = [a - ah, b - bh, a * b];
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
};
const ddMul = (a: DD, b: DD): DD => {
  const [p, e] = twoProd(a[0], b[0]);
  return twoSum(p, e + a[0] * b[1] + a[1] * b[0]);
};
const ddAdd = (a: DD, b: DD): DD => {
  const [s, e] = twoSum(a[0], b[0]);
  return twoSum(s, e + a[1] + b[1]);
};
// 1/3, 1/5 and ln 2 to 106 bits, as double + remainder.
const THIRD: DD = [0.3333333333333333, 1.850371707708594e-17];
const FIFTH: DD = [0.2, -1.1102230246251566e-17];
const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const TAIL = Array.from({ length: 11 }, (_, i) => 1 / (27 - 2 * i)); // 1/27 .. 1/7
const bits = new DataView(new ArrayBuffer(8));

/** log(x) for positive finite x: x = 2**k * m, log m = 2 atanh(s), s = (m-1)/(m+1). */
function preciseLog(x: number): number {
  let k = 0;
  if (x < 2.2250738585072014e-308) [x, k] = [x * 18014398509481984, -54]; // subnormal: * 2**54
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  k += (high >>> 20) - 1023;
  bits.setUint32(0, (high & 0xfffff) | 0x3ff00000);
  let m = bits.getFloat64(0);
  if (m > Math.SQRT2) [m, k] = [m / 2, k + 1]; // keeps |s| <= 0.172
  const f = m - 1;
  const [dh, dl] = twoSum(m, 1);
  const sh = f / dh;
  const [p, e] = twoProd(sh, dh);
  const s: DD = [sh, (f - p - e - sh * dl) / dh];
  // atanh(s)/s = 1 + z/3 + z²/5 + z³(1/7 + z/9 + ...), z = s²; terms past 1/27 are < 2**-70.
  const z = ddMul(s, s);
  let t = 0;
  for (const c of TAIL) t = t * z[0] + c;
  let w = ddAdd(FIFTH, [z[0] * t, 0]);
  w = ddAdd(THIRD, ddMul(z, w));
  w = ddAdd([1, 0], ddMul(z, w));
  const half = ddMul(s, w);
  const [kp, ke] = twoProd(k, LN2[0]);
  return ddAdd([kp, ke + k * LN2[1]], [2 * half[0], 2 * half[1]])[0];
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(op, 'n', `expected a non-negative integer, got ${n}`);
}

/**
 * numpy's legacy `RandomState`: MT19937 with `init_genrand` integer seeding.
 * @example
 * const rng = new RandomState(42);
 * rng.random(); // 0.3745401188473625, as np.random.RandomState(42).random_sample()
 */
export class RandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /** @param seed an integer 0..2**32-1, as `np.random.seed` accepts. */
  constructor(seed: number) {
    this.seed(seed);
  }

  /**
   * Restart the stream from `seed`, forgetting any cached normal, as `np.random.seed` does.
   * @example rng.seed(1); rng.randn(); // 1.6243453636632417
   */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > TWO32 - 1) {
      throw new ArgumentError('RandomState', 'seed', `expected an integer in 0..2**32-1, got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ?? 0;
      // Math.imul keeps the low 32 bits of the product exactly; a float multiply would round.
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** The MT19937 twist; `% N` wraps to words already refreshed in this pass, as the reference does. */
  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = ((mt[i] ?? 0) & 0x80000000) | ((mt[(i + 1) % N] ?? 0) & 0x7fffffff);
      mt[i] = (mt[(i + M) % N] ?? 0) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }

  /** One raw tempered word, 0..2**32-1 (numpy's `next_uint32`). @example new RandomState(0).next32() // 2357136044 */
  next32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) from 53 bits (numpy's `random_sample`). @example new RandomState(0).random() // 0.548813... */
  random(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * A standard normal draw by numpy's legacy polar Box–Muller (`legacy_gauss`). Each accepted
   * pair yields two normals; the second is cached, so draws come in pairs from the stream.
   * @example new RandomState(1).randn(); // 1.6243453636632417
   */
  randn(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const g = this.gauss;
      this.gauss = 0;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * preciseLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `n` draws of `random()`. @example new RandomState(0).randArray(3) // np.random.rand(3) */
  randArray(n: number): Float64Array {
    checkCount('randArray', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.random();
    return out;
  }

  /** `n` draws of `randn()`. @example new RandomState(1).randnArray(3) // np.random.randn(3) */
  randnArray(n: number): Float64Array {
    checkCount('randnArray', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.randn();
    return out;
  }

  /**
   * A uniform integer in [0, max] by numpy's masked rejection (`random_interval` and the
   * masked `random_bounded_uint64`): draw, keep the bits under the smallest 2**k-1 >= max,
   * retry while too large. Ranges past 32 bits take two words, high word first.
   */
  private bounded(max: number): number {
    if (max === 0) return 0;
    let mask = 1; // smallest 2**k - 1 >= max, in float arithmetic since max may pass 2**32
    while (mask < max) mask = mask * 2 + 1;
    const hiMask = Math.floor(mask / TWO32);
    let v: number;
    do v = max < TWO32 ? (this.next32() & mask) >>> 0 : (this.next32() & hiMask) * TWO32 + this.next32();
    while (v > max);
    return v;
  }

  /**
   * An integer in [low, high), or [0, low) when `high` is omitted: numpy's legacy `randint`
   * with its default int64 dtype, for bounds that are safe integers.
   * @example new RandomState(5).randint(0, 10) // as np.random.RandomState(5).randint(0, 10)
   */
  randint(low: number, high?: number): number {
    const [lo, span] = this.checkRange('randint', low, high);
    return lo + this.bounded(span);
  }

  /** `n` draws of `randint(low, high)`. @example rng.randintArray(0, 10, 5) // randint(0, 10, 5) */
  randintArray(low: number, high: number, n: number): Float64Array {
    const [lo, span] = this.checkRange('randintArray', low, high);
    checkCount('randintArray', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + this.bounded(span);
    return out;
  }

  /** Validates bounds once; returns the offset and the inclusive span high - 1 - low. */
  private checkRange(op: string, low: number, high: number | undefined): [number, number] {
    const [lo, hi] = high === undefined ? [0, low] : [low, high];
    for (const [name, v] of [['low', lo], ['high', hi]] as const) {
      if (!Number.isSafeInteger(v)) throw new ArgumentError(op, name, `expected a safe integer, got ${v}`);
    }
    if (lo >= hi) throw new ArgumentError(op, 'high', `low >= high: low=${lo} high=${hi}`);
    const span = hi - 1 - lo;
    if (!Number.isSafeInteger(span)) throw new ArgumentError(op, 'high', `range ${lo}..${hi} exceeds 2**53`);
    return [lo, span];
  }

  /**
   * Shuffle in place like numpy's legacy `shuffle` on a 1-d array: Fisher–Yates from the end,
   * j = random_interval(i).
   * @example const a = [0, 1, 2, 3]; new RandomState(3).shuffle(a);
   */
  shuffle<T>(arr: { length: number; [i: number]: T }): void {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.bounded(i);
      // Both indices are in range, so the reads are never undefined.
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
  }

  /** A shuffled `0..n-1`, as numpy's `permutation(n)`. @example new RandomState(3).permutation(5) */
  permutation(n: number): Int32Array {
    checkCount('permutation', n);
    if (n > 0x7fffffff) throw new ArgumentError('permutation', 'n', `must fit in int32, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /** A JSON-safe copy of the full state. @example const s = rng.getState(); rng.randn(); rng.setState(s) */
  getState(): RandomStateSnapshot {
    return { key: Array.from(this.mt), pos: this.pos, hasGauss: this.hasGauss, gauss: this.gauss };
  }

  /**
   * Resume from a `getState()` snapshot (or numpy's `get_state()` fields, in the same order).
   * @example rng.setState(JSON.parse(savedJson));
   */
  setState(state: RandomStateSnapshot): void {
    const op = 'RandomState.setState';
    const { key, pos, hasGauss, gauss } = state;
    if (!Array.isArray(key) || key.length !== N) throw new ArgumentError(op, 'key', `expected ${N} words`);
    const bad = key.findIndex((w) => !Number.isInteger(w) || w < 0 || w > TWO32 - 1);
    if (bad >= 0) throw new ArgumentError(op, 'key', `word ${bad} is not an integer in 0..2**32-1: ${key[bad]}`);
    if (!Number.isInteger(pos) || pos < 0 || pos > N) throw new ArgumentError(op, 'pos', `not in 0..${N}: ${pos}`);
    if (typeof hasGauss !== 'boolean') throw new ArgumentError(op, 'hasGauss', `expected a boolean, got ${hasGauss}`);
    if (typeof gauss !== 'number') throw new ArgumentError(op, 'gauss', `expected a number, got ${gauss}`);
    this.mt.set(key);
    this.pos = pos;
    this.hasGauss = hasGauss;
    this.gauss = gauss;
  }
}
