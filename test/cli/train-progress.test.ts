/**
 * Training progress (issue 15 item 5): off a terminal a plain line every lineEveryMs (none for
 * a shorter run), on one a bar per epoch with the batches, the epoch's cost, elapsed and
 * remaining time; the clock is injected, so the lines are exact.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TrainingProgress } from '../../src/cli/progress.js';
import { trainCommand } from '../../src/cli/train.js';
import { DATASETS } from '../data/fixtures.js';
import { runInProcess } from './command-helper.js';

function stream(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream: Object.assign(w, { isTTY }), text: () => text };
}

describe('TrainingProgress', () => {
  it('off a terminal: a plain line each lineEveryMs of the run, with the epoch, batch, cost, elapsed and remaining time', () => {
    const log = stream(false);
    let clock = 0;
    const p = new TrainingProgress({ epochs: 2, batches: 4, fullBatch: false, stream: log.stream, lineEveryMs: 10_000, now: () => clock });
    for (let u = 0; u < 8; u++) {
      clock += 3_000; // 3 s an update
      p.tick({ epoch: Math.floor(u / 4), batch: u % 4, lastBatch: u % 4 === 3, epochCost: 1 / (u + 1) });
    }
    p.stop();
    // A line at 12 s (update 4); the next is due at 22 s, and update 8 (24 s) is the last: no line, the run's own lines follow.
    expect(log.text()).toBe('training: epoch 1/2, batch 4/4, cost 0.2500, 12 s elapsed, about 12 s left\n');
  });

  it('off a terminal, full batches: iterations; a run shorter than lineEveryMs prints nothing', () => {
    const log = stream(false);
    let clock = 0;
    const p = new TrainingProgress({ epochs: 3000, batches: 1, fullBatch: true, stream: log.stream, lineEveryMs: 10_000, now: () => clock });
    for (let u = 0; u < 3000; u++) {
      clock += 10;
      p.tick({ epoch: u, batch: 0, lastBatch: true });
    }
    expect(log.text()).toBe('training: iteration 1000/3000, 10 s elapsed, about 20 s left\ntraining: iteration 2000/3000, 20 s elapsed, about 10 s left\n');
    const quiet = stream(false);
    const q = new TrainingProgress({ epochs: 5, batches: 1, fullBatch: true, stream: quiet.stream, now: () => 0 });
    for (let u = 0; u < 5; u++) q.tick({ epoch: u, batch: 0, lastBatch: true });
    expect(quiet.text()).toBe('');
  });

  it('on a terminal: a bar per epoch over its batches, with the cost so far and the time left', () => {
    const tty = stream(true);
    let clock = 0;
    const p = new TrainingProgress({ epochs: 2, batches: 4, fullBatch: false, stream: tty.stream, now: () => clock });
    for (let u = 0; u < 8; u++) {
      clock += 2_000;
      p.tick({ epoch: Math.floor(u / 4), batch: u % 4, lastBatch: u % 4 === 3, epochCost: 0.5 });
    }
    p.stop();
    const text = tty.text();
    expect(text).toContain('epoch 1/2 [');
    expect(text).toContain('] 4/4 | cost 0.5000 | 8 s elapsed, 8 s left');
    expect(text).toContain('] 4/4 | cost 0.5000 | 16 s elapsed, 0 s left');
    expect(text).toContain('epoch 2/2 [');
  });
});

describe('tsgrad train --no-progress', () => {
  it('is an option of train, and a short run writes nothing on stderr either way', async () => {
    for (const extra of [[], ['--no-progress']]) {
      const r = await runInProcess(trainCommand(), ['--data', DATASETS, '--iterations', '20', ...extra]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });
});
