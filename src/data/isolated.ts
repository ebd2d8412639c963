/**
 * Loading an untrusted HDF5 file in a worker thread with its own h5wasm instance and a time
 * limit. h5wasm runs HDF5's C code in one WebAssembly instance per thread: on some corrupt
 * files HDF5 leaks memory, and in a process that has read thousands of them it can abort or,
 * once in a fuzz run, loop forever. A worker keeps that state out of the caller's instance
 * and can be stopped. tsgrad's commands read two files per process and load in-process
 * (faster to start); long-running programs that read many untrusted files can use this.
 *
 * @example
 * const set = await loadLabelledImagesIsolated('upload.h5', { timeoutMs: 10_000 });
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DataError, InternalError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { loadLabelledImages, type LabelledImages } from './dataset.js';

const WORKER = new URL('./isolated-worker.js', import.meta.url);

/** Settings of `loadLabelledImagesIsolated`. */
export interface IsolatedOptions {
  /** The datasets' prefix, as `loadLabelledImages` takes it. */
  prefix?: string;
  /** Give up (and stop the worker) after this long; default 60 s. */
  timeoutMs?: number;
}

/** Whether the compiled worker script is there (not when running the TypeScript sources directly). */
export function isolatedLoadingAvailable(): boolean {
  return WORKER.protocol === 'file:' && existsSync(fileURLToPath(WORKER));
}

interface Reply {
  ok?: { name: string; x: Uint8Array; xShape: number[]; y: Float64Array; classes: string[] };
  error?: { kind: 'data' | 'other'; field?: string; message: string };
}

/**
 * `loadLabelledImages` in a worker thread: the same result or the same DataError, and a
 * DataError when the file takes longer than `timeoutMs`. Without the compiled worker (the
 * TypeScript sources run directly) it loads in-process.
 * @example await loadLabelledImagesIsolated('train.h5', { timeoutMs: 5000 })
 */
export async function loadLabelledImagesIsolated(file: string, opts: IsolatedOptions = {}): Promise<LabelledImages> {
  if (!isolatedLoadingAvailable()) return loadLabelledImages(file, opts.prefix);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const worker = new Worker(WORKER, { workerData: { file, ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}) } });
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await new Promise<Reply>((resolve, reject) => {
      timer = setTimeout(() => reject(new DataError(file, undefined, `HDF5 did not finish reading it within ${timeoutMs / 1000} s (a corrupt file?)`)), timeoutMs);
      worker.once('message', (m: Reply) => resolve(m));
      worker.once('error', (e) => reject(new DataError(file, undefined, `the HDF5 reader failed: ${e.message.split('\n')[0] ?? ''}`)));
      worker.once('exit', (code) => reject(new DataError(file, undefined, `the HDF5 reader stopped (exit code ${code})`)));
    });
    if (reply.ok !== undefined) {
      const r = reply.ok;
      return { file, name: r.name, x: new Tensor(r.x, r.xShape, 'uint8'), y: new Tensor(r.y, [1, r.y.length], 'float64'), classes: r.classes };
    }
    const e = reply.error;
    if (e?.kind === 'data') {
      const head = e.field === undefined ? `${file}: ` : `${file}: ${e.field}: `;
      throw new DataError(file, e.field, e.message.startsWith(head) ? e.message.slice(head.length) : e.message);
    }
    throw new InternalError(`loading ${file} in a worker: ${e?.message ?? 'no reply'}`);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
