import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunData } from '../../src/app/data.js';
import { ArgumentError, DataError } from '../../src/core/errors.js';
import { CIFAR10_CLASSES } from '../../src/data/cifar.js';
import { findStandardFolder } from '../../src/data/standard-folder.js';
import { detectFormat, loadDataFile, loadIdxPair, readDataBytes } from '../../src/data/standard-files.js';
import { dataError, DATASETS, removeTempDirs, tempDir, TEST, TRAIN } from './fixtures.js';
import { cifarBytes, idxImages, idxLabels } from './idx-bytes.js';

afterAll(removeTempDirs);

async function put(dir: string, name: string, bytes: Uint8Array | string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

describe('standard data files', () => {
  it('tells the formats apart from their contents, and gunzips by the magic, not the name', async () => {
    const dir = await tempDir();
    expect(detectFormat(idxImages(1))).toBe('idx-images');
    expect(detectFormat(idxLabels([1]))).toBe('idx-labels');
    expect(detectFormat(cifarBytes([1]))).toBe('cifar');
    const gz = await put(dir, 'labels-without-gz-name', gzipSync(idxLabels([4, 2])));
    expect(Array.from(await readDataBytes(gz))).toEqual(Array.from(idxLabels([4, 2])));
    const images = await put(dir, 'a-images-idx3-ubyte.gz', gzipSync(idxImages(2)));
    await put(dir, 'a-labels-idx1-ubyte', idxLabels([4, 2]));
    const d = await loadDataFile(images);
    expect(d.x.shape).toEqual([2, 2, 3, 1]);
    expect(Array.from(d.labels.values())).toEqual([4, 2]);
    expect(d.classes).toHaveLength(10);
    const cifar = await loadDataFile(await put(dir, 'whatever', cifarBytes([3, 1])));
    expect(cifar.x.shape).toEqual([2, 32, 32, 3]);
    expect(cifar.classes).toEqual(CIFAR10_CLASSES);
    expect((await loadDataFile(TEST)).x.shape).toEqual([50, 64, 64, 3]);
  });

  it('reads the MNIST files of the shared datasets (10,000 digits, labels 0..9)', async () => {
    const d = await loadIdxPair(join(DATASETS, 'mnist/t10k-images-idx3-ubyte.gz'), join(DATASETS, 'mnist/t10k-labels-idx1-ubyte.gz'));
    expect(d.x.shape).toEqual([10000, 28, 28, 1]);
    expect(Array.from(d.labels.values()).slice(0, 5)).toEqual([7, 2, 1, 0, 4]);
  });

  it('reads folders: one MNIST pair with --test-last or --validation, a pair with t10k as test, CIFAR batches with their meta', async () => {
    const one = await tempDir();
    await put(one, 'x-images-idx3-ubyte', idxImages(6));
    await put(one, 'x-labels-idx1-ubyte', idxLabels([0, 1, 0, 1, 0, 1]));
    const last = await loadRunData({ data: one, testLast: 2 });
    expect([last.train.x.shape[0], last.test.x.shape[0], last.heldOut]).toEqual([4, 2, 'test']);
    const val = await loadRunData({ data: one, validation: 0.34, splitSeed: 3 });
    expect([val.train.x.shape[0], val.test.x.shape[0], val.heldOut]).toEqual([4, 2, 'validation']);
    const both = await loadRunData({ data: one, testLast: 2, validation: 0.5 });
    expect([both.train.x.shape[0], both.validation?.x.shape[0], both.test.x.shape[0]]).toEqual([2, 2, 2]);

    const two = await tempDir();
    await put(two, 'train-images-idx3-ubyte', idxImages(3));
    await put(two, 'train-labels-idx1-ubyte', idxLabels([0, 1, 2]));
    await put(two, 't10k-images-idx3-ubyte.gz', gzipSync(idxImages(1)));
    await put(two, 't10k-labels-idx1-ubyte.gz', gzipSync(idxLabels([2])));
    const pair = await loadRunData({ data: two });
    expect([pair.train.x.shape[0], pair.test.x.shape[0]]).toEqual([3, 1]);

    const cifar = await tempDir();
    await put(cifar, 'data_batch_1.bin', cifarBytes([0, 1]));
    await put(cifar, 'data_batch_2.bin', cifarBytes([2]));
    await put(cifar, 'test_batch.bin', cifarBytes([3]));
    const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
    await put(cifar, 'batches.meta.txt', `${names.join('\n')}\n`);
    expect(findStandardFolder(cifar)?.kind).toBe('cifar');
    const c = await loadRunData({ data: cifar });
    expect([c.train.x.shape[0], c.test.x.shape[0]]).toEqual([3, 1]);
    expect(Array.from(c.train.labels.values())).toEqual([0, 1, 2]);
    expect(c.train.classes).toEqual(names);
  });

  it('keeps the notes\' HDF5 folder as it was', async () => {
    const d = await loadRunData({ data: DATASETS });
    expect([d.train.file, d.test.file, d.heldOut]).toEqual([TRAIN, TEST, 'test']);
  });

  it('refuses each malformed file with one DataError naming it', async () => {
    const dir = await tempDir();
    const cases: [() => Promise<unknown>, string, string][] = [];
    const lonely = await put(dir, 'lonely-images-idx3-ubyte', idxImages(1));
    cases.push([() => loadDataFile(lonely), lonely, 'an idx3 images file without its labels']);
    const labels = await put(dir, 'just-labels-idx1', idxLabels([1]));
    cases.push([() => loadDataFile(labels), labels, 'is an idx1 labels file: give the idx3 images file']);
    const bad = await put(dir, 'notes.txt', 'hello, world');
    cases.push([() => loadDataFile(bad), bad, 'not a data file tsgrad reads: expected HDF5']);
    const gz = await put(dir, 'broken.gz', gzipSync(idxLabels([1, 2, 3])).subarray(0, 12));
    cases.push([() => loadDataFile(gz), gz, 'starts as gzip but does not decompress']);
    const counts = await tempDir();
    const img = await put(counts, 'm-images-idx3-ubyte', idxImages(3));
    const lab = await put(counts, 'm-labels-idx1-ubyte', idxLabels([1, 2]));
    cases.push([() => loadIdxPair(img, lab), lab, '2 labels but m-images-idx3-ubyte holds 3 images']);
    const cifar = await tempDir();
    const truncated = await put(cifar, 'data_batch_1.bin', cifarBytes([1]).subarray(0, 3000));
    cases.push([() => loadRunData({ data: cifar, testLast: 1 }), truncated, 'truncated: 3000 bytes']);
    const empty = await tempDir();
    const none = await put(empty, 'data_batch_1.bin', new Uint8Array(0));
    cases.push([() => loadRunData({ data: empty, testLast: 1 }), none, 'empty: expected CIFAR-10 records']);
    const noTest = await tempDir();
    await put(noTest, 'a-images-idx3-ubyte', idxImages(2));
    const noTestFile = join(noTest, 'a-images-idx3-ubyte');
    await put(noTest, 'a-labels-idx1-ubyte', idxLabels([1, 2]));
    cases.push([() => loadRunData({ data: noTest }), noTestFile, 'has no test set: pass --test-last N']);
    for (const [run, file, words] of cases) {
      const e = await dataError(run());
      expect(e).toBeInstanceOf(DataError);
      expect(e.file).toBe(file);
      expect(e.message).toContain(words);
    }
  });

  it('refuses --test-last on data that has a test set', async () => {
    const e = await loadRunData({ data: DATASETS, testLast: 10 }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ArgumentError);
    expect(String(e)).toContain('--test-last: the data has a test set');
  });
});
