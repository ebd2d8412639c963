import type { TypedArray } from '../core/dtype.js';
import { COMPARE_LOOPS, type CompareKind } from './elementwise-compare.js';
import type { BinaryKind } from './elementwise.js';

/**
 * One plane of a binary op (see `planes` in strided.ts): for r < rows and j < cols,
 * o[q + r·cols + j] = f(a[pa + r·ar + j·ac], b[pb + r·br + j·bc]). The common cases are
 * one plane: contiguous operands (one row, column stride 1), a scalar (strides 0), a bias
 * over rows (row stride 0) and a column over columns (column stride 0).
 */
export type BinaryLoop = (
  o: TypedArray,
  q: number,
  a: TypedArray,
  pa: number,
  ar: number,
  ac: number,
  b: TypedArray,
  pb: number,
  br: number,
  bc: number,
  rows: number,
  cols: number,
) => void;

// Two slots to choose from by index instead of by branch (see maximum below).
const PICK = new Float64Array(2);

/**
 * Every arithmetic kind's loop written out with its formula inline, giving `BINARY`'s value
 * (elementwise.ts) for every input. One shared loop calling `BINARY[kind]` per element ran
 * about 20× slower: its call site sees every kind, so V8 inlines none. One row of
 * contiguous operands, or of one contiguous and one scalar, takes a plain indexed loop; any
 * other plane advances positions by counters (a row ends when j reaches cols), never by
 * division.
 *
 * maximum avoids a branch on the data, which random signs make the predictor miss half the
 * time (about 3× slower): it reads its result from PICK at the index of the chosen operand,
 * y when y > x, when y is NaN (x NaN is never below y, so it stays chosen), and when x === y
 * with x negative, which turns max(-0, +0) into +0 as Math.max does (1 / -0 = -Infinity).
 * minimum mirrors it.
 */
const ARITH_LOOPS: Record<Exclude<BinaryKind, CompareKind>, BinaryLoop> = {
  add(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = x + y;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = x + y;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = x + y;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = x + y;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  sub(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = x - y;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = x - y;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = x - y;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = x - y;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  mul(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = x * y;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = x * y;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = x * y;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = x * y;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  div(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = x / y;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = x / y;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = x / y;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = x / y;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  pow(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : x ** y;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : x ** y;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : x ** y;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : x ** y;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  maximum(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y > x) | +(y !== y) | (+(x === y) & +(1 / x < 0))] as number;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y > x) | +(y !== y) | (+(x === y) & +(1 / x < 0))] as number;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y > x) | +(y !== y) | (+(x === y) & +(1 / x < 0))] as number;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y > x) | +(y !== y) | (+(x === y) & +(1 / x < 0))] as number;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  minimum(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y < x) | +(y !== y) | (+(x === y) & +(1 / x > 0))] as number;
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y < x) | +(y !== y) | (+(x === y) & +(1 / x > 0))] as number;
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y < x) | +(y !== y) | (+(x === y) & +(1 / x > 0))] as number;
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        PICK[0] = x;
        PICK[1] = y;
        o[q + i] = PICK[+(y < x) | +(y !== y) | (+(x === y) & +(1 / x > 0))] as number;
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
};

/** The loop of every binary kind, checked complete by the compiler. */
export const BINARY_LOOPS: Record<BinaryKind, BinaryLoop> = { ...ARITH_LOOPS, ...COMPARE_LOOPS };
