/**
 * Fault injection, through the built CLI: a full disk (a small tmpfs, mounted when this
 * process may mount; else the case is skipped), a read-only folder (a tmpfs remounted
 * read-only: chmod does not stop root), a process killed with SIGKILL in the middle of a
 * run that saves over an old model, and standard output full (/dev/full) or closed (a pipe
 * whose reader is gone), for every command that writes. Each time: one line on stderr, no
 * stack trace, a non-zero exit (0 for a closed pipe, as `head` expects), and the old files
 * byte for byte as they were, with no temporary file left beside them.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/data/image.js';
import { removeTempDirs, ROOT, tempDir, writeH5 } from '../data/fixtures.js';

const MAIN = join(ROOT, 'dist/cli/main.js');
let DIR = '';
let DATA = '';
let MODEL = '';
let PHOTO = '';
const mounts: string[] = [];

function tsgrad(args: string[], stdout: 'pipe' | number = 'pipe'): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: DIR, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', stdout, 'pipe'], env: { ...process.env, TSGRAD_CACHE_DIR: join(DIR, 'cache') } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr };
}

function oneLine(r: { stderr: string }, ...words: string[]): void {
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  for (const w of words) expect(lines[0]).toContain(w);
}

/** A tmpfs of `size` mounted at a new folder, or undefined when mounting is not permitted here. */
function tmpfs(size: string): string | undefined {
  const dir = join(DIR, `mnt${mounts.length}`);
  execFileSync('mkdir', ['-p', dir]);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

/** The commands that write files, each writing into `out` (a folder, or a file in it). */
const writers = (out: string): [string, string[]][] => [
  ['train --save', ['train', '--data', DATA, '--epochs', '3', '--save', join(out, 'm.json')]],
  ['train --plot', ['train', '--data', DATA, '--epochs', '3', '--plot', join(out, 'plots')]],
  ['plot', ['plot', MODEL, '--data', DATA, '--out', join(out, 'plots')]],
  ['landscape', ['landscape', MODEL, '--data', DATA, '--grid', '3', '--alpha-points', '3', '--no-progress', '--out', join(out, 'land')]],
  ['graph', ['graph', '--out', join(out, 'j.svg')]],
  ['saliency', ['saliency', MODEL, PHOTO, '--out', join(out, 'sal')]],
  ['features', ['features', MODEL, PHOTO, '--out', join(out, 'feat')]],
];

beforeAll(async () => {
  DIR = await tempDir();
  DATA = join(DIR, 'data');
  await mkdir(DATA);
  const set = (p: string, m: number) => ({
    [`${p}_set_x`]: { data: Uint8Array.from({ length: m * 48 }, (_, i) => (i * 37 + (i % 7) * 11) % 256), shape: [m, 4, 4, 3], dtype: '<B' },
    [`${p}_set_y`]: { data: BigInt64Array.from({ length: m }, (_, i) => BigInt(i % 2)), shape: [m], dtype: '<q' },
    list_classes: { data: ['non-cat', 'cat'], shape: [2], dtype: 'A7' },
  });
  await writeH5(join(DATA, 'train_catvnoncat.h5'), set('train', 20));
  await writeH5(join(DATA, 'test_catvnoncat.h5'), set('test', 10));
  PHOTO = join(DIR, 'photo.png');
  await writeFile(PHOTO, await encodePng(Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 29) % 256), 8, 8, 3));
  MODEL = join(DIR, 'cat.json');
  const r = tsgrad(['train', '--data', DATA, '--epochs', '5', '--save', MODEL]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  for (const m of mounts) spawnSync('umount', [m]);
  await removeTempDirs();
});

describe('a full disk', () => {
  it('every writer: exit 2, one line naming the file and ENOSPC, the old model whole, no temporary file', async (ctx) => {
    const mnt = tmpfs('64k');
    if (mnt === undefined) return ctx.skip(); // mounting needs root (CAP_SYS_ADMIN)
    const old = '{"old model": true}\n';
    await writeFile(join(mnt, 'm.json'), old);
    // Fill what is left, so the next write of any size fails.
    spawnSync('sh', ['-c', `cat /dev/zero > ${join(mnt, 'filler')}`]);
    for (const [label, args] of writers(mnt)) {
      const r = tsgrad(args);
      expect(r.code, `${label}: ${r.stderr}`).toBe(2);
      oneLine(r, 'ENOSPC');
      expect(await readFile(join(mnt, 'm.json'), 'utf8'), label).toBe(old);
      const names = await readdir(mnt, { recursive: true });
      expect(names.filter((n) => String(n).endsWith('.tmp')), label).toEqual([]);
    }
  }, 300_000);
});

describe('a read-only folder', () => {
  it('every writer is refused before the work, naming the option and the read-only file system', async (ctx) => {
    const mnt = tmpfs('1m');
    if (mnt === undefined) return ctx.skip();
    const old = '{"old model": true}\n';
    await writeFile(join(mnt, 'm.json'), old);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    for (const [label, args] of writers(mnt)) {
      const r = tsgrad(args);
      expect(r.code, `${label}: ${r.stderr}`).toBe(2);
      oneLine(r, `${mnt} is on a read-only file system`);
      expect(r.stdout, label).not.toContain('Cost after');
    }
    expect(await readFile(join(mnt, 'm.json'), 'utf8')).toBe(old);
    expect(await readdir(mnt)).toEqual(['m.json']);
  }, 300_000);
});

describe('killed mid-run', () => {
  it('SIGKILL while a run that saves over an old model trains or saves: the old model is whole', async () => {
    const target = join(DIR, 'killed.json');
    const old = await readFile(MODEL);
    await writeFile(target, old);
    for (const delay of [300, 900, 1500]) {
      const child = spawn(process.execPath, [MAIN, 'train', '--data', DATA, '--epochs', '100000000', '--save', target], { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGTERM'); // asks for a checkpoint save...
      await new Promise((r) => setTimeout(r, delay / 30));
      child.kill('SIGKILL'); // ...and is killed somewhere in it
      await exited;
      const now = await readFile(target, 'utf8');
      // Old or complete, never part of one: it parses, and it is a tsgrad model file.
      expect((JSON.parse(now) as { format: string }).format).toBe('tsgrad-model');
      const r = tsgrad(['evaluate', target, '--data', DATA]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);
});

describe('standard output full or closed', () => {
  const commands = (): [string, string[]][] => [
    ['train', ['train', '--data', DATA, '--epochs', '3']],
    ['train --json', ['train', '--data', DATA, '--epochs', '3', '--json']],
    ['evaluate', ['evaluate', MODEL, '--data', DATA]],
    ['predict', ['predict', MODEL, PHOTO]],
    ['info', ['info']],
    ['graph', ['graph']],
    ['gradcheck', ['gradcheck', '--data', DATA]],
    ['plot', ['plot', MODEL, '--data', DATA, '--out', join(DIR, 'stdout-plots')]],
  ];

  it('stdout on /dev/full: one line "cannot write to standard output (ENOSPC ...)", exit 2', () => {
    for (const [label, args] of commands()) {
      const fd = openSync('/dev/full', 'w');
      try {
        const r = tsgrad(args, fd);
        expect(r.code, `${label}: ${r.stderr}`).toBe(2);
        oneLine(r, 'tsgrad: error: cannot write to standard output (ENOSPC');
      } finally {
        closeSync(fd);
      }
    }
  }, 300_000);

  it('stdout a pipe closed by its reader (as `| head -1`): exits 0 without a word', () => {
    for (const [label, args] of commands()) {
      const bash = spawnSync('bash', ['-c', `"${process.execPath}" "${MAIN}" ${args.map((a) => `'${a}'`).join(' ')} | head -c 1 > /dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: DIR, encoding: 'utf8', timeout: 120_000 });
      expect([label, bash.stdout.trim(), bash.stderr]).toEqual([label, '0', '']);
    }
  }, 300_000);
});
