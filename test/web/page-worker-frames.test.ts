/**
 * The page's worker (web/src/session.ts) in Node: N a frame is one readout every N
 * iterations for the L-layer network (the speed setting, issue 18 item 4), and a failure inside
 * the frame loop stops the run with a message instead of leaving "Training…" up for good.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { L_LAYER } from '../../src/app/settings.js';
import type { FromWorker, TrainSettings } from '../../web/src/protocol.js';
import { PageSession } from '../../web/src/session.js';

const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

async function loaded(): Promise<{ s: PageSession; seen: FromWorker[] }> {
  const seen: FromWorker[] = [];
  const s = new PageSession((msg) => seen.push(msg));
  const bytes = async (name: string): Promise<{ name: string; bytes: ArrayBuffer }> => {
    const b = await readFile(`${DATASETS}${name}`);
    return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) };
  };
  await s.receive({ type: 'load', train: await bytes('train_catvnoncat.h5'), test: await bytes('test_catvnoncat.h5') });
  return { s, seen };
}

async function until(seen: FromWorker[], ok: (m: FromWorker) => boolean): Promise<void> {
  for (let k = 0; k < 6000 && !seen.some(ok); k++) await new Promise((r) => setTimeout(r, 5));
  expect(seen.some(ok)).toBe(true);
}

const lLayer = (iterations: number, speed: number): TrainSettings => ({
  learningRate: L_LAYER.learningRate, iterations, speed,
  model: { layers: L_LAYER.layers, init: L_LAYER.init, seed: L_LAYER.seed, optimizer: L_LAYER.optimizer, engine: L_LAYER.engine },
});
const done = (m: FromWorker): boolean => m.type === 'status' && m.status === 'done';
const progress = (seen: FromWorker[]): number[] => seen.flatMap((m) => (m.type === 'progress' ? [m.progress.iteration] : []));

describe('the worker\'s frames', () => {
  it('reads out the L-layer network every N iterations at N a frame', async () => {
    const { s, seen } = await loaded();
    await s.receive({ type: 'reset', settings: lLayer(30, 5) });
    seen.length = 0;
    await s.receive({ type: 'train', settings: lLayer(30, 5) });
    await until(seen, done);
    expect(progress(seen)).toEqual([5, 10, 15, 20, 25, 30]);
  });

  it('stops with a message when a frame fails, and trains again afterwards', async () => {
    const { s, seen } = await loaded();
    await s.receive({ type: 'reset', settings: lLayer(20, 1) });
    const run = s.current;
    expect(run).not.toBeNull();
    // The readout fails once, as a bug would.
    const real = run?.readout.bind(run);
    let fail = true;
    if (run !== null && real !== undefined) {
      run.readout = () => {
        if (fail) {
          fail = false;
          throw new Error('the readout failed');
        }
        return real();
      };
    }
    seen.length = 0;
    await s.receive({ type: 'train', settings: lLayer(20, 1) });
    await until(seen, (m) => m.type === 'error');
    const types = seen.filter((m) => m.type === 'status' || m.type === 'error').map((m) => (m.type === 'status' ? m.status : m.message));
    expect(types).toEqual(['training', 'paused', 'Training stopped: the readout failed']);
    seen.length = 0;
    await s.receive({ type: 'train', settings: lLayer(20, 1) });
    await until(seen, done);
    expect(progress(seen).at(-1)).toBe(20);
  });
});
