// `tsgrad saliency` and `tsgrad features` on a saved single neuron and photos exported from
// the cat test set: the pictures (size read back by sharp, not blank), the printed lines
// (the same class and probability as `tsgrad predict`), and the refusals, each one line
// with exit code 2, with nothing written over an input.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { featuresCommand } from '../../src/cli/features.js';
import { predictCommand } from '../../src/cli/predict.js';
import { saliencyCommand } from '../../src/cli/saliency.js';
import { encodePng } from '../../src/data/image.js';
import { PIXELS } from '../../src/data/preprocess.js';
import { saveModelFile } from '../../src/io/files.js';
import { parseInitializer } from '../../src/nn/init.js';
import { buildModel, parseArch } from '../../src/nn/registry.js';
import type { Tensor } from '../../src/tensor/index.js';
import { removeTempDirs, tempDir } from '../data/fixtures.js';
import { expectPng } from '../viz/helpers.js';
import { runInProcess } from './command-helper.js';
import { savedModel } from './model-fixture.js';

afterAll(removeTempDirs);

/** Test image i of the HDF5 test set as a 64x64 PNG named `name` in `dir`. */
async function exportTestImage(images: Tensor, i: number, dir: string, name = `test-${i}.png`): Promise<string> {
  const size = 64 * 64 * 3;
  const file = join(dir, name);
  await writeFile(file, await encodePng(Uint8Array.from(images.values().subarray(i * size, (i + 1) * size)), 64, 64, 3));
  return file;
}

// Three 256x256 panels (64x64 at 4x) and a 15-pixel colour bar, with 4-pixel gaps around.
const WIDTH = 4 + 3 * (256 + 4) + 15 + 4;
const HEIGHT = 256 + 2 * 4;

describe('tsgrad saliency', () => {
  it('writes <name>-saliency.png per image and prints file, class, probability and picture', async () => {
    const { file, dir, data } = await savedModel();
    const images = await Promise.all([1, 5].map((i) => exportTestImage(data.test.x, i, dir)));
    const out = join(dir, 'maps');
    const r = await runInProcess(saliencyCommand(), [file, ...images, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head, ...lines] = r.stdout.trim().split('\n');
    expect(head?.split(/\s+/)).toEqual(['file', 'class', 'probability', 'picture']);
    expect(lines).toHaveLength(2);
    for (const [k, image] of images.entries()) {
      const picture = join(out, `test-${[1, 5][k]}-saliency.png`);
      expect(lines[k]?.split(/\s+/)).toEqual([image, expect.stringMatching(/^(cat|non-cat)$/), expect.stringMatching(/^[01]\.\d{4}$/), picture]);
      const meta = await sharp(picture).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', WIDTH, HEIGHT]);
      await expectPng(picture, { width: WIDTH, height: HEIGHT });
    }
  });

  it("gives tsgrad predict's class and probability; --class explains another class", async () => {
    const { file, dir, data } = await savedModel();
    const image = await exportTestImage(data.test.x, 2, dir);
    const predicted = JSON.parse((await runInProcess(predictCommand(), [file, image, '--json'])).stdout) as { class: string; probability: number };
    const r = await runInProcess(saliencyCommand(), [file, image, '--out', join(dir, 'json'), '--json']);
    expect(r.code).toBe(0);
    const row = JSON.parse(r.stdout) as { class: string; probability: number; mapClass: string; mapClassProbability: number; mapMax: number; picture: string };
    expect([row.class, row.probability, row.mapClass, row.mapClassProbability]).toEqual([predicted.class, predicted.probability, predicted.class, predicted.probability]);
    expect(row.mapMax).toBeGreaterThan(0);
    const other = predicted.class === 'cat' ? 'non-cat' : 'cat';
    const o = await runInProcess(saliencyCommand(), [file, image, '--out', join(dir, 'other'), '--class', other, '--json']);
    const orow = JSON.parse(o.stdout) as typeof row;
    expect([orow.class, orow.mapClass]).toEqual([predicted.class, other]);
    expect(orow.mapClassProbability).toBeCloseTo(1 - predicted.probability, 15);
    // The single neuron's class-0 score is −z: the same |gradient|, the same picture.
    expect(orow.mapMax).toBe(row.mapMax);
    expect((await readFile(orow.picture)).equals(await readFile(row.picture))).toBe(true);
    const text = await runInProcess(saliencyCommand(), [file, image, '--out', join(dir, 'other'), '--class', other]);
    expect(text.stdout.split('\n')[0]).toBe(`maps of the score of class ${other}`);
  });

  it('a missing model, an undecodable image, --out onto a file and an unknown --class: one line each, exit 2', async () => {
    const { file, dir, data } = await savedModel();
    const good = await exportTestImage(data.test.x, 3, dir);
    const missing = await runInProcess(saliencyCommand(), [join(dir, 'none.json'), good, '--out', join(dir, 'm')]);
    expect([missing.code, missing.stderr]).toEqual([2, `tsgrad: error: ${join(dir, 'none.json')}: no such file\n`]);

    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello');
    const bad = await runInProcess(saliencyCommand(), [file, text, good, '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`tsgrad: error: ${text}: not a JPEG, PNG or WebP image\n`);
    await expectPng(join(dir, 'bad', 'test-3-saliency.png'), { width: WIDTH, height: HEIGHT });

    const onFile = await runInProcess(saliencyCommand(), [file, good, '--out', text]);
    expect([onFile.code, onFile.stderr]).toEqual([2, `tsgrad: error: --out: ${text}: is a file, not a folder: give a folder to write the pictures into\n`]);

    const dog = await runInProcess(saliencyCommand(), [file, good, '--out', join(dir, 'dog'), '--class', 'dog']);
    expect([dog.code, dog.stderr]).toEqual([2, "tsgrad: error: --class: 'dog' is not one of the model's classes (non-cat, cat)\n"]);
    const digits = join(dir, 'digits.json');
    await saveModelFile(digits, { model: buildModel([28, 28], parseArch('flatten,dense:10,softmax'), { init: parseInitializer('he'), seed: 1 }), classes: [...'0123456789'], preprocessing: PIXELS, training: { costs: [] } });
    const grey = await runInProcess(saliencyCommand(), [digits, good, '--out', join(dir, 'grey')]);
    expect([grey.code, grey.stderr]).toEqual([2, `tsgrad: error: ${digits}: the model takes inputs of shape (28, 28), not RGB or grayscale images (h, w, 3) or (h, w, 1), which tsgrad saliency reads photos as\n`]);
    for (const r of [missing, bad, onFile, dog, grey]) expect(r.stderr).not.toContain('    at ');
  });

  it('never writes over an input: an output named like another input image, or two images of one name', async () => {
    const { file, dir, data } = await savedModel();
    const sub = await tempDir();
    const a = await exportTestImage(data.test.x, 4, sub, 'a.png');
    const victim = await exportTestImage(data.test.x, 6, sub, 'a-saliency.png');
    const before = await readFile(victim);
    const r = await runInProcess(saliencyCommand(), [file, a, victim, '--out', sub]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tsgrad: error: --out: ${join(sub, 'a-saliency.png')} would be written over the input ${victim}: choose another folder, tsgrad never writes over its input\n`);
    expect((await readFile(victim)).equals(before)).toBe(true);

    const twin = await exportTestImage(data.test.x, 7, dir, 'a.png');
    const both = await runInProcess(saliencyCommand(), [file, a, twin, '--out', join(dir, 'twins')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(`tsgrad: error: --out: ${a} and ${twin} would both be written to ${join(dir, 'twins', 'a-saliency.png')}: give images with different names\n`);
  });
});

describe('tsgrad features', () => {
  it("the single neuron: filters.png is W1 as a 64x64 picture at 2x; no layer keeps the image's shape", async () => {
    const { file, dir, data } = await savedModel();
    const image = await exportTestImage(data.test.x, 1, dir);
    const out = join(dir, 'features');
    const r = await runInProcess(featuresCommand(), [file, image, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(1)).toEqual([
      `filters: 1 unit of W1, each (64, 64, 3): ${join(out, 'filters.png')}`,
      'layer 1 flatten: (12288,)',
      'layer 2 dense: (1,)',
      'layer 3 sigmoid: (1,)',
    ]);
    const meta = await sharp(join(out, 'filters.png')).metadata();
    expect([meta.width, meta.height]).toEqual([128 + 2, 128 + 2]);
    await expectPng(join(out, 'filters.png'), { width: 130, height: 130 });
  });

  it('a CNN: filters.png (4 kernels 3x3x3), a grid of 4 maps for conv, relu and maxpool; saliency too', async () => {
    const { dir, data } = await savedModel();
    const cnn = buildModel([64, 64, 3], parseArch('conv:4:3:same,relu,maxpool:2:2,flatten,dense:2,softmax'), { init: parseInitializer('he'), seed: 1 });
    const file = join(dir, 'cnn.json');
    await saveModelFile(file, { model: cnn, classes: ['non-cat', 'cat'], preprocessing: PIXELS, training: { costs: [] } });
    const image = await exportTestImage(data.test.x, 2, dir);
    const out = join(dir, 'cnn-features');
    const r = await runInProcess(featuresCommand(), [file, image, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(1)).toEqual([
      `filters: 4 kernels of W1, each (3, 3, 3): ${join(out, 'filters.png')}`,
      `layer 1 conv: (64, 64, 4), 4 maps: ${join(out, 'layer-1-conv.png')}`,
      `layer 2 relu: (64, 64, 4), 4 maps: ${join(out, 'layer-2-relu.png')}`,
      `layer 3 maxpool: (32, 32, 4), 4 maps: ${join(out, 'layer-3-maxpool.png')}`,
      'layer 4 flatten: (4096,)',
      'layer 5 dense: (2,)',
      'layer 6 softmax: (2,)',
    ]);
    // 2 x 2 grids with 1-pixel gaps: 3x3 kernels at 32x, 64x64 maps at 2x, 32x32 maps at 3x.
    for (const [name, side] of [['filters', 2 * 96 + 3], ['layer-1-conv', 2 * 128 + 3], ['layer-2-relu', 2 * 128 + 3], ['layer-3-maxpool', 2 * 96 + 3]] as const) {
      const meta = await sharp(join(out, `${name}.png`)).metadata();
      expect([name, meta.width, meta.height]).toEqual([name, side, side]);
      await expectPng(join(out, `${name}.png`), { width: side, height: side });
    }
    const s = await runInProcess(saliencyCommand(), [file, image, '--out', join(dir, 'cnn-maps')]);
    expect(s.code).toBe(0);
    await expectPng(join(dir, 'cnn-maps', 'test-2-saliency.png'), { width: WIDTH, height: HEIGHT });
  });

  it('refuses --out onto a file, an output over the input image, and an undecodable image', async () => {
    const { file, dir, data } = await savedModel();
    const sub = await tempDir();
    const victim = await exportTestImage(data.test.x, 1, sub, 'filters.png');
    const before = await readFile(victim);
    const over = await runInProcess(featuresCommand(), [file, victim, '--out', sub]);
    expect([over.code, over.stderr]).toEqual([2, `tsgrad: error: --out: ${join(sub, 'filters.png')} would be written over the input ${victim}: choose another folder, tsgrad never writes over its input\n`]);
    expect((await readFile(victim)).equals(before)).toBe(true);

    const onFile = await runInProcess(featuresCommand(), [file, victim, '--out', file]);
    expect([onFile.code, onFile.stderr]).toEqual([2, `tsgrad: error: --out: ${file}: is a file, not a folder: give a folder to write the pictures into\n`]);

    const cut = join(dir, 'cut.png');
    await writeFile(cut, before.subarray(0, before.length - 40));
    const broken = await runInProcess(featuresCommand(), [file, cut, '--out', join(dir, 'cut')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^tsgrad: error: ${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot decode the image[^\n]*\n$`));
  });
});
