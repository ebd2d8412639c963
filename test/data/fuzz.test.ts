/**
 * Fuzzing the data loaders: mutated HDF5 files (bytes overwritten, cut short, with a byte
 * run deleted) and mutated images must each end in a correct load or a one-line DataError,
 * within a time bound: no crash of h5wasm or sharp, no hang, no other exception. Fixed seed,
 * bounded runs. Each case is written to its own file under the OS temp folder.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { loadLabelledImages } from '../../src/data/dataset.js';
import * as h5wasm from 'h5wasm/node';
import { hdf5Restarts, withHdf5File } from '../../src/data/hdf5.js';
import { encodePng, readImageForModel } from '../../src/data/image.js';
import { CLASS_LIST, images, int64, removeTempDirs, tempDir, TEST, writeH5 } from './fixtures.js';

const SEED = 20261126;
let dir: string;
let small: Buffer;
let real: Buffer;
let png: Buffer;
let n = 0;

beforeAll(async () => {
  dir = await tempDir();
  small = await readFile(await writeH5(join(dir, 'small.h5'), { train_set_x: images(5, 4, 4), train_set_y: int64([0, 1, 1, 0, 1]), list_classes: CLASS_LIST }));
  real = await readFile(TEST);
  png = Buffer.from(await encodePng(Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 31) % 256), 16, 16, 3));
});
afterAll(removeTempDirs);

type Outcome = 'ok' | 'refused';

/** Writes `bytes` to a fresh file, runs `load` on it, and classifies the end: a load, or a one-line DataError. */
async function outcome(bytes: Uint8Array, load: (file: string) => Promise<unknown>, check: (v: unknown) => void): Promise<Outcome> {
  const file = join(dir, `case-${n++}`);
  await writeFile(file, bytes);
  const t0 = performance.now();
  try {
    check(await load(file));
    return 'ok';
  } catch (e) {
    if (!(e instanceof DataError)) throw new Error(`not a DataError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (e.message.includes('\n')) throw new Error(`a message of several lines: ${e.message}`);
    // h5wasm's abort() leaves its module unusable for the rest of the process: never acceptable.
    if (e.message.includes('Aborted(')) throw new Error(`h5wasm aborted: ${e.message}`);
    return 'refused';
  } finally {
    expect(performance.now() - t0).toBeLessThan(5000);
    await rm(file, { force: true });
  }
}

/** A loaded set is consistent: uint8 (m, h, w, 3) pixels, m labels that index the classes. */
function consistent(v: unknown): void {
  const s = v as Awaited<ReturnType<typeof loadLabelledImages>>;
  const [m, h, w, c] = s.x.shape;
  expect(s.x.dtype).toBe('uint8');
  expect(c).toBe(3);
  expect(s.x.size).toBe((m ?? 0) * (h ?? 0) * (w ?? 0) * 3);
  expect(s.y.shape).toEqual([1, m]);
  for (const y of s.y.values()) expect(y >= 0 && y < s.classes.length).toBe(true);
}

/** Overwrite 1-8 bytes in [from, to), cut the file short, or delete a run of bytes. */
const mutation = (base: Buffer, from: number, to: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.array(fc.tuple(fc.integer({ min: from, max: to - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const b = Uint8Array.from(base);
      for (const [at, v] of edits) b[at] = v;
      return b;
    }) },
    { weight: 1, arbitrary: fc.nat({ max: base.length - 1 }).map((len) => base.subarray(0, len)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: from, max: to - 1 }), fc.integer({ min: 1, max: 64 })).map(([at, len]) => Buffer.concat([base.subarray(0, at), base.subarray(at + len)])) },
  );

describe('HDF5 files under fuzzing', () => {
  it('loads the unmutated files', async () => {
    consistent(await loadLabelledImages(join(dir, 'small.h5')));
    consistent(await loadLabelledImages(TEST));
  });

  it('a small file, mutated anywhere: a correct load or a DataError', async () => {
    const seen = { ok: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(mutation(small, 0, small.length), async (bytes) => void seen[await outcome(bytes, loadLabelledImages, consistent)]++), { seed: SEED, numRuns: 3000 });
    expect(seen.refused).toBeGreaterThan(100);
    expect(seen.ok).toBeGreaterThan(10);
    // HDF5 is still sound after thousands of corrupt files.
    consistent(await loadLabelledImages(TEST));
  }, 120_000);

  it('the course test file, mutated in its metadata (the first 4 KiB): a correct load or a DataError', async () => {
    const seen = { ok: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(mutation(real, 0, 4096), async (bytes) => void seen[await outcome(bytes, loadLabelledImages, consistent)]++), { seed: SEED, numRuns: 500 });
    expect(seen.refused).toBeGreaterThan(20);
    consistent(await loadLabelledImages(TEST));
  }, 120_000);
});

describe('an h5wasm instance that aborted', () => {
  it('is replaced by a fresh one for the next file', async () => {
    await loadLabelledImages(TEST);
    const before = hdf5Restarts();
    // What emscripten's abort() calls before it marks the instance dead.
    const Module = (await h5wasm.ready) as { onAbort?: (what: unknown) => void };
    expect(Module.onAbort).toBeTypeOf('function');
    Module.onAbort?.('native code called abort()');
    consistent(await loadLabelledImages(TEST));
    expect(hdf5Restarts()).toBe(before + 1);
  });
});

describe("h5wasm's own stderr warnings", () => {
  it('are dropped while HDF5 runs (a corrupt name would print `warning: Invalid UTF-8 ...`); other output passes', async () => {
    const seen: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (seen.push(String(s)), true));
    try {
      await withHdf5File(TEST, () => {
        process.stderr.write('warning: Invalid UTF-8 leading byte 0x000000b1 encountered when deserializing a UTF-8 string in wasm memory to a JS string!\n');
        process.stderr.write('something else\n');
      });
      process.stderr.write('warning: Invalid UTF-8 after\n');
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual(['something else\n', 'warning: Invalid UTF-8 after\n']);
  });
  it("are dropped from the console's own stream too (h5wasm writes with console.error, which a test runner's console does not send through process.stderr)", async () => {
    const stream: unknown = Reflect.get(console, '_stderr');
    if (typeof stream !== 'object' || stream === null || stream === process.stderr) return; // plain Node: the test above covers it
    const seen: string[] = [];
    const spy = vi.spyOn(stream as { write(s: string): boolean }, 'write').mockImplementation((s: string) => (seen.push(String(s)), true));
    try {
      await withHdf5File(TEST, () => {
        console.error('warning: Invalid UTF-8 leading byte 0x000000b1 encountered when deserializing a UTF-8 string in wasm memory to a JS string!');
        console.error('something else');
      });
    } finally {
      spy.mockRestore();
    }
    expect(seen.join('')).not.toContain('Invalid UTF-8');
    expect(seen.join('')).toContain('something else');
  });
});

describe('images under fuzzing', () => {
  it('a PNG, mutated anywhere: a 64 x 64 RGB image or a DataError', async () => {
    const seen = { ok: 0, refused: 0 };
    const read = (file: string): Promise<unknown> => readImageForModel(file, { width: 64, height: 64 });
    const check = (v: unknown): void => expect((v as { pixels: Uint8Array }).pixels.length).toBe(64 * 64 * 3);
    await fc.assert(fc.asyncProperty(mutation(png, 0, png.length), async (bytes) => void seen[await outcome(bytes, read, check)]++), { seed: SEED, numRuns: 1000 });
    expect(seen.refused).toBeGreaterThan(50);
  }, 120_000);
});
