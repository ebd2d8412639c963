/**
 * Output paths are checked before any work: every refusal is an ArgumentError naming the
 * option and the path, and the check itself creates nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { checkOutputs, ensureFolder, type OutputSpec } from '../../src/data/output-path.js';
import { removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

async function refusal(outputs: OutputSpec[], inputs: string[] = []): Promise<ArgumentError> {
  const e = await checkOutputs('train', outputs, inputs).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ArgumentError);
  return e as ArgumentError;
}

const file = (path: string, option = '--save'): OutputSpec => ({ option, path, kind: 'file' });
const folder = (path: string, option = '--plot'): OutputSpec => ({ option, path, kind: 'folder' });

describe('checkOutputs', () => {
  it('accepts missing files and folders under a writable folder, and creates nothing', async () => {
    const dir = await tempDir();
    await checkOutputs('train', [file(join(dir, 'a', 'b', 'm.json')), folder(join(dir, 'plots', 'run'))]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a file in the way of the folder names the file', async () => {
    const dir = await tempDir();
    const f = join(dir, 'plain');
    await writeFile(f, 'x');
    const e = await refusal([file(join(f, 'deeper', 'm.json'))]);
    expect(e.message).toBe(`train: --save: ${join(f, 'deeper', 'm.json')}: ${f} is a file, not a folder`);
    const p = await refusal([folder(f)]);
    expect(p.message).toBe(`train: --plot: ${f}: is a file, not a folder: give a folder to write the pictures into`);
  });

  it('a folder, a device or a FIFO where a file goes', async () => {
    const dir = await tempDir();
    expect((await refusal([file(dir)])).message).toBe(`train: --save: ${dir}: is a folder, expected a file name`);
    expect((await refusal([file('/dev/null')])).message).toContain('/dev/null: is not a regular file (a device, FIFO or socket)');
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal([file(fifo)])).message).toContain(`${fifo}: is not a regular file`);
  });

  it('/proc and /sys are refused (recursive mkdir never settles there)', async () => {
    expect((await refusal([folder('/proc/x/y')])).message).toBe("train: --plot: /proc/x/y: /proc is on the kernel's proc file system, where no file can be written");
    expect((await refusal([file('/sys/kernel/m.json')])).message).toContain("/sys/kernel is on the kernel's sysfs file system");
  });

  it('an input, through a symbolic link, and two outputs on one path', async () => {
    const dir = await tempDir();
    const data = join(dir, 'train.h5');
    await writeFile(data, 'data');
    await symlink(data, join(dir, 'link.h5'));
    const e = await refusal([file(join(dir, 'link.h5'))], [data]);
    expect(e.message).toBe(`train: --save: ${join(dir, 'link.h5')}: is the input ${data}: choose another path, tsgrad never writes over its input`);
    const both = await refusal([file(join(dir, 'm.json')), folder(join(dir, 'm.json'))]);
    expect(both.message).toBe(`train: --plot: ${join(dir, 'm.json')}: is also the --save file: give each output a path of its own`);
  });

  it('empty and NUL paths', async () => {
    expect((await refusal([file('')])).message).toBe('train: --save: expected a file name, got an empty path');
    expect((await refusal([folder('a\0b')])).message).toBe('train: --plot: the path holds a NUL character');
  });

  it('a read-only file system (a tmpfs remounted read-only, when this process may mount)', async (ctx) => {
    const dir = await tempDir();
    const mnt = join(dir, 'ro');
    await mkdir(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // not root, or no mount permission (a container without CAP_SYS_ADMIN)
      return;
    }
    try {
      const e = await refusal([file(join(mnt, 'sub', 'm.json'))]);
      expect(e.message).toBe(`train: --save: ${join(mnt, 'sub', 'm.json')}: the folder ${mnt} is on a read-only file system`);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});

describe('ensureFolder', () => {
  it('creates missing levels, accepts an existing folder, refuses a file in the way', async () => {
    const dir = await tempDir();
    await ensureFolder(join(dir, 'a', 'b', 'c'));
    await ensureFolder(join(dir, 'a', 'b', 'c'));
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['c']);
    await writeFile(join(dir, 'f'), '');
    const e = await ensureFolder(join(dir, 'f', 'g')).then(() => undefined, (err: unknown) => err);
    expect((e as NodeJS.ErrnoException).code).toBe('ENOTDIR');
  });
});
