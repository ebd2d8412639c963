/**
 * The first SIGINT/SIGTERM asks training to stop (and says so on stderr); the exit codes are
 * 128 + the signal's number; the handlers go away with `dispose`.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/run.js';
import { signalExit, watchStopSignals } from '../../src/cli/signals.js';

describe('watchStopSignals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: requested, noted once, handlers removed by dispose', (signal) => {
    const notes: string[] = [];
    const before = process.listenerCount(signal);
    const w = watchStopSignals((l) => notes.push(l));
    expect(process.listenerCount(signal)).toBe(before + 1);
    expect(w.requested).toBeUndefined();
    process.emit(signal, signal);
    expect(w.requested).toBe(signal);
    expect(notes).toEqual([`tsgrad: ${signal}: stopping at the end of this iteration (send it again to quit at once)`]);
    w.dispose();
    expect(process.listenerCount(signal)).toBe(before);
  });

  it('exit codes 130 and 143', () => {
    expect(signalExit('SIGINT')).toBe(130);
    expect(signalExit('SIGTERM')).toBe(143);
    expect(EXIT).toEqual({ ok: 0, internal: 1, user: 2, diverged: 3, checkFailed: 4, sigint: 130, sigterm: 143 });
  });
});
