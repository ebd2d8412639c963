/**
 * The matrix products of the notes' deep models on the 209 cat images of 12288 pixels, shared
 * by bench/matmul.ts and (as JSON on its command line) bench/numpy_matmul.py.
 * 4-layer [12288, 20, 7, 5, 1] and 2-layer [12288, 7, 1]: the first layer's forward product,
 * its weight gradient dZ1 @ Xᵀ, and the second layer's dA1 = W2ᵀ @ dZ2; and 512³, the
 * issue's square product, in float64 and float32.
 */
export interface MatmulShape {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** a is the transposed view of a stored (k x m) matrix. */
  readonly aTransposed: boolean;
  /** b is the transposed view of a stored (n x k) matrix. */
  readonly bTransposed: boolean;
  readonly seed: number;
  /** float64 unless given: both operands drawn in float64, then rounded to float32. */
  readonly dtype?: 'float64' | 'float32';
}

export const MATMUL_SHAPES: readonly MatmulShape[] = [
  { name: 'W1 @ X (20x12288 @ 12288x209)', m: 20, k: 12288, n: 209, aTransposed: false, bTransposed: false, seed: 1 },
  { name: 'dZ1 @ Xᵀ (20x209 @ 209x12288)', m: 20, k: 209, n: 12288, aTransposed: false, bTransposed: true, seed: 2 },
  { name: 'W2ᵀ @ dZ2 (20x7 @ 7x209)', m: 20, k: 7, n: 209, aTransposed: true, bTransposed: false, seed: 3 },
  { name: 'W1 @ X (7x12288 @ 12288x209)', m: 7, k: 12288, n: 209, aTransposed: false, bTransposed: false, seed: 4 },
  { name: 'dZ1 @ Xᵀ (7x209 @ 209x12288)', m: 7, k: 209, n: 12288, aTransposed: false, bTransposed: true, seed: 5 },
  { name: 'W2ᵀ @ dZ2 (7x1 @ 1x209)', m: 7, k: 1, n: 209, aTransposed: true, bTransposed: false, seed: 6 },
  { name: '512³ float64', m: 512, k: 512, n: 512, aTransposed: false, bTransposed: false, seed: 7 },
  { name: '512³ float32', m: 512, k: 512, n: 512, aTransposed: false, bTransposed: false, seed: 7, dtype: 'float32' },
];
