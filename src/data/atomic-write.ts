/**
 * Writing a file so that it is never seen half-written: the bytes go to a temporary sibling
 * (`.NAME.PID.RANDOM.tmp`), are flushed to disk, and the sibling is renamed over the target,
 * which is atomic on one file system. A crash, a full disk or a `kill -9` mid-write leaves the
 * old file (or no file) where the new one was going, never part of one. A temporary file left
 * by a killed process is removed by the next successful write of the same target.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { ensureFolder } from './output-path.js';

const TMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Writes `data` to `file` atomically; on failure the temporary file is removed, the target is
 * untouched, and a DataError names the file and the system's reason.
 * @example await writeFileAtomic('plots/cost.png', png);
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const target = await writableTarget(file);
  const dir = path.dirname(target);
  const base = path.basename(target);
  const tmp = path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    // A missing folder is created (level by level): the command checked at its start that it can be.
    await ensureFolder(dir);
    handle = await fs.open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(file, undefined, `cannot write${code ? ` (${code})` : ''}: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  await removeStaleTemporaries(dir, base);
}

/**
 * Where writing `file` puts the bytes: through a symbolic link to the file it names (renaming
 * over the link would replace the link), and only ever a regular file (renaming over a FIFO or
 * a device such as /dev/null would replace it with a regular file).
 */
async function writableTarget(file: string): Promise<string> {
  const resolved = path.resolve(file);
  let target = resolved;
  try {
    if ((await fs.lstat(resolved)).isSymbolicLink()) {
      // The file the link names, existing or not (a dangling link gets its target created).
      target = await fs.realpath(resolved).catch(async () => path.resolve(path.dirname(resolved), await fs.readlink(resolved)));
    }
    const st = await fs.stat(target);
    if (!st.isFile()) throw new DataError(file, undefined, `cannot write: it is ${st.isDirectory() ? 'a folder' : 'not a regular file (a device, FIFO or socket)'}, and tsgrad only replaces regular files`);
  } catch (e) {
    if (e instanceof DataError) throw e;
    // Missing (or a dangling link's target): written as a new file.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new DataError(file, undefined, `cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return target;
}

/** Removes `.NAME.PID.*.tmp` siblings of `NAME` whose writing process is gone (killed mid-write). */
async function removeStaleTemporaries(dir: string, base: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = TMP.exec(name);
    if (m === null || m[1] !== base) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
