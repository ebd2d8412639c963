import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_FILE, TRAIN_FILE, locateDataFiles } from '../../src/data/locate.js';
import { DATASETS, ROOT, argumentErrorSync, dataErrorSync, removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

/** A folder `name` under `root` holding the given data files (empty placeholders: only presence matters). */
async function folder(root: string, name: string, files = [TRAIN_FILE, TEST_FILE]): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(join(dir, f), '');
  return dir;
}

/** A temp tree with cwd at root/work, so ../shared/datasets is root/shared/datasets. */
async function tree(): Promise<{ root: string; cwd: string }> {
  const root = await tempDir();
  const cwd = join(root, 'work');
  await mkdir(cwd);
  return { root, cwd };
}

describe('locateDataFiles: explicit files', () => {
  it('--train and --test win over everything, resolved against cwd', async () => {
    const { root, cwd } = await tree();
    const env = { TSGRAD_DATA: await folder(root, 'env') };
    const found = locateDataFiles({ train: 'a.h5', test: '/abs/b.h5', env, cwd });
    expect(found).toEqual({ train: join(cwd, 'a.h5'), test: '/abs/b.h5', searched: [] });
  });

  it('--data with --train / --test is refused, even when --data names nothing (issue 18 item 14)', () => {
    const both = argumentErrorSync(() => locateDataFiles({ train: 'a.h5', test: 'b.h5', data: '/nope', env: {} }));
    expect(both.message).toBe('--data: given with --train: use either the folder (--data DIR) or the two files (--train FILE --test FILE)');
  });

  it('one of --train / --test alone is an ArgumentError naming the missing option', () => {
    const noTest = argumentErrorSync(() => locateDataFiles({ train: 'a.h5', env: {} }));
    expect(noTest.message).toBe('--train: given without --test: give --test FILE too, or use --data DIR');
    const noTrain = argumentErrorSync(() => locateDataFiles({ test: 'b.h5', env: {} }));
    expect(noTrain.message).toBe('--test: given without --train: give --train FILE too, or use --data DIR');
  });
});

describe('locateDataFiles: --data DIR', () => {
  it('uses the folder, even when the defaults hold the files too', async () => {
    const { root, cwd } = await tree();
    await folder(cwd, 'datasets');
    const mine = await folder(root, 'mine');
    expect(locateDataFiles({ data: '../mine', env: {}, cwd })).toEqual({
      train: join(mine, TRAIN_FILE), test: join(mine, TEST_FILE), searched: [mine],
    });
  });

  it('names the folder and the missing file', async () => {
    const { root, cwd } = await tree();
    await folder(root, 'half', [TRAIN_FILE]);
    const e = dataErrorSync(() => locateDataFiles({ data: '../half', env: {}, cwd }));
    expect([e.file, e.field]).toEqual(['../half', undefined]);
    expect(e.message).toContain(`missing ${TEST_FILE}`);
    expect(e.message).not.toContain(`missing ${TRAIN_FILE}`);
  });

  it('names both files when the folder has neither, and says when there is no folder', async () => {
    const { root, cwd } = await tree();
    await folder(root, 'none', []);
    expect(dataErrorSync(() => locateDataFiles({ data: '../none', env: {}, cwd })).message)
      .toContain(`missing ${TRAIN_FILE} and ${TEST_FILE}`);
    const e = dataErrorSync(() => locateDataFiles({ data: 'nowhere', env: {}, cwd }));
    expect(e.file).toBe('nowhere');
    expect(e.message).toContain('no such folder');
  });
});

describe('locateDataFiles: default places', () => {
  it('$TSGRAD_DATA comes first, then ./datasets, then ../shared/datasets', async () => {
    const { root, cwd } = await tree();
    const shared = await folder(root, 'shared/datasets');
    const local = join(cwd, 'datasets');
    const env = join(root, 'env');
    expect(locateDataFiles({ env: {}, cwd })).toEqual({
      train: join(shared, TRAIN_FILE), test: join(shared, TEST_FILE), searched: [local, shared],
    });
    await folder(cwd, 'datasets');
    expect(locateDataFiles({ env: {}, cwd }).train).toBe(join(local, TRAIN_FILE));
    await folder(root, 'env');
    expect(locateDataFiles({ env: { TSGRAD_DATA: '../env' }, cwd })).toEqual({
      train: join(env, TRAIN_FILE), test: join(env, TEST_FILE), searched: [env],
    });
  });

  it('an empty $TSGRAD_DATA is ignored; one without the files falls through', async () => {
    const { root, cwd } = await tree();
    const local = await folder(cwd, 'datasets');
    const partial = await folder(root, 'partial', [TEST_FILE]);
    expect(locateDataFiles({ env: { TSGRAD_DATA: '' }, cwd }).searched).toEqual([local]);
    expect(locateDataFiles({ env: { TSGRAD_DATA: partial }, cwd }).searched).toEqual([partial, local]);
  });

  it('one DataError line saying where it looked and which files it needs', async () => {
    const { root, cwd } = await tree();
    const partial = await folder(root, 'partial', [TRAIN_FILE]);
    const e = dataErrorSync(() => locateDataFiles({ env: { TSGRAD_DATA: partial }, cwd }));
    expect(e.file).toBe(`${TRAIN_FILE} and ${TEST_FILE}`);
    expect(e.message).toContain(`$TSGRAD_DATA (${partial}, which lacks ${TEST_FILE})`);
    expect(e.message).toContain(`./datasets (${join(cwd, 'datasets')})`);
    expect(e.message).toContain(`../shared/datasets (${join(root, 'shared', 'datasets')})`);
    expect(e.message).toContain('pass --data DIR or --train FILE --test FILE');
  });

  it('finds the real course files from the repository root', () => {
    const found = locateDataFiles({ env: {}, cwd: ROOT });
    expect(found.train).toBe(join(DATASETS, TRAIN_FILE));
    expect(found.test).toBe(join(DATASETS, TEST_FILE));
  });
});
