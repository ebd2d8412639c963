/**
 * One test per kind of bad input in the robustness issue, through the built CLI as users run
 * it: exit code 2, exactly one line on stderr naming the file, dataset, option or field, no
 * stack trace; and, below the CLI, the typed error class the loader throws.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, DataError, ModelFileError, TsgradError } from '../../src/core/errors.js';
import { loadLabelledImages } from '../../src/data/dataset.js';
import { encodePng, readImageForModel } from '../../src/data/image.js';
import { TrainingRun } from '../../src/app/run.js';
import { mlpLayers, TWO_LAYER } from '../../src/app/settings.js';
import { loadModelFile } from '../../src/io/files.js';
import { fromArray } from '../../src/tensor/index.js';
import { CLASS_LIST, DATASETS, images, int64, removeTempDirs, ROOT, tempDir, TEST, writeBomb, writeH5 } from '../data/fixtures.js';

const MAIN = join(ROOT, 'dist/cli/main.js');

function tsgrad(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and one line `tsgrad: ...` holding every word, without a stack trace. */
function userError(args: string[], ...words: string[]): string {
  const r = tsgrad(args);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tsgrad: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const w of words) expect(lines[0]).toContain(w);
  return lines[0] as string;
}

async function rejection(p: Promise<unknown>): Promise<TsgradError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TsgradError);
  expect((e as TsgradError).userError).toBe(true);
  return e as TsgradError;
}

/** A PNG whose header claims `w` x `h` pixels and holds one empty data chunk. */
function pngHeader(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(0))), chunk('IEND', Buffer.alloc(0))]);
}

let dir: string;
let model: string;
let modelDoc: Record<string, unknown>;
const h5 = (name: string, spec: Parameters<typeof writeH5>[1]): Promise<string> => writeH5(join(dir, name), spec);
const trainWith = (file: string): string[] => ['train', '--train', file, '--test', TEST, '--iterations', '1'];

beforeAll(async () => {
  dir = await tempDir();
  model = join(dir, 'cat.json');
  expect(tsgrad(['train', '--data', DATASETS, '--iterations', '2', '--save', model]).code).toBe(0);
  modelDoc = JSON.parse(await readFile(model, 'utf8')) as Record<string, unknown>;
}, 60_000);
afterAll(removeTempDirs);

async function modelVariant(name: string, change: (doc: Record<string, unknown>) => void): Promise<string> {
  const doc = structuredClone(modelDoc);
  change(doc);
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(doc));
  return file;
}

describe('bad data files', () => {
  it('a missing file or folder', async () => {
    userError(['train', '--train', join(dir, 'nope.h5'), '--test', TEST], 'nope.h5');
    userError(['train', '--data', join(dir, 'nowhere')], 'nowhere', '--data');
    expect(await rejection(loadLabelledImages(join(dir, 'nope.h5')))).toBeInstanceOf(DataError);
  });

  it('not an HDF5 file', async () => {
    const file = join(dir, 'text.h5');
    await writeFile(file, 'train_set_x,train_set_y\n1,2\n');
    userError(trainWith(file), 'text.h5', 'not an HDF5 file');
    expect(await rejection(loadLabelledImages(file))).toBeInstanceOf(DataError);
  });

  it('a truncated HDF5 file', async () => {
    const file = join(dir, 'cut.h5');
    await writeFile(file, (await readFile(TEST)).subarray(0, 300_000));
    userError(trainWith(file), 'cut.h5', 'truncated or corrupt HDF5 file', '300000 bytes');
    expect(await rejection(loadLabelledImages(file))).toBeInstanceOf(DataError);
  });

  it('missing or differently named datasets', async () => {
    const renamed = await h5('renamed.h5', { pictures: images(3), answers: int64([0, 1, 0]) });
    userError(trainWith(renamed), 'renamed.h5', 'no <name>_x / <name>_y dataset pair', 'pictures');
    const noY = await h5('noy.h5', { train_set_x: images(3), train_set_labels: int64([0, 1, 0]) });
    userError(trainWith(noY), 'noy.h5', 'train_set_x');
    expect(await rejection(loadLabelledImages(renamed))).toBeInstanceOf(DataError);
  });

  it('x and y sample counts that differ', async () => {
    const file = await h5('counts.h5', { train_set_x: images(3), train_set_y: int64([0, 1]), list_classes: CLASS_LIST });
    userError(trainWith(file), 'counts.h5', 'train_set_y', 'has 3 samples', 'has 2');
  });

  it.each([
    ['two channels (m, h, w, 2)', images(3, 2, 2, 2), 'uint8 (3, 2, 2, 2)'],
    ['RGBA (m, h, w, 4)', images(3, 2, 2, 4), 'uint8 (3, 2, 2, 4)'],
    ['float64 pixels', { data: new Float64Array(3 * 12).fill(0.5), shape: [3, 2, 2, 3], dtype: '<d' }, 'float64 (3, 2, 2, 3)'],
  ])('images that are not H x W (x 1 or 3) uint8: %s', async (_name, x, got) => {
    const file = await h5(`img-${_name.replace(/\W+/g, '')}.h5`, { train_set_x: x, train_set_y: int64([0, 1, 0]), list_classes: CLASS_LIST });
    userError(trainWith(file), 'train_set_x', 'expected uint8 images of shape (m, h, w), (m, h, w, 1) or (m, h, w, 3)', got);
  });

  it('labels outside the class list', async () => {
    const file = await h5('labels.h5', { train_set_x: images(3), train_set_y: int64([0, 2, 1]), list_classes: CLASS_LIST });
    userError(trainWith(file), 'train_set_y', 'label 2 at index 1 is outside the class list', 'non-cat, cat');
    expect(await rejection(loadLabelledImages(file))).toBeInstanceOf(DataError);
    // Without a class list, classes are numbered 0..max: a corrupt label of 10^12 is refused.
    const unlisted = await h5('unlisted.h5', { train_set_x: images(3), train_set_y: int64([0, 1e12, 1]) });
    const e = await rejection(loadLabelledImages(unlisted));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('label 1000000000000 at index 1 is outside the class list: without a list_classes dataset, labels must be integers in 0..65535');
  });

  it('a dataset whose header claims more than 1 GiB (a decompression bomb): refused before HDF5 allocates it', async () => {
    // Chunked datasets resized to 200 million samples: a 17 KB file that would take 3.8 GB.
    const file = await writeBomb(join(dir, 'bomb.h5'));
    userError(trainWith(file), 'bomb.h5', 'train_set_y', '(200000000,) int64 is 1600000000 bytes, above the 1 GiB tsgrad reads into memory');
    expect(await rejection(loadLabelledImages(file))).toBeInstanceOf(DataError);
  });

  it('an empty dataset', async () => {
    const file = await h5('empty.h5', { train_set_x: { data: new Uint8Array(0), shape: [0, 2, 2, 3], dtype: '<B' }, train_set_y: int64([]), list_classes: CLASS_LIST });
    userError(trainWith(file), 'empty.h5', 'empty dataset: 0 samples');
  });

  it('NaN or Inf in float inputs: model parameters', async () => {
    const nan = await modelVariant('nan.json', (d) => {
      const w = (d['parameters'] as { W1: { base64: string } }).W1;
      const bytes = Buffer.from(w.base64, 'base64');
      bytes.writeDoubleLE(Number.NaN, 8 * 5);
      w.base64 = bytes.toString('base64');
    });
    userError(['evaluate', nan, '--data', DATASETS], 'nan.json', 'parameters.W1', 'element 5 is NaN', 'finite');
    const inf = await modelVariant('inf.json', (d) => {
      const w = (d['parameters'] as { W1: { base64: string } }).W1;
      const bytes = Buffer.from(w.base64, 'base64');
      bytes.writeDoubleLE(Number.NEGATIVE_INFINITY, 0);
      w.base64 = bytes.toString('base64');
    });
    expect(await rejection(loadModelFile(inf))).toBeInstanceOf(ModelFileError);
  });

  it('NaN or Inf in float inputs: training data given to the library is refused before training', () => {
    // Three samples of two features, batch-first: sample 2's first feature is infinite.
    const x = fromArray([[0, 1], [1, 0], [Number.POSITIVE_INFINITY, 1]]);
    const train = { file: '(memory)', x, labels: fromArray([0, 1, 1]), classes: ['0', '1'] };
    const settings = { ...TWO_LAYER, layers: mlpLayers([2, 1]), init: 'he', learningRate: 0.1, epochs: 1 };
    const e = (() => {
      try {
        new TrainingRun({ train, preprocessing: { scale: 1 } }, settings).advance();
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ArgumentError);
    expect((e as Error).message).toMatch(/Infinity.*finite/);
  });
});

describe('bad images for predict', () => {
  it('a non-image, a truncated image and a huge image', async () => {
    const text = join(dir, 'photo.jpg');
    await writeFile(text, 'not a photo at all');
    userError(['predict', model, text], 'photo.jpg', 'not a JPEG, PNG or WebP image');
    const full = await encodePng(Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 37) % 256), 64, 64, 3);
    const cut = join(dir, 'cut.png');
    await writeFile(cut, full.subarray(0, Math.floor(full.length / 2)));
    userError(['predict', model, cut], 'cut.png', 'cannot decode the image');
    const huge = join(dir, 'huge.png');
    await writeFile(huge, pngHeader(100_000, 100_000));
    userError(['predict', model, huge], 'huge.png', 'image is 100000x100000', 'above the limit');
    expect(await rejection(readImageForModel(huge, { width: 64, height: 64 }))).toBeInstanceOf(DataError);
  }, 30_000);
});

describe('bad model files', () => {
  it('a FIFO as the model file or the image: refused at once, never read (a read would block forever)', () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    userError(['evaluate', fifo], 'pipe', 'not a regular file', 'expected a model file');
    const r = tsgrad(['predict', model, fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a regular file (a FIFO, device or socket), expected an image file');
  });

  it('truncated', async () => {
    const file = join(dir, 'cut.json');
    await writeFile(file, (await readFile(model)).subarray(0, 4000));
    userError(['predict', file, join(dir, 'any.png')], 'cut.json', 'invalid or truncated JSON');
    expect(await rejection(loadModelFile(file))).toBeInstanceOf(ModelFileError);
  });

  it('of an unknown version', async () => {
    const file = await modelVariant('v9.json', (d) => (d['version'] = 9));
    userError(['evaluate', file, '--data', DATASETS], 'v9.json', 'version', 'unknown version 9', 'reads versions 1 and 2');
    expect(await rejection(loadModelFile(file))).toBeInstanceOf(ModelFileError);
  });

  it('with shapes that do not fit the architecture', async () => {
    const w = await modelVariant('w.json', (d) => ((d['parameters'] as { W1: { shape: number[] } }).W1.shape = [6144, 2]));
    userError(['evaluate', w, '--data', DATASETS], 'w.json', 'parameters.W1', 'shape (6144, 2) float64 does not fit the layers: expected (1, 12288) float64');
    const deep = join(dir, 'deep.json');
    expect(tsgrad(['train', '--data', DATASETS, '--model', 'mlp', '--layers', '12288,3,1', '--iterations', '1', '--save', deep]).code).toBe(0);
    const doc = JSON.parse(await readFile(deep, 'utf8')) as { model: { layers: { kind: string; units?: number }[] } };
    (doc.model.layers[1] as { units: number }).units = 4;
    await writeFile(deep, JSON.stringify(doc));
    userError(['evaluate', deep, '--data', DATASETS], 'deep.json', 'parameters.W1', 'does not fit the layers', 'expected (4, 12288)');
    expect(await rejection(loadModelFile(deep))).toBeInstanceOf(ModelFileError);
  }, 30_000);

  it('whose input size does not fit the data', async () => {
    const small = await h5('small.h5', { train_set_x: images(4), train_set_y: int64([0, 1, 0, 1]), list_classes: CLASS_LIST });
    const smallTest = await h5('small-test.h5', { test_set_x: images(2), test_set_y: int64([1, 0]), list_classes: CLASS_LIST });
    const tiny = join(dir, 'tiny.json');
    expect(tsgrad(['train', '--train', small, '--test', smallTest, '--iterations', '2', '--save', tiny]).code).toBe(0);
    userError(['evaluate', tiny, '--data', DATASETS], 'train_catvnoncat.h5', 'images are (64, 64, 3) but the model', 'tiny.json takes (2, 2, 3)');
  }, 30_000);
});

describe('invalid CLI values', () => {
  it("names of Object's own keys are unknown commands, not internal errors", () => {
    for (const name of ['constructor', '__proto__', 'toString']) userError([name], `unknown command '${name}'`);
  });
  it.each([
    [['--iterations', '0'], ['--iterations', 'positive integer']],
    [['--iterations', '-3'], ['--iterations']],
    [['--learning-rate', '0'], ['--learning-rate', 'positive number']],
    [['--learning-rate', '-0.1'], ['--learning-rate']],
    [['--learning-rate', 'NaN'], ['--learning-rate', "got 'NaN'"]],
    [['--learning-rate', 'fast'], ['--learning-rate']],
    [['--model', 'cnn'], ['--model', 'logistic, mlp', "'cnn'"]],
    [['--model', 'mlp', '--optimizer', 'sgd'], ['--optimizer', "'sgd'"]],
    [['--model', 'mlp', '--init', 'magic'], ['--init']],
    [['--engine', 'turbo'], ['--engine', "'turbo'"]],
    [['--model', 'mlp', '--layers', '100,5,1'], ['--layers', 'the first size must be the 12288 input features', 'got 100']],
    [['--model', 'mlp', '--layers', '12288,5,3'], ['layers', 'the model tells 3 classes apart, the data has 2 (non-cat, cat): end with dense:1,sigmoid']],
    [['--arch', 'lstm:3,dense:1,sigmoid'], ["--arch: lstm:3: unknown layer 'lstm', expected one of dense, conv, maxpool, avgpool, globalavgpool, batchnorm, relu, tanh, sigmoid, softmax, leaky-relu, dropout, flatten"]],
    [['--arch', 'conv:3,dense:1,sigmoid'], ['--arch: conv:3: expected conv:FILTERS:KERNEL[:PADDING[:STRIDE]]']],
    [['--arch', 'dense:0,sigmoid'], ["--arch: dense:0: expected a positive integer number of units, got '0'"]],
    [['--arch', 'dense:7'], ['--arch: the last layer must be sigmoid (1 unit, two classes) or softmax (k units, k classes)']],
    [['--arch', 'dense:7,relu,dense:3,softmax'], ['--arch: the model tells 3 classes apart, the data has 2 (non-cat, cat): end with dense:1,sigmoid']],
    [['--arch', 'dense:1,sigmoid', '--layers', '12288,1'], ['--arch', 'give the layers either as --arch or as --model/--layers, not both']],
    [['--engine', 'course', '--optimizer', 'adam'], ['--engine', "the course's functions do not cover this run: adam is not the course's full-batch gradient descent"]],
    [['--unknown-flag'], ["unknown option '--unknown-flag'"]],
  ])('train %j', (args, words) => {
    userError(['train', '--data', DATASETS, ...args], ...words);
  });

  it('train --arch with a last layer that does not fit the classes of the data', async () => {
    const classes = { data: ['red', 'green', 'blue'], shape: [3], dtype: 'A5' };
    const labels = [0, 1, 2, 0, 1, 2];
    const train = await h5('train3.h5', { train_set_x: images(6), train_set_y: int64(labels), list_classes: classes });
    const test = await h5('test3.h5', { test_set_x: images(3), test_set_y: int64(labels.slice(0, 3)), list_classes: classes });
    const three = ['train', '--train', train, '--test', test];
    userError([...three, '--arch', 'dense:4,relu,dense:1,sigmoid'], '--arch: the model tells 2 classes apart, the data has 3 (red, green, blue): end with dense:3,softmax');
    userError([...three, '--arch', 'dense:4,softmax'], '--arch: the model tells 4 classes apart, the data has 3');
  });
});
