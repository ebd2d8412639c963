/**
 * Writing over an existing file never leaves a partial file: a writer killed with SIGKILL in
 * the middle of a large write leaves the old file intact (its temporary sibling is cleaned
 * up by the next write), and a failed write (here: a plot whose PNG cannot be written)
 * leaves every file either old or complete.
 */
import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ModelFileError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/data/atomic-write.js';
import { writeModelText } from '../../src/io/files.js';
import { writeFigure } from '../../src/viz/chart.js';
import { removeTempDirs, ROOT, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('atomic writes', () => {
  it('a process killed (SIGKILL) mid-write leaves the old file whole; the next write cleans up', async () => {
    const dir = await tempDir();
    const target = join(dir, 'model.json');
    await writeFile(target, '{"old": true}\n');
    const module = pathToFileURL(join(ROOT, 'dist/data/atomic-write.js')).href;
    // 400 MB in one write: long enough to be caught half-way on any disk.
    const script = `const { writeFileAtomic } = await import(${JSON.stringify(module)}); await writeFileAtomic(${JSON.stringify(target)}, Buffer.alloc(400 * 2 ** 20, 120));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Wait until the temporary file has some bytes, then kill.
    let tmp: string | undefined;
    for (let i = 0; i < 600 && tmp === undefined; i++) {
      await sleep(10);
      for (const name of await readdir(dir)) {
        if (name.endsWith('.tmp') && (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size > 0) tmp = name;
      }
    }
    expect(tmp).toBeDefined();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const left = (await stat(join(dir, tmp as string))).size;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(400 * 2 ** 20);
    expect(await readFile(target, 'utf8')).toBe('{"old": true}\n');
    await writeFileAtomic(target, '{"new": true}\n');
    expect(await readFile(target, 'utf8')).toBe('{"new": true}\n');
    expect(await readdir(dir)).toEqual(['model.json']);
  }, 60_000);

  it('a failed write leaves the old file and no temporary file, with a one-line DataError', async () => {
    const dir = await tempDir();
    const target = join(dir, 'busy');
    await mkdir(target);
    const e = await writeFileAtomic(target, 'x').then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).toMatch(/busy: cannot write: it is a folder, and tsgrad only replaces regular files$/);
    expect(await readdir(dir)).toEqual(['busy']);
    await writeFile(join(dir, 'plain'), 'x');
    const m = await writeModelText(join(dir, 'plain', 'm.json'), '{}').then(() => undefined, (err: unknown) => err);
    expect(m).toBeInstanceOf(ModelFileError);
    expect((m as Error).message).toContain('m.json: cannot write the model file (ENOTDIR)');
    expect(await readFile(join(dir, 'plain'), 'utf8')).toBe('x');
    // A missing folder is created, level by level.
    await writeModelText(join(dir, 'new', 'deeper', 'm.json'), '{}');
    expect(await readFile(join(dir, 'new', 'deeper', 'm.json'), 'utf8')).toBe('{}');
  });

  it('a plot whose PNG cannot be written: the SVG is old or complete, never partial', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'cost.svg'), '<svg>old</svg>');
    await mkdir(join(dir, 'cost.png'));
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#123"/></svg>`;
    const e = await writeFigure(dir, 'cost', svg).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).toContain('cost.png: cannot write');
    expect([svg, '<svg>old</svg>']).toContain(await readFile(join(dir, 'cost.svg'), 'utf8'));
    expect((await readdir(dir)).sort()).toEqual(['cost.png', 'cost.svg']);
  });

  it('writes through a symbolic link (to its target, existing or not) and never replaces a FIFO, a device or a folder', async () => {
    const dir = await tempDir();
    await symlink('real.json', join(dir, 'link.json'));
    await writeFileAtomic(join(dir, 'link.json'), 'first\n');
    await writeFileAtomic(join(dir, 'link.json'), 'second\n');
    expect((await lstat(join(dir, 'link.json'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'link.json'))).toBe('real.json');
    expect(await readFile(join(dir, 'real.json'), 'utf8')).toBe('second\n');
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
    await mkdir(join(dir, 'folder'));
    for (const [name, what] of [['fifo', 'not a regular file'], ['folder', 'a folder'], ['/dev/null', 'not a regular file']] as const) {
      const target = name.startsWith('/') ? name : join(dir, name);
      const e = await writeFileAtomic(target, 'x').then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).message).toContain(what);
    }
    expect((await stat(join(dir, 'fifo'))).isFIFO()).toBe(true);
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['fifo', 'folder', 'link.json', 'real.json']);
  });
});
