import { InvalidArgumentError } from 'commander';
import { ArgumentError, TsgradError } from '../core/errors.js';

/**
 * Exit codes: 0 success, 1 internal error (a bug), 2 user error (bad input or option), 3
 * training diverged (a cost became NaN or infinite), 4 `tsgrad gradcheck` found a gradient that
 * fails the check (the check ran; its verdict is the answer), 130 / 143 training stopped by
 * SIGINT / SIGTERM (128 + the signal's number, as shells report it).
 */
export const EXIT = { ok: 0, internal: 1, user: 2, diverged: 3, checkFailed: 4, sigint: 130, sigterm: 143 } as const;

/**
 * Runs a command body and turns errors into one line on stderr and an exit code. Stack
 * traces are shown only with `--debug` (or TSGRAD_DEBUG=1).
 */
export async function runCommand(body: () => Promise<number | void>, debug: boolean): Promise<number> {
  try {
    return (await body()) ?? EXIT.ok;
  } catch (e) {
    return reportError(e, debug);
  }
}

export function reportError(e: unknown, debug: boolean): number {
  if (e instanceof TsgradError && e.userError) {
    process.stderr.write(`tsgrad: error: ${oneLine(userMessage(e))}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.user;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`tsgrad: internal error: ${oneLine(msg)}\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('tsgrad: run again with --debug for a stack trace, and please report it\n');
  return EXIT.internal;
}

/**
 * The message as a user reads it: an error about an option or an environment variable starts
 * with that name (`--iterations: ...`, not `train: --iterations: ...`, whose first part is an
 * op name inside tsgrad); every other message is the error's own.
 * @example userMessage(new ArgumentError('train', '--epochs', 'must be positive')) // '--epochs: must be positive'
 */
export function userMessage(e: TsgradError): string {
  if (e instanceof ArgumentError && /^(--[a-z]|TSGRAD_[A-Z])/.test(e.argument) && e.message.startsWith(`${e.op}: ${e.argument}: `)) return e.message.slice(e.op.length + 2);
  return e.message;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

/** Option parsers for commander: reject bad values with a message naming what was expected. */
export function positiveInt(option: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${option} must be a positive integer, got '${v}'`);
    return n;
  };
}

export function positiveNumber(option: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${option} must be a positive number, got '${v}'`);
    return n;
  };
}

export function oneOf<T extends string>(option: string, values: readonly T[]): (v: string) => T {
  return (v: string) => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`${option} must be one of ${values.join(', ')}, got '${v}'`);
    return v as T;
  };
}

/** An ArgumentError for an option, for checks that need more than one option's value. */
export function optionError(option: string, detail: string): ArgumentError {
  return new ArgumentError('tsgrad', option, detail);
}
