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

/** Where one update of a training run stands (the trainer's `UpdateInfo`, counted from 0). */
export interface TrainingTick {
  epoch: number;
  batch: number;
  lastBatch: boolean;
  /** Mini-batches: the epoch's mean batch cost so far. */
  epochCost?: number;
}

/** What a training progress report shows and where. */
export interface TrainingProgressOptions {
  epochs: number;
  /** Updates per epoch (1 for full batches). */
  batches: number;
  /** Full batches: one bar over the iterations; else a bar per epoch over its batches. */
  fullBatch: boolean;
  /** Updates already done (a resumed run). */
  start?: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Off a terminal, milliseconds between plain lines (default 10,000: runs shorter than that print none). */
  lineEveryMs?: number;
  /** The clock, in milliseconds (default `performance.now`). */
  now?: () => number;
}

const seconds = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

/**
 * Progress of a training run on stderr: on a terminal a bar per epoch (batches done, the
 * epoch's cost so far, elapsed and remaining time; one bar over the iterations for full
 * batches), redrawn in place; elsewhere a plain line every `lineEveryMs` and nothing for a
 * run shorter than that, so logs and short runs stay as they were.
 * @example
 * const p = new TrainingProgress({ epochs: 20, batches: 250, fullBatch: false });
 * trainer options: onUpdate: (u) => p.tick(u); after the run: p.stop();
 */
export class TrainingProgress {
  private readonly o: Required<Omit<TrainingProgressOptions, 'stream'>> & { stream: NodeJS.WritableStream & { isTTY?: boolean } };
  private readonly t0: number;
  private done: number;
  private lastLine: number;
  private bar: cliProgress.SingleBar | undefined;

  constructor(opts: TrainingProgressOptions) {
    this.o = { start: 0, lineEveryMs: 10_000, now: () => performance.now(), stream: process.stderr, ...opts };
    this.t0 = this.o.now();
    this.lastLine = this.t0;
    this.done = this.o.start;
  }

  private get total(): number {
    return this.o.epochs * this.o.batches;
  }

  /** Remaining time from the rate of this run's updates so far. */
  private eta(now: number): number {
    const run = this.done - this.o.start;
    return run > 0 ? ((now - this.t0) / run) * (this.total - this.done) : Number.NaN;
  }

  /** A plain line: where the run is, its cost, elapsed and remaining time. @example 'training: epoch 3/20, batch 120/250, cost 0.3123, 12 s elapsed, about 40 s left' */
  line(t: TrainingTick, now: number): string {
    const where = this.o.fullBatch ? `iteration ${this.done}/${this.total}` : `epoch ${t.epoch + 1}/${this.o.epochs}, batch ${t.batch + 1}/${this.o.batches}`;
    const cost = t.epochCost !== undefined ? `, cost ${t.epochCost.toFixed(4)}` : '';
    const eta = this.eta(now);
    return `training: ${where}${cost}, ${seconds(now - this.t0)} elapsed${Number.isFinite(eta) ? `, about ${seconds(eta)} left` : ''}`;
  }

  /** After each update. */
  tick(t: TrainingTick): void {
    this.done++;
    const now = this.o.now();
    if (this.o.stream.isTTY !== true) {
      if (now - this.lastLine >= this.o.lineEveryMs && this.done < this.total) {
        this.lastLine = now;
        this.o.stream.write(`${this.line(t, now)}\n`);
      }
      return;
    }
    const value = this.o.fullBatch ? this.done : t.batch + 1;
    const total = this.o.fullBatch ? this.total : this.o.batches;
    const payload = { label: this.o.fullBatch ? 'iterations' : `epoch ${t.epoch + 1}/${this.o.epochs}`, cost: t.epochCost !== undefined ? `cost ${t.epochCost.toFixed(4)} | ` : '', elapsed: seconds(now - this.t0), left: seconds(Number.isFinite(this.eta(now)) ? this.eta(now) : 0) };
    if (this.bar === undefined) {
      this.bar = new cliProgress.SingleBar({ format: '{label} [{bar}] {value}/{total} | {cost}{elapsed} elapsed, {left} left', stream: this.o.stream, hideCursor: true, barsize: 30, clearOnComplete: false }, cliProgress.Presets.shades_classic);
      this.bar.start(total, value, payload);
    } else this.bar.update(value, payload);
    if (!this.o.fullBatch && t.lastBatch) {
      this.bar.stop();
      this.bar = undefined;
    }
  }

  /** Releases the terminal line (a run stopped mid-epoch, or the end). */
  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
