import type { BinaryLoop } from './elementwise-fast.js';

export type CompareKind = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

/**
 * The comparisons' loops, laid out as the arithmetic ones (`BINARY_LOOPS` in
 * elementwise-fast.ts). Each gives 1 or 0 as `+(x > y)`: a branch on the data would be
 * mispredicted half the time on random signs (about 4× slower), the conversion of the
 * comparison's bit is not a branch.
 */
export const COMPARE_LOOPS: Record<CompareKind, BinaryLoop> = {
  equal(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = +(x === y);
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = +(x === y);
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = +(x === y);
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = +(x === y);
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  notEqual(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = +(x !== y);
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = +(x !== y);
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = +(x !== y);
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = +(x !== y);
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  less(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = +(x < y);
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = +(x < y);
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = +(x < y);
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = +(x < y);
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  lessEqual(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = +(x <= y);
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = +(x <= y);
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = +(x <= y);
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = +(x <= y);
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  greater(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = +(x > y);
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = +(x > y);
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = +(x > y);
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = +(x > y);
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
  greaterEqual(o, q, a, pa, ar, ac, b, pb, br, bc, rows, cols) {
    const n = rows * cols;
    if (rows === 1 && ac === 1 && bc === 1) {
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        const y = b[pb + i] as number;
        o[q + i] = +(x >= y);
      }
    } else if (rows === 1 && ac === 1 && bc === 0) {
      const y = b[pb] as number;
      for (let i = 0; i < n; i++) {
        const x = a[pa + i] as number;
        o[q + i] = +(x >= y);
      }
    } else if (rows === 1 && ac === 0 && bc === 1) {
      const x = a[pa] as number;
      for (let i = 0; i < n; i++) {
        const y = b[pb + i] as number;
        o[q + i] = +(x >= y);
      }
    } else {
      const ja = ar - cols * ac;
      const jb = br - cols * bc;
      for (let i = 0, j = 0; i < n; i++) {
        const x = a[pa] as number;
        const y = b[pb] as number;
        o[q + i] = +(x >= y);
        pa += ac;
        pb += bc;
        if (++j === cols) (j = 0), (pa += ja), (pb += jb);
      }
    }
  },
};
