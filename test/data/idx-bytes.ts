/** Hand-built idx and CIFAR-10 bytes for the reader tests. */

/** A big-endian idx file: magic 0x0000080<rank>, the dimensions, then the uint8 values. */
export function idxBytes(dims: readonly number[], values: ArrayLike<number>, magic = 0x800 + dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(Array.from(values), 4 + 4 * dims.length);
  return out;
}

/** `m` images of rows x cols whose pixel j of image i is (i * 16 + j) % 256. */
export function idxImages(m: number, rows = 2, cols = 3): Uint8Array {
  return idxBytes([m, rows, cols], Array.from({ length: m * rows * cols }, (_, k) => k % 256));
}

export const idxLabels = (labels: readonly number[]): Uint8Array => idxBytes([labels.length], labels);

/** CIFAR-10 records: each label byte, then red, green and blue planes filled with label*10 + channel (and the pixel index in the red plane). */
export function cifarBytes(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    const at = i * 3073;
    out[at] = label;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) out[at + 1 + c * 1024 + p] = c === 0 ? p % 256 : label * 10 + c;
  });
  return out;
}
