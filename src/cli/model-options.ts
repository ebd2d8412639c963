/**
 * The options every command that reads a saved model with data takes (plot, landscape,
 * evaluate): where the data is, --json and --debug.
 */
import type { Command } from 'commander';
import type { LocateOptions } from '../data/locate.js';

/** The data options as commander parses them. */
export interface DataCliOptions {
  data?: string;
  train?: string;
  test?: string;
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
    .option('--test <file>', 'test set HDF5 file (with --train)')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors');
}

/** Where the data is, from the options. @example whereOf({ data: 'datasets' }) // { data: 'datasets' } */
export function whereOf(o: DataCliOptions): LocateOptions {
  return { ...(o.data !== undefined ? { data: o.data } : {}), ...(o.train !== undefined ? { train: o.train } : {}), ...(o.test !== undefined ? { test: o.test } : {}) };
}

/** Whether --debug was given to the command or to tsgrad. @example runCommand(body, debugOf(opts, cmd)) */
export function debugOf(o: DataCliOptions, cmd: Command): boolean {
  return o.debug === true || cmd.optsWithGlobals()['debug'] === true;
}
