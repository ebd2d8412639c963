/**
 * Progress bars for long CLI work (training, the loss landscape, benchmarks), on stderr so
 * stdout stays clean for results and --json. On a terminal the bar redraws in place; when
 * stderr is a file or a pipe (CI logs) cli-progress writes plain lines every few seconds
 * instead, and a final line at 100%.
 */
import cliProgress from 'cli-progress';

/** A started progress bar. */
export interface Progress {
  /** Sets how much is done (and optionally a new total). */
  update(done: number, total?: number): void;
  /** Draws the final state and releases the terminal line. */
  stop(): void;
}

export interface ProgressOptions {
  /** false: draw nothing (e.g. --no-progress). Default true. */
  enabled?: boolean;
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream;
  /** Off a terminal, milliseconds between plain lines. Default 2000. */
  lineEveryMs?: number;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * Starts a progress bar labelled `label` for `total` steps.
 * @example
 * const bar = startProgress('landscape', 441);
 * for (let i = 1; i <= 441; i++) { work(); bar.update(i); }
 * bar.stop();
 */
export function startProgress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  if (opts.enabled === false || total <= 0) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted}`,
      stream: opts.stream ?? process.stderr,
      noTTYOutput: true,
      notTTYSchedule: opts.lineEveryMs ?? 2000,
      hideCursor: true,
      barsize: 30,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  // Started at the first update, so a total that is only known then is the first one shown.
  let started = false;
  return {
    update(done, newTotal) {
      if (!started) {
        bar.start(newTotal ?? total, done);
        started = true;
        return;
      }
      if (newTotal !== undefined && newTotal !== bar.getTotal()) bar.setTotal(newTotal);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
