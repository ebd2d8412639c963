/**
 * The worker of ./isolated.ts: loads one labelled image set with its own h5wasm instance and
 * posts the result (pixels and labels as transferable buffers) or the error back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DataError } from '../core/errors.js';
import { loadLabelledImages } from './dataset.js';

const { file, prefix } = workerData as { file: string; prefix?: string };
try {
  const s = await loadLabelledImages(file, prefix);
  const x = s.x.values() as Uint8Array;
  const y = s.y.values() as Float64Array;
  parentPort?.postMessage(
    { ok: { name: s.name, x, xShape: [...s.x.shape], y, classes: s.classes } },
    [x.buffer as ArrayBuffer, y.buffer as ArrayBuffer],
  );
} catch (e) {
  const data = e instanceof DataError ? { field: e.field, message: e.message } : { message: e instanceof Error ? e.message : String(e) };
  parentPort?.postMessage({ error: { kind: e instanceof DataError ? 'data' : 'other', ...data } });
}
