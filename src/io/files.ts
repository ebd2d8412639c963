/**
 * Model files on disk (Node): read with a one-line error for a missing or unreadable file,
 * written atomically (a temporary sibling, flushed, renamed), so a failed save never damages
 * a model that was there.
 */
import { promises as fs } from 'node:fs';
import { DataError, ModelFileError } from '../core/errors.js';
import { writeFileAtomic } from '../data/atomic-write.js';
import { modelDocument, readModelText, type LoadedModel, type ModelRecord } from './model-file.js';

/**
 * Reads and checks a model file of any version. Never evaluates anything from it.
 * @example const { model, classes } = await loadModelFile('cat.json');
 */
export async function loadModelFile(file: string): Promise<LoadedModel> {
  let text: string;
  try {
    // A FIFO or a device would block the read forever: only regular files are model files.
    const st = await fs.stat(file);
    if (!st.isFile()) throw new ModelFileError(file, undefined, `is ${st.isDirectory() ? 'a folder' : 'not a regular file (a FIFO, device or socket)'}, expected a model file`);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(file, undefined, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`);
  }
  return readModelText(file, text);
}

/** Writes `text` atomically, as a ModelFileError naming the file when it cannot. @example await writeModelText('cat.json', JSON.stringify(doc)) */
export async function writeModelText(file: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(file, text);
  } catch (e) {
    const reason = e instanceof DataError ? e.message.slice(file.length + 2).replace(/^cannot write/, '') : String(e);
    throw new ModelFileError(file, undefined, `cannot write the model file${reason}`);
  }
}

/**
 * Saves a model (version 2) atomically.
 * @example await saveModelFile('cat.json', { model, classes, preprocessing: PIXELS, training });
 */
export async function saveModelFile(file: string, r: ModelRecord): Promise<void> {
  await writeModelText(file, `${JSON.stringify(modelDocument(r), null, 1)}\n`);
}
