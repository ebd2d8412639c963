/**
 * Where the catvnoncat files are: the user's explicit choice first, then a short list of
 * conventional places, and a single error line that says everywhere it looked.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArgumentError, DataError } from '../core/errors.js';

/** The two files a data folder must hold. */
export const TRAIN_FILE = 'train_catvnoncat.h5';
export const TEST_FILE = 'test_catvnoncat.h5';
/** The environment variable naming a data folder. */
export const DATA_ENV = 'TSGRAD_DATA';

/**
 * Where to look: `--train FILE --test FILE`, or `--data DIR`, else the defaults. `env` and
 * `cwd` default to the process's own and exist so tests need not touch them.
 *
 * @example
 * const where: LocateOptions = { data: '../shared/datasets' };
 */
export interface LocateOptions {
  data?: string;
  train?: string;
  test?: string;
  /** The environment to read $TSGRAD_DATA from (default: process.env); a plain record, so the published types need no @types/node. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * The train and test files, as absolute paths, and the folders searched to find them (empty
 * when both files were given).
 *
 * @example
 * { train: '/repo/datasets/train_catvnoncat.h5', test: '/repo/datasets/test_catvnoncat.h5', searched: ['/repo/datasets'] }
 */
export interface DataFiles {
  train: string;
  test: string;
  searched: string[];
}

/**
 * Finds the train and test files, in this order:
 * 1. `--train FILE --test FILE` (both, or an ArgumentError naming the missing one; with
 *    `--data` too, an ArgumentError);
 * 2. `--data DIR`, a folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (a DataError
 *    naming the folder and the missing file when it does not);
 * 3. the first of $TSGRAD_DATA, ./datasets and ../shared/datasets (relative to `cwd`) that
 *    holds both files, or one DataError saying where it looked.
 * Relative paths resolve against `cwd`. Only the folders are searched here; whether a file is
 * readable HDF5 is `loadLabelledImages`'s question.
 *
 * @example
 * locateDataFiles({ train: 'a.h5', test: 'b.h5', cwd: '/data' }); // { train: '/data/a.h5', test: '/data/b.h5', searched: [] }
 * locateDataFiles({ env: { TSGRAD_DATA: '/data/cats' } });      // looks in /data/cats first
 */
export function locateDataFiles(opts: LocateOptions): DataFiles {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  if (opts.train !== undefined || opts.test !== undefined) {
    // Both ways at once is ambiguous (which set did the user mean?): refuse, even when --data names nothing.
    if (opts.data !== undefined) throw new ArgumentError('--data', `given with ${opts.train !== undefined ? '--train' : '--test'}`, 'use either the folder (--data DIR) or the two files (--train FILE --test FILE)');
    if (opts.train === undefined) throw new ArgumentError('--test', 'given without --train', 'give --train FILE too, or use --data DIR');
    if (opts.test === undefined) throw new ArgumentError('--train', 'given without --test', 'give --test FILE too, or use --data DIR');
    return { train: resolve(cwd, opts.train), test: resolve(cwd, opts.test), searched: [] };
  }

  if (opts.data !== undefined) {
    const dir = resolve(cwd, opts.data);
    if (!isDirectory(dir)) {
      throw new DataError(opts.data, undefined, `no such folder (--data needs a folder holding ${TRAIN_FILE} and ${TEST_FILE})`);
    }
    const missing = missingFiles(dir);
    if (missing.length > 0) {
      throw new DataError(opts.data, undefined, `missing ${missing.join(' and ')} (--data needs a folder holding ${TRAIN_FILE} and ${TEST_FILE})`);
    }
    return { train: resolve(dir, TRAIN_FILE), test: resolve(dir, TEST_FILE), searched: [dir] };
  }

  const places: { label: string; dir: string }[] = [];
  const fromEnv = env[DATA_ENV];
  if (fromEnv !== undefined && fromEnv !== '') places.push({ label: `$${DATA_ENV}`, dir: resolve(cwd, fromEnv) });
  places.push({ label: './datasets', dir: resolve(cwd, 'datasets') }, { label: '../shared/datasets', dir: resolve(cwd, '..', 'shared', 'datasets') });

  const searched: string[] = [];
  const notes: string[] = [];
  for (const { label, dir } of places) {
    searched.push(dir);
    const missing = isDirectory(dir) ? missingFiles(dir) : [TRAIN_FILE, TEST_FILE];
    if (missing.length === 0) return { train: resolve(dir, TRAIN_FILE), test: resolve(dir, TEST_FILE), searched };
    // A folder holding one of the two files is most likely the one meant: say so.
    const partial = missing.length === 1 ? `, which lacks ${missing[0]}` : '';
    notes.push(`${label} (${dir}${partial})`);
  }
  throw new DataError(`${TRAIN_FILE} and ${TEST_FILE}`, undefined,
    `not found in ${notes.join(', ')}; set $${DATA_ENV}, or pass --data DIR or --train FILE --test FILE`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function missingFiles(dir: string): string[] {
  return [TRAIN_FILE, TEST_FILE].filter((f) => !existsSync(resolve(dir, f)));
}
