/**
 * Typed errors. Every error carries what a user needs to fix the problem: the op or option,
 * the argument, and the shapes or values involved. `userError` separates bad input (exit 2,
 * no stack trace) from bugs in tsgrad (exit 1).
 *
 * @example
 * try { matmul(a, b); } catch (e) { if (e instanceof ShapeError) console.log(e.shapes); }
 */
export abstract class TsgradError extends Error {
  /** True when the cause is the user's input, not a bug in tsgrad. */
  abstract readonly userError: boolean;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit an op: `matmul: inner dimensions differ: a[2,3] b[4,5]`. */
export class ShapeError extends TsgradError {
  readonly userError = true;
  constructor(
    readonly op: string,
    detail: string,
    readonly shapes: readonly (readonly number[])[] = [],
  ) {
    super(`${op}: ${detail}`);
  }
}

/** A dtype an op cannot take, or two dtypes that cannot meet. */
export class DTypeError extends TsgradError {
  readonly userError = true;
  constructor(
    readonly op: string,
    detail: string,
    readonly dtypes: readonly string[] = [],
  ) {
    super(`${op}: ${detail}`);
  }
}

/** A bad argument or CLI option value: names the op or option and what was expected. */
export class ArgumentError extends TsgradError {
  readonly userError = true;
  constructor(
    readonly op: string,
    readonly argument: string,
    detail: string,
  ) {
    super(`${op}: ${argument}: ${detail}`);
  }
}

/** A problem with a file the user named: the file, the field or dataset inside it, what is wrong. */
abstract class FileProblem extends TsgradError {
  readonly userError = true;
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    detail: string,
  ) {
    super(field === undefined ? `${file}: ${detail}` : `${file}: ${field}: ${detail}`);
  }
}

/** A data file that is missing, unreadable, or not laid out as expected. */
export class DataError extends FileProblem {}

/** A model file that is missing, truncated, of an unknown version, or inconsistent. */
export class ModelFileError extends FileProblem {}

/** A broken invariant inside tsgrad: a bug, never the user's fault. */
export class InternalError extends TsgradError {
  readonly userError = false;
}

/**
 * A value read from a file or an option, as a message shows it: JSON, cut to 60 characters,
 * and a missing one said in words ("undefined" is never a user's word).
 * @example `expected a number, got ${shown(v)}` // '... got nothing (the field is missing)'
 */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  let text: string;
  try {
    text = typeof v === 'bigint' ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
