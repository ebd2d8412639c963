import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { accuracyNote, predictCommand } from '../../src/cli/predict.js';
import { encodePng } from '../../src/data/image.js';
import { prepareInputs } from '../../src/data/preprocess.js';
import { loadModelFile } from '../../src/io/files.js';
import { removeTempDirs } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';
import { savedModel } from './model-fixture.js';

afterAll(removeTempDirs);

/** Test image i of the HDF5 test set, exported as a 64x64 PNG into `dir`. */
async function exportTestImage(images: { values(): ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> } }, i: number, dir: string): Promise<string> {
  const size = 64 * 64 * 3;
  const px = Uint8Array.from(images.values().subarray(i * size, (i + 1) * size));
  const file = join(dir, `test-${i}.png`);
  await writeFile(file, await encodePng(px, 64, 64, 3));
  return file;
}

describe('tsgrad predict', () => {
  it("gives exactly the model's own probability for test images exported as PNG", async () => {
    const { file, dir, data } = await savedModel();
    const m = await loadModelFile(file);
    const own = Array.from(m.model.probabilities(prepareInputs(data.test.x, m.preprocessing, m.dtype)).values());
    const picks = [0, 5, 6, 13, 29, 49];
    const files = await Promise.all(picks.map((i) => exportTestImage(data.test.x, i, dir)));
    const r = await runInProcess(predictCommand(), [file, ...files, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; class: string; label: number; probability: number; probabilities: Record<string, number> });
    expect(rows.map((x) => x.file)).toEqual(files);
    rows.forEach((row, k) => {
      const p = own[picks[k] as number] as number;
      expect(row.probabilities['cat']).toBe(p);
      expect(row.label).toBe(p > 0.5 ? 1 : 0);
      expect(row.class).toBe(p > 0.5 ? 'cat' : 'non-cat');
      expect(row.probability).toBe(p > 0.5 ? p : 1 - p);
    });
  });

  it('prints file, class and probability as a table', async () => {
    const { file, dir, data } = await savedModel();
    const img = await exportTestImage(data.test.x, 1, dir);
    const r = await runInProcess(predictCommand(), [file, img]);
    expect(r.code).toBe(0);
    const [head, line, note] = r.stdout.trim().split('\n');
    expect(head?.split(/\s+/)).toEqual(['file', 'class', 'probability']);
    expect(line).toMatch(new RegExp(`^${img.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(cat|non-cat)\\s+(0\\.\\d{4}|1\\.0000)$`));
    // The single neuron's own test accuracy, and what it means for a photo.
    const acc = (await loadModelFile(file)).training.testAccuracy as number;
    const oneIn = Math.round(100 / (100 - acc));
    expect(note).toBe(`note: this single neuron got ${acc.toFixed(1)} % of its test photos right, so it misclassifies about 1 photo in ${oneIn}; a deeper network (--model mlp, --layers) or a CNN (--arch conv:...) does better`);
  });

  it('says what 70 % test accuracy means: about 1 photo in 3 misclassified; nothing for deeper models', async () => {
    const m = await loadModelFile((await savedModel()).file);
    expect(accuracyNote({ ...m, training: { ...m.training, testAccuracy: 70 } })).toContain('got 70.0 % of its test photos right, so it misclassifies about 1 photo in 3;');
    const deep = { ...m, layers: [{ kind: 'flatten' }, { kind: 'dense', units: 7 }, { kind: 'relu' }, { kind: 'dense', units: 1 }, { kind: 'sigmoid' }] } as typeof m;
    expect(accuracyNote(deep)).toBeUndefined();
    const softmax = { ...m, layers: [{ kind: 'flatten' }, { kind: 'dense', units: 10 }, { kind: 'softmax' }] } as typeof m;
    expect(accuracyNote(softmax)).toBeUndefined();
  });

  it('prints nothing on stdout, not even the table header, when the only image is missing', async () => {
    const { file, dir } = await savedModel();
    const missing = join(dir, 'missing.jpg');
    const r = await runInProcess(predictCommand(), [file, missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`tsgrad: error: ${missing}: no such file`]);
  });

  it('reads every image before printing: the error lines come before the table of the good ones', async () => {
    const { file, dir, data } = await savedModel();
    const good = await exportTestImage(data.test.x, 3, dir);
    const missing = join(dir, 'gone.png');
    const order: string[] = [];
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (order.push(`out ${String(s)}`), true));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (order.push(`err ${String(s)}`), true));
    const previous = process.exitCode;
    try {
      await predictCommand().exitOverride().parseAsync([file, good, missing], { from: 'user' });
      expect(process.exitCode).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = previous;
    }
    expect(order[0]).toBe(`err tsgrad: error: ${missing}: no such file\n`);
    expect(order[1]?.startsWith('out file ')).toBe(true);
    expect(order[2]?.startsWith(`out ${good} `)).toBe(true);
  });

  it('reports a non-image, a truncated image and an over-limit image each in one line, exit 2, and still predicts the good ones', async () => {
    const { file, dir, data } = await savedModel();
    const good = await exportTestImage(data.test.x, 2, dir);
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello');
    const png = await encodePng(new Uint8Array(64 * 64 * 3).fill(90), 64, 64, 3);
    const cut = join(dir, 'cut.png');
    await writeFile(cut, png.subarray(0, png.length - 30));
    const r = await runInProcess(predictCommand(), [file, text, good, cut]);
    expect(r.code).toBe(2);
    const errors = r.stderr.trim().split('\n');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(`tsgrad: error: ${text}: not a JPEG, PNG or WebP image`);
    expect(errors[1]).toContain(`tsgrad: error: ${cut}: cannot decode the image`);
    expect(r.stdout).toContain(good);

    const big = await runInProcess(predictCommand(), [file, good, '--max-pixels', '4000']);
    expect(big.code).toBe(2);
    expect(big.stderr.trim().split('\n')).toHaveLength(1);
    expect(big.stderr).toContain('image is 64x64 = 0 megapixels, above the limit of 0 megapixels');
  });

  it('refuses a missing model and bad options with exit 2', async () => {
    const { dir } = await savedModel();
    const r = await runInProcess(predictCommand(), [join(dir, 'none.json'), 'x.png']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('none.json: no such file');
    const fit = await runInProcess(predictCommand(), ['m.json', 'x.png', '--fit', 'squash']);
    expect(fit.code).toBe(2);
    expect(fit.stderr).toContain('--fit must be one of fill, cover, contain');
    const none = await runInProcess(predictCommand(), ['m.json']);
    expect(none.code).toBe(2);
  });
});
