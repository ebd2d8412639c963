/**
 * SIGINT (Ctrl-C) and SIGTERM during training: the first asks the run to stop at the end of
 * the current iteration (it then saves a checkpoint with --save); a second one exits at once,
 * which is safe because model files are written atomically.
 */
import { EXIT } from './run.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit code for a run stopped by `signal`. */
export const signalExit = (signal: StopSignal): number => (signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);

/** A stop request set by a signal, and the handlers to remove when training is over. */
export interface StopWatch {
  /** The first signal received, if any. */
  readonly requested: StopSignal | undefined;
  dispose(): void;
}

/**
 * Listens for SIGINT and SIGTERM until `dispose()`.
 * @example const stop = watchStopSignals(); await runInSlices(run, () => stop.requested !== undefined); stop.dispose();
 */
export function watchStopSignals(note: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): StopWatch {
  let requested: StopSignal | undefined;
  const handler = (signal: StopSignal): void => {
    if (requested !== undefined) process.exit(signalExit(signal));
    requested = signal;
    note(`tsgrad: ${signal}: stopping at the end of this iteration (send it again to quit at once)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
