/**
 * Output paths checked before any work: every file or folder a command will write (`--save`,
 * `--plot`, `--out`) is looked at when the command starts, so that a run that cannot write
 * its result is refused in one line, exit 2, before minutes of training, and never ends in
 * `internal error: EEXIST ... mkdir`. Nothing is created by the check: a refused run leaves
 * the disk as it was. Folders are created when written into, one level at a time
 * (`ensureFolder`), because Node's recursive mkdir never settles under /proc.
 */
import { promises as fs, constants as fsc, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { ArgumentError } from '../core/errors.js';

/** One output of a command: the option naming it, the path given, and whether it is a file or a folder. */
export interface OutputSpec {
  readonly option: string;
  readonly path: string;
  readonly kind: 'file' | 'folder';
}

// statfs magic numbers of file systems whose entries are the kernel's, not files
// (Linux's <linux/magic.h>): writing there is never a user's output.
const VIRTUAL_FS: Record<number, string> = { 0x9fa0: 'proc', 0x62656572: 'sysfs', 0x64626720: 'debugfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2', 0x1cd1: 'devpts', 0x73636673: 'securityfs' };

/** Folder levels walked at most when looking for the nearest existing one (a path longer than any system allows). */
const MAX_LEVELS = 4096;

/**
 * Refuses, as an ArgumentError naming the option and the path, any output that could not be
 * written: a folder in the way of a file or a file in the way of a folder, a device, FIFO or
 * socket, a folder that cannot be created (a file above it, a read-only file system, no
 * permission, /proc or /sys), one of `inputs` (same device and inode, through links), or two
 * outputs on the same path (`--plot` equal to `--save`).
 * @example await checkOutputs('train', [{ option: '--save', path: 'cat.json', kind: 'file' }], ['train.h5']);
 */
export async function checkOutputs(op: string, outputs: readonly OutputSpec[], inputs: readonly string[] = []): Promise<void> {
  const inputIds = new Map<string, string>();
  for (const f of inputs) {
    const st = await fs.stat(f).catch(() => undefined);
    if (st !== undefined) inputIds.set(`${st.dev}:${st.ino}`, f);
  }
  const seen = new Map<string, OutputSpec>();
  for (const out of outputs) {
    const fail = (detail: string): ArgumentError => new ArgumentError(op, out.option, `${out.path}: ${detail}`);
    if (out.path.trim() === '') throw new ArgumentError(op, out.option, `expected a ${out.kind === 'file' ? 'file name' : 'folder'}, got an empty path`);
    if (out.path.includes('\0')) throw new ArgumentError(op, out.option, 'the path holds a NUL character');
    const target = await throughLink(out.path);
    const other = seen.get(target);
    if (other !== undefined) throw fail(`is also the ${other.option} ${other.kind}: give each output a path of its own`);
    seen.set(target, out);
    const st = await fs.stat(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      if (e.code === 'ENOTDIR') throw fail(`${aboveIsFile(target)} is a file, not a folder`);
      throw fail(`cannot be looked at (${e.code ?? 'error'})`);
    });
    if (st !== undefined) {
      if (out.kind === 'folder' && !st.isDirectory()) throw fail(st.isFile() ? 'is a file, not a folder: give a folder to write the pictures into' : 'is not a folder (a device, FIFO or socket)');
      const input = inputIds.get(`${st.dev}:${st.ino}`);
      if (input !== undefined) throw fail(`is the input ${input}: choose another path, tsgrad never writes over its input`);
      if (out.kind === 'file' && !st.isFile()) throw fail(st.isDirectory() ? 'is a folder, expected a file name' : 'is not a regular file (a device, FIFO or socket): tsgrad only replaces regular files');
    }
    // The folder the bytes go into: the file's, or the folder itself.
    const folder = out.kind === 'file' ? path.dirname(target) : target;
    await checkFolder(folder, fail);
  }
}

/** The nearest existing folder at or above `folder` must be a folder on a real, writable file system. */
async function checkFolder(folder: string, fail: (detail: string) => ArgumentError): Promise<void> {
  const { existing, st } = await nearestExisting(folder, fail);
  if (!st.isDirectory()) throw fail(`${existing} is a file, not a folder`);
  const fsType = await fs.statfs(existing).then((s) => VIRTUAL_FS[Number(s.type)], () => undefined);
  if (fsType !== undefined) throw fail(`${existing} is on the kernel's ${fsType} file system, where no file can be written`);
  await fs.access(existing, fsc.W_OK | fsc.X_OK).catch((e: NodeJS.ErrnoException) => {
    const why = e.code === 'EROFS' ? 'is on a read-only file system' : e.code === 'EACCES' || e.code === 'EPERM' ? 'is not writable (permission denied)' : `cannot be written (${e.code ?? 'error'})`;
    throw fail(`the folder ${existing} ${why}`);
  });
}

async function nearestExisting(folder: string, fail: (detail: string) => ArgumentError): Promise<{ existing: string; st: Stats }> {
  let dir = path.resolve(folder);
  for (let i = 0; i < MAX_LEVELS; i++) {
    try {
      return { existing: dir, st: await fs.stat(dir) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw fail(`${aboveIsFile(dir)} is a file, not a folder`);
      if (code !== 'ENOENT') throw fail(`the folder ${dir} cannot be looked at (${code ?? 'error'})`);
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw fail('no existing folder above it');
}

/** The first existing non-folder on the way down to `p` (what ENOTDIR complains about). */
function aboveIsFile(p: string): string {
  let dir = path.resolve(p);
  let found = dir;
  for (let i = 0; i < MAX_LEVELS; i++) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
    found = dir;
    if (isFileSync(dir)) return dir;
  }
  return found;
}

function isFileSync(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Where a write to `file` lands: a symbolic link's target (existing or not), else the path itself, absolute. */
export async function throughLink(file: string): Promise<string> {
  const resolved = path.resolve(file);
  const lst = await fs.lstat(resolved).catch(() => undefined);
  if (lst === undefined || !lst.isSymbolicLink()) {
    // The folder part may hold links (a link to the output folder): resolve what exists.
    const dir = await fs.realpath(path.dirname(resolved)).catch(() => path.dirname(resolved));
    return path.join(dir, path.basename(resolved));
  }
  return fs.realpath(resolved).catch(async () => path.resolve(path.dirname(resolved), await fs.readlink(resolved)));
}

/**
 * Creates `folder` and any missing folders above it, one level at a time (a bounded loop:
 * Node's recursive mkdir spins forever under /proc). A folder made meanwhile by someone else is fine.
 * @example await ensureFolder('plots/run1');
 */
export async function ensureFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  let dir = path.resolve(folder);
  for (let i = 0; i < MAX_LEVELS; i++) {
    const st = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (st !== undefined) {
      if (!st.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, ${dir}`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const d of missing.reverse()) {
    await fs.mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}
