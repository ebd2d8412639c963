import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startProgress } from '../../src/cli/progress.js';

/** A stream that is not a terminal (a CI log or a pipe) and keeps what is written. */
function logStream(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream: Object.assign(w, { isTTY: false }), text: () => text };
}

describe('progress bars', () => {
  it('become plain lines off a terminal, ending at 100%', () => {
    const log = logStream();
    const bar = startProgress('landscape', 5, { stream: log.stream, lineEveryMs: 60_000 });
    for (let i = 1; i <= 5; i++) bar.update(i);
    bar.stop();
    const lines = log.text().trim().split('\n');
    expect(log.text()).not.toMatch(/[\r\x1b]/);
    expect(lines[0]).toMatch(/^landscape \[.*\] 20% \| 1\/5 \|/);
    expect(lines.at(-1)).toMatch(/^landscape \[.*\] 100% \| 5\/5 \|/);
  });

  it('take the total from the first update when it is known only then', () => {
    const log = logStream();
    const bar = startProgress('work', 1, { stream: log.stream, lineEveryMs: 60_000 });
    bar.update(1, 40);
    bar.update(40, 40);
    bar.stop();
    expect(log.text()).not.toContain('/1 ');
    expect(log.text().trim().split('\n').at(-1)).toMatch(/100% \| 40\/40/);
  });

  it('draw nothing when disabled or never updated', () => {
    const log = logStream();
    const off = startProgress('x', 10, { stream: log.stream, enabled: false });
    off.update(5);
    off.stop();
    startProgress('y', 10, { stream: log.stream }).stop();
    expect(log.text()).toBe('');
  });
});
