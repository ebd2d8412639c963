/**
 * The options every command that reads a saved model with data takes (plot, landscape,
 * evaluate): where the data is, --json and --debug.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { DataRequest } from '../app/data.js';

/** The data options as commander parses them. */
export interface DataCliOptions {
  data?: string;
  train?: string;
  test?: string;
  testLast?: number;
  validation?: number;
  splitSeed?: number;
  json?: boolean;
  debug?: boolean;
}

/**
 * Adds --data, --train, --test, --json and --debug.
 * @example addModelDataOptions(new Command('plot').argument('<model>'))
 */
export function addModelDataOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (default: the files the model was trained on, else the usual places)')
    .option('--train <file>', 'training set HDF5 file (with --test)')
    .option('--test <file>', 'test set file (with --train)')
    .option('--test-last <n>', 'test on the last n samples of data without a test set (default: the split the model was trained with)', (v) => splitNumber('--test-last', v, (n) => Number.isSafeInteger(n) && n > 0, 'a positive integer'))
    .option('--validation <fraction>', 'hold out this fraction of the training samples, stratified (default: the split the model was trained with)', (v) => splitNumber('--validation', v, (n) => n > 0 && n < 1, 'a fraction in (0, 1)'))
    .option('--split-seed <n>', 'seed of the --validation split', (v) => splitNumber('--split-seed', v, (n) => Number.isInteger(n) && n >= 0 && n <= 2 ** 32 - 1, 'an integer in 0..2**32-1'))
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors');
}

function splitNumber(option: string, v: string, ok: (n: number) => boolean, what: string): number {
  const n = Number(v);
  if (v.trim() === '' || !ok(n)) throw new InvalidArgumentError(`${option} must be ${what}, got '${v}'`);
  return n;
}

/** Where the data is and what to hold out, from the options. @example whereOf({ data: 'datasets' }) // { data: 'datasets' } */
export function whereOf(o: DataCliOptions): DataRequest {
  const keys = ['data', 'train', 'test', 'testLast', 'validation', 'splitSeed'] as const;
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as DataRequest;
}

/** Whether --debug was given to the command or to tsgrad. @example runCommand(body, debugOf(opts, cmd)) */
export function debugOf(o: DataCliOptions, cmd: Command): boolean {
  return o.debug === true || cmd.optsWithGlobals()['debug'] === true;
}
